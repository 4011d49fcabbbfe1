"""Where ledger hours come from: a registry the apps that credit hours fill from their ``AppConfig.ready()``.

Each source has a stable code (stored on every entry), a label, and whether its hours count as earned study
hours in reports and archives (a correction does not: it is booked against the source of the entry it
reverses). A new app that credits hours (e.g. organizational life) registers its source; the ledger, the import,
the reports and the archives pick it up without a change of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LedgerSource:
    code: str
    label: str  # a lazy translation
    earns: bool = True
    order: int = 100


_sources: dict[str, LedgerSource] = {}

# The records app's own sources; course, lesson and quiz are registered by progress and quizzes.
LIVE, OFFLINE, CORRECTION = "live", "offline", "correction"


def register(code: str, label, *, earns: bool = True, order: int = 100) -> LedgerSource:
    if len(code) > 20 or not code.isidentifier():
        raise ValueError(f"a ledger source code is a short identifier (≤ 20 characters), not {code!r}")
    source = _sources[code] = LedgerSource(code, label, earns, order)
    return source


def all_sources() -> list[LedgerSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.code))


def earning_sources() -> list[LedgerSource]:
    return [s for s in all_sources() if s.earns]


def choices() -> list[tuple[str, str]]:
    """The model field's choices (a callable, so registering a source needs no migration)."""
    return [(s.code, s.label) for s in all_sources()]


def label(code: str) -> str:
    source = _sources.get(code or "")
    return str(source.label) if source else (code or "")


def is_registered(code: str) -> bool:
    return code in _sources


register(LIVE, _("Live session"), order=40)
register(OFFLINE, _("Offline training"), order=50)
register(CORRECTION, _("Correction"), earns=False, order=90)
