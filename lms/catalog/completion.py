"""How a lesson completes: a registry the apps that judge completion fill from their ``AppConfig.ready()``.

The lesson's ``completion_rule`` field stores a rule's code; its choices come from here (a callable, so a new
rule needs no migration of the catalog). The catalog itself knows that a video rule needs a video; progress
registers the video and confirm rules it judges, quizzes the quiz and H5P rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CompletionRule:
    code: str
    label: str  # a lazy translation
    order: int = 100


VIDEO, CONFIRM, QUIZ, H5P = "video", "confirm", "quiz", "h5p"
DEFAULT = CONFIRM

_rules: dict[str, CompletionRule] = {}


def register(code: str, label, *, order: int = 100) -> CompletionRule:
    if len(code) > 20 or not code.isidentifier():
        raise ValueError(f"a completion rule code is a short identifier (≤ 20 characters), not {code!r}")
    rule = _rules[code] = CompletionRule(code, label, order)
    return rule


def choices() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in sorted(_rules.values(), key=lambda r: (r.order, r.code))]


def is_registered(code: str) -> bool:
    return code in _rules


# The default rule is always there, so a lesson can be saved whatever else is installed.
register(CONFIRM, _("Confirm after the minimum study time"), order=20)
