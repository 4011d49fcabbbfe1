"""Organizational life (三会一课): ``attended`` when attendance is recorded as present or late; a correction to
not attended voids it (as the ledger and points reverse theirs).

Statement ids count the member's attendances of the activity: the n-th standing ``attended`` is
``activity-attended:<member>:<activity>:<n>``; once voided, a later attendance takes the next n, so marking again
after a correction states it afresh while re-emitting an unchanged attendance states nothing new.
"""

from __future__ import annotations

from lms.activities.models import Activity, Attendance

from ..models import Statement
from . import ADL, activity, context, statement, statement_id, verb
from . import member as load_member

ATTENDED = verb(ADL + "attended", "参加", "attended")
VOIDED = verb(ADL + "voided", "撤销", "voided")
MAX_GENERATIONS = 100


def _generations(att: Attendance):
    """(key, statement id, stored and not voided | None when not stored) for n = 0, 1, … up to the first free."""
    for n in range(MAX_GENERATIONS):
        key = f"activity-attended:{att.member_id}:{att.activity_id}:{n}"
        sid = statement_id(key)
        row = Statement.objects.filter(statement_id=sid).values_list("voided", flat=True).first()
        yield key, sid, (None if row is None else not row)
        if row is None:
            return


def attendance(attendance_id: int) -> list[dict]:
    att = Attendance.objects.select_related("activity", "activity__kind").filter(pk=attendance_id).first()
    if att is None:
        return []
    member = load_member(att.member_id)
    if member is None:
        return []
    meeting = att.activity
    generations = list(_generations(att))
    if att.attended and meeting.status != Activity.Status.CANCELLED:
        # The standing statement, if any, else the first free id.
        key = next((k for k, _sid, standing in generations if standing), generations[-1][0])
        obj = activity("meeting", meeting.pk, meeting.title, description=meeting.kind.name if meeting.kind else "")
        return [statement(key, member, ATTENDED, obj, when=att.signed_in_at or meeting.starts_at,
                          result={"completion": True}, context_=context())]
    return [statement(f"void:{sid}", member, VOIDED, {"objectType": "StatementRef", "id": sid},
                      when=att.updated_at, context_={}) for _k, sid, standing in generations if standing]
