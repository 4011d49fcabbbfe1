"""Pages: my points (/points/), the leaderboards (/points/board/) and the report with its exports
(/points/report/), all scoped by lms.points.access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.common.exports import table_response
from lms.org.scope import member_of, require_member

from . import access, selectors, services
from .forms import BoardForm, ReportForm

HISTORY_PAGE = 20
REPORT_PAGE = 100


def _period_label(year: int, month: int | None) -> str:
    if month:
        return _("%(year)s-%(month)02d") % {"year": year, "month": month}
    return _("Year %(year)s") % {"year": year}


@login_required
def my_points(request):
    member = require_member(request.user, _("Points are kept for party members only."))
    today = timezone.localdate()
    summary = selectors.member_summary(member, today)
    page = Paginator(selectors.history(member), HISTORY_PAGE).get_page(request.GET.get("page"))
    position, count = (selectors.branch_position(summary.branch, today.year) if summary.branch else (None, 0))
    return render(request, "points/my_points.html", {
        "member": member, "summary": summary, "page": page, "position": position, "branches_count": count,
    })


@require_POST
@login_required
def privacy(request):
    member = require_member(request.user, _("Points are kept for party members only."))
    hide = request.POST.get("hide_name")
    if hide not in ("0", "1"):
        messages.error(request, _("Choose whether to show or hide your name."))
        return redirect("points:home")
    services.set_hide_name(member, hide == "1")
    messages.success(request, _("Your name is now hidden on leaderboards.") if hide == "1"
                     else _("Your name is now shown on leaderboards."))
    return redirect("points:home")


@login_required
def board(request):
    viewer = member_of(request.user)
    committee = access.is_committee(request.user)
    if viewer is None and not committee:
        raise Http404(_("Points are kept for party members only."))
    branches = access.visible_branches(request.user)
    form = BoardForm(request.GET or None, branches=branches)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Some filters were not valid; showing the current year."))
    year, month = form.chosen()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = data.get("scope") or ("branches" if committee and access.branch_of(viewer) is None else "branch")
    context = {"form": form, "year": year, "month": month, "period_label": _period_label(year, month),
               "committee": committee, "scope": scope}
    if scope == "branches":
        all_rows = selectors.branches_board(year, month)
        if committee:
            context["branch_rows"] = all_rows
        else:
            mine = access.branch_of(viewer)
            context["branch_rows"] = [r for r in all_rows if mine and r.branch_id == mine.pk]
            context["branches_count"] = len(all_rows)
    else:
        branch = data.get("branch") or access.branch_of(viewer)
        if branch is None:
            raise Http404(_("You do not belong to a branch."))
        if not access.can_view_branch(request.user, branch):
            raise PermissionDenied(_("You may only see the board of your own branch."))
        leads = access.leads_branch(request.user, branch)
        rows = selectors.branch_board(branch, year, month)
        for r in rows:
            r.shown = access.shown_name(r.name, hidden=r.hidden, is_self=viewer is not None
                                        and r.member_id == viewer.pk, leads=leads)
            r.is_self = viewer is not None and r.member_id == viewer.pk
        context.update(branch=branch, member_rows=rows)
    return render(request, "points/board.html", context)


MEMBER_HEADER = [gettext_lazy("Rank"), gettext_lazy("Employee number"), gettext_lazy("Name"),
                 gettext_lazy("Org unit"), gettext_lazy("Points")]
BRANCH_HEADER = [gettext_lazy("Rank"), gettext_lazy("Branch"), gettext_lazy("Active members"),
                 gettext_lazy("Points"), gettext_lazy("Points per member")]


def _member_table(rows) -> list[list]:
    table, previous, current = [], None, 0
    for i, m in enumerate(rows, start=1):
        if m.points != previous:
            current, previous = i, m.points
        table.append([current, m.employee_no, m.name, m.org_unit.full_name, m.points])
    return table


@login_required
def report(request):
    units = access.export_units(request.user)
    if not units:
        raise PermissionDenied(_("Only HR and branch secretaries see the points report."))
    form = ReportForm(request.GET or None, units=units)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Some filters were not valid; showing the current year."))
    year, month = form.chosen()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    chosen = [data["unit"]] if data.get("unit") else units
    by = data.get("by") or "member"
    fmt = request.GET.get("export")
    if fmt is not None and fmt not in ("csv", "xlsx"):
        messages.error(request, _("Unknown export format."))
        fmt = None
    params = {"year": year, "month": month or "", "by": by}
    if by == "branch":
        rows = selectors.branch_report(chosen, year, month)
        if fmt:
            table = [[r.rank, r.name, r.members, r.points, r.average] for r in rows]
            return table_response(request, name="points_by_branch", header=BRANCH_HEADER, rows=table, fmt=fmt,
                                  filename=f"points-branches-{year}{month or ''}.{fmt}",
                                  sheet_title=_("Points by branch"), units=chosen, params=params)
        page = Paginator(rows, REPORT_PAGE).get_page(request.GET.get("page"))
    else:
        rows = selectors.member_report(chosen, year, month)
        if fmt:
            return table_response(request, name="points_by_member", header=MEMBER_HEADER,
                                  rows=_member_table(rows), fmt=fmt,
                                  filename=f"points-members-{year}{month or ''}.{fmt}",
                                  sheet_title=_("Points by member"), units=chosen, params=params)
        page = Paginator(rows, REPORT_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(request, "points/report.html", {
        "form": form, "page": page, "by": by, "year": year, "month": month,
        "period_label": _period_label(year, month), "query_string": query.urlencode(),
    })
