"""Who may open which catalog page — the one rule for pages, API, services, search and recommendations.

A page is open to a user when it is live and every Wagtail view restriction on it or an ancestor admits the
user: *login* admits any authenticated user; *groups* admits members of one of the groups and superusers;
*password* admits nobody outside the page itself (a shared password cannot be known to the API, a service
or a recommendation). Anonymous visitors pass no restriction (pages without one stay public, as in Wagtail).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from wagtail.models import Page, PageViewRestriction


@dataclass(frozen=True)
class Restriction:
    path: str
    kind: str
    groups: frozenset[int]


def restrictions() -> list[Restriction]:
    return [Restriction(r.page.path, r.restriction_type, frozenset(g.pk for g in r.groups.all()))
            for r in PageViewRestriction.objects.select_related("page").prefetch_related("groups")]


def passes(path: str, rules: list[Restriction], *, is_superuser: bool, group_ids: frozenset[int],
           authenticated: bool = True) -> bool:
    for r in rules:
        if not path.startswith(r.path):
            continue
        if r.kind == PageViewRestriction.PASSWORD or not authenticated:
            return False
        if r.kind == PageViewRestriction.GROUPS and not is_superuser and not (r.groups & group_ids):
            return False
    return True


class PageAccess:
    """One user's view of the catalog, computed once per request (restrictions are few)."""

    def __init__(self, user):
        self.authenticated = bool(getattr(user, "is_authenticated", False))
        self.is_superuser = self.authenticated and user.is_superuser
        self.group_ids = frozenset(user.groups.values_list("pk", flat=True)) if self.authenticated else frozenset()
        self.rules = restrictions()

    def _passes(self, path: str, rules: list[Restriction]) -> bool:
        return passes(path, rules, is_superuser=self.is_superuser, group_ids=self.group_ids,
                      authenticated=self.authenticated)

    def allows_path(self, path: str) -> bool:
        return self._passes(path, self.rules)

    def allows(self, page: Page) -> bool:
        return page.live and self.allows_path(page.path)

    def closed_paths(self) -> list[str]:
        return [r.path for r in self.rules if not self._passes(r.path, [r])]

    def filter(self, qs: QuerySet) -> QuerySet:
        """The live pages of ``qs`` the user may open."""
        qs = qs.live()
        closed = Q()
        for path in self.closed_paths():
            closed |= Q(path__startswith=path)
        return qs.exclude(closed) if closed else qs


def viewable(user, qs: QuerySet) -> QuerySet:
    return PageAccess(user).filter(qs)


def can_view(user, page: Page) -> bool:
    return PageAccess(user).allows(page)


def get_viewable_or_404(user, qs: QuerySet, **lookup):
    """The page the user may open, or 404 (never 403: a restricted course's existence is not revealed)."""
    page = viewable(user, qs).filter(**lookup).first()
    if page is None:
        raise Http404
    return page
