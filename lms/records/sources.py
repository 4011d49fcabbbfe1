"""Where ledger hours come from: a registry the apps that credit hours fill from their ``AppConfig.ready()``.

Each source has a stable code (stored on every entry), a label, and whether its hours count as earned study
hours in reports and archives (a correction does not: it is booked against the source of the entry it
reverses). A new app that credits hours (e.g. organizational life) registers its source; the ledger, the import,
the reports and the archives pick it up without a change of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lms.common.codes import Code, CodeRegistry


@dataclass(frozen=True)
class LedgerSource(Code):
    earns: bool = True


# The records app's own sources; course, lesson and quiz are registered by progress and quizzes.
LIVE, OFFLINE, CORRECTION = "live", "offline", "correction"

_registry = CodeRegistry("ledger source")
_sources = _registry.entries


def register(code: str, label, *, earns: bool = True, order: int = 100) -> LedgerSource:
    return _registry.add(LedgerSource(code, label, order, earns))


def all_sources() -> list[LedgerSource]:
    return _registry.ordered()


def earning_sources() -> list[LedgerSource]:
    return [s for s in all_sources() if s.earns]


def choices() -> list[tuple[str, str]]:
    """The model field's choices (a callable, so registering a source needs no migration)."""
    return _registry.choices()


def label(code: str) -> str:
    return _registry.label(code)


def is_registered(code: str) -> bool:
    return code in _registry


register(LIVE, _("Live session"), order=40)
register(OFFLINE, _("Offline training"), order=50)
register(CORRECTION, _("Correction"), earns=False, order=90)
