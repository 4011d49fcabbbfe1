"""How a lesson completes: a registry the apps that judge completion fill from their ``AppConfig.ready()``.

The lesson's ``completion_rule`` field stores a rule's code; its choices come from here (a callable, so a new
rule needs no migration of the catalog). The catalog itself knows that a video rule needs a video; progress
registers the video and confirm rules it judges, quizzes the quiz and H5P rules.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lms.common.codes import Code, CodeRegistry

VIDEO, CONFIRM, QUIZ, H5P, SCORM = "video", "confirm", "quiz", "h5p", "scorm"
DEFAULT = CONFIRM

_registry = CodeRegistry("completion rule")
_rules = _registry.entries


def register(code: str, label, *, order: int = 100) -> Code:
    return _registry.add(Code(code, label, order))


def choices() -> list[tuple[str, str]]:
    return _registry.choices()


def is_registered(code: str) -> bool:
    return code in _registry


# The default rule is always there, so a lesson can be saved whatever else is installed.
register(CONFIRM, _("Confirm after the minimum study time"), order=20)
