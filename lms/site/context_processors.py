"""The navigation of every page, worked out once per request: the header entries the apps registered
(lms.common.navigation), the phone's bottom tab bar and the unread-notification count.

The tab bar is the site's own: the site is the roof and may name any app's pages. A tab that stands for a
registered entry (search, calendar) is shown only when that entry is shown to the viewer, so the registry's rules
(and an app that is not installed) decide for the tab as for the header.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from lms.common.navigation import Viewer, entries_for
from lms.notifications.services import unread_count
from lms.org.scope import is_hr, managed_units, member_of
from lms.org.services import ROLE_GROUPS


@dataclass(frozen=True)
class Tab:
    key: str
    label: str  # a lazy translation
    icon: str  # a name known to templates/includes/icon.html
    url_name: str = ""  # reversed without arguments; empty: the registered entry ``entry`` gives the address
    url: str = ""  # a fixed address (the catalog is Wagtail's root page, it has no URL name)
    entry: str = ""  # the registered NavEntry this tab stands for; the tab is shown only when that entry is
    namespaces: frozenset[str] = frozenset()  # URL namespaces (or full view names) whose pages mark the tab active


TABS = (
    Tab("today", pgettext_lazy("tab", "Home"), "home", url_name="site:today", namespaces=frozenset({"site:today"})),
    Tab("learn", pgettext_lazy("tab", "Learn"), "book", url="/",
        namespaces=frozenset({"wagtail_serve", "catalog", "progress", "training", "quizzes", "content_library",
                              "recommend"})),
    Tab("search", pgettext_lazy("tab", "Search"), "search", entry="search", namespaces=frozenset({"search"})),
    Tab("calendar", pgettext_lazy("tab", "Calendar"), "calendar", entry="calendar",
        namespaces=frozenset({"activities"})),
    Tab("me", pgettext_lazy("tab", "Me"), "user", url_name="site:me",
        namespaces=frozenset({"site:me", "accounts", "notifications", "reports:archive-mine",
                              "reports:archive-detail"})),
)


def _current(request) -> tuple[str, str]:
    """(namespace, view name) of the page being shown; empty on error pages of unmatched paths."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "", ""
    return match.namespace, match.view_name


def _is_active(names: frozenset[str], namespace: str, view_name: str) -> bool:
    return bool(view_name) and (view_name in names or namespace in names)


def _aria_current(url: str, path: str, active: bool) -> str:
    """``page`` on the page itself, ``true`` on a page of its section, empty elsewhere."""
    if url == path:
        return "page"
    return "true" if active else ""


def site_nav(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    member = member_of(user) if authenticated else None
    roles = frozenset(member.role_codes) if member else frozenset()
    manages = bool(authenticated and managed_units(user))
    viewer = Viewer(authenticated=authenticated, member=member, manages_units=manages,
                    is_hr=bool(authenticated and is_hr(user)), roles=roles,
                    # The roles whose groups hold wagtailadmin.access_admin (lms.site.bootstrap), without the
                    # permission query has_perm would add to every page.
                    admin_access=bool(authenticated and (user.is_superuser or manages or roles & ROLE_GROUPS.keys())))
    path = getattr(request, "path", "")
    namespace, view_name = _current(request)
    entries = entries_for(viewer) if authenticated else []
    shown = {e.key: reverse(e.url_name) for e in entries}
    tabs = []
    if authenticated:
        for tab in TABS:
            if tab.entry and tab.entry not in shown:
                continue
            url = tab.url or (shown[tab.entry] if tab.entry else reverse(tab.url_name))
            active = _is_active(tab.namespaces, namespace, view_name) or url == path
            tabs.append({"key": tab.key, "label": tab.label, "icon": tab.icon, "url": url,
                         "current": _aria_current(url, path, active)})
    in_tabs = {tab.entry for tab in TABS if tab.entry}
    return {
        "current_member": member,
        "nav_is_hr": viewer.is_hr,
        "nav_manages_units": viewer.manages_units,
        "nav_entries": [{"key": e.key, "label": e.label, "url": shown[e.key], "in_tabs": e.key in in_tabs,
                         "current": _aria_current(shown[e.key], path, path.startswith(shown[e.key]))}
                        for e in entries],
        "nav_tabs": tabs,
        # Called by the template only where it is shown (once: cached), not on every page that renders a template.
        "nav_unread": cache(lambda: unread_count(user)) if authenticated else 0,
    }
