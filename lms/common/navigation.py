"""The member-facing header navigation, contributed by the apps that own the pages.

Each app registers its entries from ``AppConfig.ready()``; the site's context processor shows the entries whose
``shown`` rule holds for the viewer, in ``order``. A new app adds its entry without editing a shared template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Viewer:
    """What a rule may look at, worked out once per request by the site."""

    authenticated: bool
    member: object | None = None
    manages_units: bool = False
    is_hr: bool = False
    admin_access: bool = False  # may open the Wagtail admin (trainers, HR, secretaries, superusers)
    roles: frozenset[str] = field(default_factory=frozenset)


def always(viewer: Viewer) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str  # a lazy translation
    url_name: str  # reversed without arguments
    order: int = 100
    shown: Callable[[Viewer], bool] = always


_entries: dict[str, NavEntry] = {}


def register(*entries: NavEntry) -> None:
    for entry in entries:
        _entries[entry.key] = entry  # by key: ready() may run twice in tests


def entries_for(viewer: Viewer) -> list[NavEntry]:
    return [e for e in sorted(_entries.values(), key=lambda e: (e.order, e.key)) if e.shown(viewer)]
