"""What catalog pages show beyond their own fields, contributed by the apps that know it.

A catalog page's ``get_context`` calls ``build(kind, page, request)``. The catalog's own listing (listing.py) and
the apps above it (progress: enrollments and finished lessons) register contributors from their
``AppConfig.ready()``, so the catalog never imports an app above it. A contributor takes the page, the request and
the context built so far and updates the context in place; the catalog's own contributors run first.
"""

from __future__ import annotations

from collections.abc import Callable

KINDS = ("catalog", "course", "lesson")
Contributor = Callable[[object, object, dict], None]

_contributors: dict[str, list[tuple[int, Contributor]]] = {kind: [] for kind in KINDS}


def register(kind: str, contributor: Contributor, *, order: int = 100) -> None:
    if kind not in _contributors:
        raise ValueError(f"unknown catalog page kind {kind!r}; one of {', '.join(KINDS)}")
    entry = (order, contributor)
    if entry not in _contributors[kind]:  # ready() may run twice in tests
        _contributors[kind].append(entry)
        _contributors[kind].sort(key=lambda item: item[0])


def build(kind: str, page, request) -> dict:
    context: dict = {}
    for _order, contributor in _contributors[kind]:
        contributor(page, request, context)
    return context
