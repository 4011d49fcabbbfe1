"""Template slots: a page of a lower app offers a named place; higher apps fill it from ``AppConfig.ready()``.

``register("course_page", "recommend/includes/also_completed.html", context_fn)`` adds a panel to the slot;
the page renders its slot with ``{% load slots %}{% slot "course_page" %}``. Each panel is rendered like an
inclusion tag: its template with the dictionary ``context_fn(context)`` returns (``None``: the panel is left out).
So catalog and progress pages show quiz boxes and recommendations without naming either app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: Callable[[object], dict | None]
    order: int = 100


_panels: dict[str, dict[str, Panel]] = {}


def register(slot: str, template: str, context: Callable[[object], dict | None], *, order: int = 100) -> Panel:
    """Idempotent by (slot, template): registering again replaces the panel."""
    panel = Panel(slot, template, context, order)
    _panels.setdefault(slot, {})[template] = panel
    return panel


def panels(slot: str) -> list[Panel]:
    return sorted(_panels.get(slot, {}).values(), key=lambda p: (p.order, p.template))
