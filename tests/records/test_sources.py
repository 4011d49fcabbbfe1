"""Ledger sources are registered by the apps that credit hours; reports and archives follow the registry."""

from decimal import Decimal

import pytest

from lms.records import ledger, sources
from lms.reports.archive import build_archive
from lms.reports.figures import earning_sources
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_source():
    """A source a future app would add (organizational life is a real one now: lms.activities)."""
    source = sources.register("evaluation", "民主评议", order=60)
    yield source
    sources._sources.pop("evaluation")


def test_the_apps_register_the_built_in_sources_in_order():
    assert [s.code for s in earning_sources()] == ["course", "lesson", "quiz", "activity", "live", "offline"]
    assert not any(s.code == sources.CORRECTION for s in earning_sources())
    assert sources.label("quiz") and sources.label("unknown") == "unknown"


def test_an_unregistered_source_is_refused():
    member = MemberFactory()
    with pytest.raises(ValueError, match="not a registered ledger source"):
        ledger.credit(member, source="evaluation", reference="review:1", title="民主评议党员", hours=2)
    with pytest.raises(ValueError):
        ledger.credit(member, source=sources.CORRECTION, reference="x", title="x", hours=1)


def test_a_registered_source_earns_hours_and_has_its_archive_group(extra_source):
    member = MemberFactory()
    entry, created = ledger.credit(member, source="evaluation", reference="review:1", title="民主评议党员", hours=2)
    assert created and entry.get_source_display() == "民主评议"
    assert "evaluation" in [s.code for s in earning_sources()]
    archive = build_archive(member, entry.year)
    groups = {g.source: g for g in archive.groups}
    assert archive.total == Decimal("2.00")
    assert groups["evaluation"].hours == Decimal("2.00") and groups["evaluation"].label == "民主评议"
    assert [g.source for g in archive.groups][-1] == "evaluation"  # after the built-in sources, by its order
