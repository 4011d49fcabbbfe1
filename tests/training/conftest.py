import pytest


@pytest.fixture(autouse=True)
def _fresh_schedule():
    """Ids collected by a previous test's never-committed transaction must not leak into this one."""
    from lms.training import scheduling

    members, plans = scheduling._pending()
    members.clear()
    plans.clear()
    yield
    members.clear()
    plans.clear()
