"""Pages: my assignments, the branch overview (with export) and assigning a course by hand."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from lms.catalog.models import CoursePage
from lms.common.exports import table_response
from lms.org.models import Member, OrgUnit, Post
from lms.org.scope import managed_units, member_of, units_q
from lms.records.models import StudyHourEntry
from lms.records.requirements import annual_requirement
from lms.records.services import hours_for_year

from . import services
from .models import Assignment
from .requirements import plan_requirements
from .services import ACTIVE, COMPLETED, DISPLAY, WITHDRAWN, display_status, with_progress

PAGE_SIZE = 100


@login_required
def my_assignments(request):
    member = member_of(request.user)
    today = timezone.localdate()
    year = today.year
    context = {"member": member, "year": year, "today": today}
    if member is not None:
        current = list(with_progress(
            Assignment.objects.filter(member=member)
            .filter(Q(status=ACTIVE) | Q(status=COMPLETED, year=year))
            .select_related("course", "plan", "assigned_by")
        ).order_by("status", "due_on"))
        for a in current:
            a.display = display_status(a, today)
            a.display_label = DISPLAY[a.display]
        current.sort(key=lambda a: ({"overdue": 0, "in_progress": 1, "not_started": 2, "done": 3}[a.display],
                                    a.due_on))
        earned = hours_for_year(member, year)
        required = annual_requirement(member, year)
        context.update({
            "assignments": current,
            "withdrawn": Assignment.objects.filter(member=member, status=WITHDRAWN, year=year)
            .select_related("course").order_by("-withdrawn_at")[:20],
            "earned": earned,
            "required": required,
            "missing": max(Decimal(0), required - earned) if required is not None else None,
            "percent": min(100, int(earned * 100 / required)) if required else None,
        })
    return render(request, "training/my_assignments.html", context)


def _managed_or_403(request):
    units = managed_units(request.user)
    if not units:
        raise PermissionDenied(_("Only branch secretaries and HR can see this page."))
    return units


def _branch_rows(units, unit: OrgUnit | None, query: str, today, year, post: Post | None = None):
    members = Member.objects.filter(units_q(units), is_active=True)
    if unit is not None:
        members = members.filter(org_unit__path__startswith=unit.path)
    if post is not None:
        members = members.filter(post=post)
    if query:
        members = members.filter(Q(name__icontains=query) | Q(employee_no__icontains=query))
    active = Q(assignments__status=ACTIVE)
    return members.select_related("org_unit", "post").annotate(
        n_overdue=Count("assignments", filter=active & Q(assignments__due_on__lt=today)),
        n_active=Count("assignments", filter=active),
        n_done=Count("assignments", filter=Q(assignments__status=COMPLETED, assignments__year=year)),
        next_due=Min("assignments__due_on", filter=active),
    ).order_by("-n_overdue", "next_due", "org_unit__path", "employee_no")


def _decorate(rows, year, today):
    """Hours earned/required and overdue courses for a page of members (a few queries in all)."""
    ids = [m.pk for m in rows]
    earned = dict(StudyHourEntry.objects.filter(member_id__in=ids, year=year).values("member_id")
                  .annotate(total=Sum("hours")).values_list("member_id", "total"))
    required = plan_requirements(ids, year)
    overdue: dict[int, list[Assignment]] = {}
    for a in (Assignment.objects.overdue(today).filter(member_id__in=ids).select_related("course")
              .order_by("due_on")):
        overdue.setdefault(a.member_id, []).append(a)
    for m in rows:
        m.earned = earned.get(m.pk) or Decimal(0)
        m.required = required.get(m.pk)
        m.hours_short = m.required is not None and m.earned < m.required
        m.overdue_assignments = overdue.get(m.pk, [])
    return rows


class BranchFilter(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, label=gettext_lazy("Org unit"))
    post = forms.ModelChoiceField(queryset=Post.objects.all(), required=False, to_field_name="code",
                                  label=pgettext_lazy("job post", "Post"))
    q = forms.CharField(required=False, label=gettext_lazy("Name or employee number"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(units_q(units, prefix="")).order_by("path")


@login_required
def branch(request):
    units = _managed_or_403(request)
    today = timezone.localdate()
    year = today.year
    form = BranchFilter(request.GET or None, units=units)
    unit, query, post = None, "", None
    if form.is_bound and form.is_valid():
        unit, query, post = form.cleaned_data["unit"], form.cleaned_data["q"].strip(), form.cleaned_data["post"]
    rows = _branch_rows(units, unit, query, today, year, post)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(request, list(rows), export, year, today, units, unit)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _decorate(page.object_list, year, today)
    totals = rows.aggregate(members=Count("pk", distinct=True))
    overdue_members = Member.objects.filter(pk__in=rows.values("pk"), assignments__status=ACTIVE,
                                            assignments__due_on__lt=today).distinct().count()
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return render(request, "training/branch.html", {
        "form": form, "page": page, "year": year, "today": today, "units": units,
        "total_members": totals["members"], "overdue_members": overdue_members, "query_string": params.urlencode(),
    })


EXPORT_HEADER = [
    gettext_lazy("Employee number"), gettext_lazy("Name"), gettext_lazy("Org unit"),
    gettext_lazy("Hours required"), gettext_lazy("Hours earned"), gettext_lazy("Open assignments"),
    gettext_lazy("Overdue assignments"), gettext_lazy("Completed this year"), gettext_lazy("Next due date"),
    gettext_lazy("Overdue courses"), pgettext_lazy("job post", "Post"),
]


def _export(request, rows, fmt: str, year: int, today, units, unit):
    table = []
    for start in range(0, len(rows), 1000):
        for m in _decorate(rows[start:start + 1000], year, today):
            table.append([
                m.employee_no, m.name, m.org_unit.full_name if m.org_unit_id else "",
                m.required, m.earned, m.n_active, m.n_overdue, m.n_done,
                m.next_due.isoformat() if m.next_due else "",
                "; ".join(f"{a.course.title} ({a.due_on.isoformat()})" for a in m.overdue_assignments),
                m.post.name if m.post_id else "",
            ])
    params = {k: v for k, v in request.GET.items() if k in ("unit", "post", "q")}
    return table_response(request, name="training_status", header=EXPORT_HEADER, rows=table, fmt=fmt,
                          filename=f"training-status-{today.isoformat()}.{fmt}", sheet_title=_("Training status"),
                          units=[unit] if unit else units, params={**params, "year": year})


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(queryset=CoursePage.objects.live().order_by("title"),
                                    label=gettext_lazy("Course"))
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), required=False, label=gettext_lazy("Every member of this unit"),
        help_text=gettext_lazy("Including its sub-units."),
    )
    employee_nos = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Employee numbers"),
        help_text=gettext_lazy("One per line, or separated by commas or spaces."),
    )
    due_on = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.units = managed_units(user)
        self.fields["unit"].queryset = OrgUnit.objects.filter(units_q(self.units, prefix="")).order_by("path")

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        numbers = [n for n in (data.get("employee_nos") or "").replace(",", " ").replace("，", " ").split() if n]
        if not unit and not numbers:
            raise forms.ValidationError(_("Choose a unit or enter employee numbers."))
        members = {}
        if unit is not None:
            for m in Member.objects.filter(org_unit__path__startswith=unit.path, is_active=True):
                members[m.pk] = m
        if numbers:
            found = {m.employee_no: m for m in Member.objects.filter(employee_no__in=numbers)}
            unknown = [n for n in numbers if n not in found]
            if unknown:
                self.add_error("employee_nos", _("Unknown employee number(s): %(nos)s") % {"nos": ", ".join(unknown)})
            allowed = set(services.assignable_members(self.user).filter(pk__in=[m.pk for m in found.values()])
                          .values_list("pk", flat=True))
            outside = [n for n, m in found.items() if m.pk not in allowed]
            if outside:
                self.add_error("employee_nos", _("Outside the units you manage: %(nos)s") % {
                    "nos": ", ".join(outside)})
            for m in found.values():
                members[m.pk] = m
        data["members"] = list(members.values())
        return data


@login_required
def assign(request):
    _managed_or_403(request)
    form = AssignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.assign_manually(request.user, form.cleaned_data["members"],
                                              form.cleaned_data["course"], form.cleaned_data["due_on"],
                                              form.cleaned_data["note"])
        except services.ScopeError as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.AssignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Assigned to %(n)d member(s); %(m)d already had it.") % {
                "n": len(result.created), "m": len(result.already)})
            return redirect("training:training-branch")
    return render(request, "training/assign.html", {"form": form})


@login_required
@require_POST
def withdraw(request, pk):
    _managed_or_403(request)
    assignment = get_object_or_404(Assignment, pk=pk)
    try:
        services.withdraw(request.user, assignment, request.POST.get("reason", ""))
    except services.ScopeError as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.AssignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assignment was withdrawn."))
    return redirect("training:training-branch")


@login_required
def member_detail(request, pk):
    """One member's assignment history (HR, their branch secretary, or the member)."""
    from lms.org.scope import can_view_member

    member = get_object_or_404(Member.objects.select_related("org_unit"), pk=pk)
    if not can_view_member(request.user, member):
        raise PermissionDenied
    today = timezone.localdate()
    year = today.year
    history = list(with_progress(Assignment.objects.filter(member=member))
                   .select_related("course", "plan", "assigned_by").order_by("-assigned_at", "-id"))
    for a in history:
        a.display = display_status(a, today)
        a.display_label = DISPLAY[a.display]
    return render(request, "training/member_detail.html", {
        "member": member, "history": history, "year": year, "earned": hours_for_year(member, year),
        "required": annual_requirement(member, year),
        "can_manage": services.assignable_members(request.user).filter(pk=member.pk).exists(),
    })
