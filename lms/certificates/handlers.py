"""Signal receivers, connected in ``CertificatesConfig.ready``."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from . import services


def on_course_completed(sender, member_id, course_id, completed_at=None, **kwargs):
    """Sent by lms.progress after its transaction committed; issuing is a few rows, so it runs here (the PDF is
    drawn when it is downloaded). ``robust``: a failure is logged and never breaks the member's request."""
    transaction.on_commit(partial(services.issue_for_completion, member_id, course_id, completed_at), robust=True)
