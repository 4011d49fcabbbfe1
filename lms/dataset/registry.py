"""The entities of the standard in the order they are written and applied (what is referred to comes first)."""

from .entities_learning import Assignments, Courses, Enrollments, LessonProgressEntity, Lessons
from .entities_ledger import LedgerEntries
from .entities_life import Activities, ActivityKinds, AttendanceEntity
from .entities_org import Members, OrgUnits, Posts, Roles
from .entities_xapi import Statements

ENTITIES = [Roles(), Posts(), ActivityKinds(), OrgUnits(), Members(), Courses(), Lessons(), Enrollments(),
            LessonProgressEntity(), Activities(), AttendanceEntity(), Assignments(), LedgerEntries(), Statements()]
BY_NAME = {e.name: e for e in ENTITIES}


def filename(entity) -> str:
    return f"{entity.name}.jsonl"
