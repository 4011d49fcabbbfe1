"""How report names and the parameters of exports, subscriptions and audit entries read to people: titles for
report names ("completion" → 完成情况), labelled values for parameter dicts ({"org": 3, "year": 2025} →
单位：第一党支部 · 年份：2025) — never a slug, a role or post code or a Python dict on a page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lms.org.models import Member, OrgUnit, Post, Role

from .registry import get_report


def report_title(name: str) -> str:
    if name == "archive":
        return _("Education archive")
    if name == "archives":
        return _("Education archives")
    report = get_report(name)
    return str(report.title) if report is not None else name


def _labels() -> dict[str, str]:
    return {
        "year": pgettext("report parameter", "Year"), "quarter": pgettext("report parameter", "Quarter"),
        "month": pgettext("report parameter", "Month"), "start": pgettext("report parameter", "From"),
        "end": pgettext("report parameter", "To"), "org": pgettext("report parameter", "Org unit"),
        "role": pgettext("report parameter", "Role"), "post": pgettext("report parameter", "Post"),
        "member": pgettext("report parameter", "Member"),
        "period": pgettext("report parameter", "Period"), "format": pgettext("report parameter", "Format"),
        "subscribe": pgettext("report parameter", "Subscription"),
        "reversal": pgettext("report parameter", "Correction entry"),
    }


def describe_params(entries) -> None:
    """Give each of ``entries`` (objects with ``params``) ``params_text``: labelled values, with org units,
    roles, posts and members by name — in four queries for the whole page."""
    entries = list(entries)
    wanted = {"org": set(), "role": set(), "post": set(), "member": set()}
    for entry in entries:
        params = entry.params if isinstance(entry.params, dict) else {}
        for key in wanted:
            if params.get(key) not in (None, ""):
                wanted[key].add(str(params[key]))
    names = {
        "org": {str(pk): name for pk, name in OrgUnit.objects.filter(
            pk__in=[v for v in wanted["org"] if v.isdigit()]).values_list("pk", "name")},
        "role": {code: name for code, name in Role.objects.filter(code__in=wanted["role"]).values_list("code",
                                                                                                     "name")},
        "post": {code: name for code, name in Post.objects.filter(code__in=wanted["post"]).values_list("code",
                                                                                                     "name")},
        "member": {str(pk): name for pk, name in Member.objects.filter(
            pk__in=[v for v in wanted["member"] if v.isdigit()]).values_list("pk", "name")},
    }
    labels = _labels()
    for entry in entries:
        params = entry.params if isinstance(entry.params, dict) else {}
        parts = []
        for key, value in params.items():
            if isinstance(value, bool):
                value = _("yes") if value else _("no")
            elif key in names:
                value = names[key].get(str(value), value)
            elif isinstance(value, (list, tuple)):
                value = "、".join(str(v) for v in value)
            elif isinstance(value, dict):
                continue  # nested detail stays in the database and the exports
            parts.append(f"{labels.get(key, key)}：{value}")
        entry.params_text = " · ".join(parts)
