"""Demo data for recommendations (called by the lead's ``seed_demo``)."""

from .compute import recompute
from .models import DirtyMember


def seed_recommend_demo() -> None:
    """Compute every demo member's recommendations now, so the dashboard shows them at once."""
    run = recompute(None)
    DirtyMember.objects.filter(marked_at__lte=run.started_at).delete()


# The demo step of this app (lms.common.discovery.demo_steps, run by seed_demo).
DEMO_ORDER = 90
seed = seed_recommend_demo
