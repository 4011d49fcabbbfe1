"""Pages: a survey (answer once), my pending surveys, and the results (HR, trainers, branch secretaries) with
their XLSX export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lms.common import exports
from lms.org.models import Member
from lms.org.scope import require_member

from . import access, services
from .models import SurveyAssignment


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@login_required
def mine(request):
    member = require_member(request.user, _("Surveys are for members."))
    return render(request, "evaluation/mine.html", {
        "pending": services.pending_for(member, user=request.user),
        "answered": services.answered_for(member),
        "results": access.can_use_results(request.user),
    })


@login_required
def survey(request, pk):
    member = require_member(request.user, _("Surveys are for members."))
    assignment = get_object_or_404(SurveyAssignment.objects.select_related("template", "course", "activity"), pk=pk)
    state = services.survey_state(member, assignment, user=request.user)
    if state is None:
        raise Http404(_("No such survey."))
    errors: dict[int, str] = {}
    values = {}
    status = 200
    if request.method == "POST":
        try:
            services.submit(member, assignment, request.POST, user=request.user)
        except services.InvalidAnswers as exc:
            errors, status = exc.errors, 400
            values = {k: request.POST.getlist(k) for k in request.POST if k.startswith("item-")}
            messages.error(request, str(exc))
        except services.EvaluationError as exc:
            messages.error(request, str(exc))
            return redirect(_safe_next(request, reverse("evaluation:survey", args=[assignment.pk])))
        else:
            messages.success(request, _("Thank you: your evaluation has been recorded."))
            return redirect(_safe_next(request, reverse("evaluation:survey", args=[assignment.pk])))
        state = services.survey_state(member, assignment, user=request.user)
    return render(request, "evaluation/survey.html", {
        "state": state, "assignment": assignment, "items": _items(assignment, errors, values),
        "next": _safe_next(request, ""),
    }, status=status)


def _items(assignment, errors, values):
    items = list(assignment.template.items.all())
    for item in items:
        item.error = errors.get(item.pk, "")
        item.values = values.get(f"item-{item.pk}", [])
    return items


def _period(request):
    try:
        return services.period_from(request.GET), ""
    except services.EvaluationError as exc:
        return services.Period(), str(exc)


def _filtered(request):
    qs = access.visible_assignments(request.user)
    kind = request.GET.get("kind", "")
    if kind == "course":
        qs = qs.filter(course__isnull=False)
    elif kind == "activity":
        qs = qs.filter(activity__isnull=False)
    course = request.GET.get("course", "")
    if course.isdigit():
        qs = qs.filter(course_id=int(course))
    trainer = request.GET.get("trainer", "")
    if trainer.isdigit():
        qs = qs.filter(course__trainers__id=int(trainer))
    return qs.distinct()


@login_required
def results(request):
    if not access.can_use_results(request.user):
        raise PermissionDenied(_("Survey results are for HR, trainers and branch secretaries."))
    period, error = _period(request)
    if error:
        messages.error(request, error)
    rows = services.summary(_filtered(request), period)
    if request.GET.get("format") == "xlsx":
        header = [_("Survey"), _("Course or activity"), _("Kind"), _("Trainers"), _("Responses"),
                  _("Could respond"), _("Response rate (%)"), _("Average rating")]
        table = [[r.assignment.template.title, str(r.assignment.target), _kind_label(r.assignment),
                  "、".join(r.trainers), r.responses, r.eligible, r.rate, r.average] for r in rows]
        return exports.table_response(request, name="evaluation-results", header=header, rows=table, fmt="xlsx",
                                      filename=f"evaluation-{timezone.localdate():%Y%m%d}.xlsx",
                                      sheet_title=_("Training evaluation"), params=dict(request.GET.items()))
    visible = access.visible_assignments(request.user)
    courses = sorted({(a.course_id, a.course.title) for a in visible if a.course_id}, key=lambda c: c[1])
    trainers = Member.objects.filter(taught_courses__pk__in=[c[0] for c in courses]).distinct().order_by("name")
    for r in rows:
        r.average_pct = round(100 * (r.average or 0) / services.LIKERT_MAX, 1)
        r.rate_pct = r.rate or 0
    return render(request, "evaluation/results.html", {
        "rows": rows, "trainer_rows": services.by_trainer(rows), "period": period, "params": request.GET,
        "courses": courses, "trainers": trainers, "years": _years(), "query": request.GET.urlencode(),
    })


def _kind_label(assignment) -> str:
    return _("Course") if assignment.course_id else _("Activity")


def _years():
    year = timezone.localdate().year
    return list(range(year, year - 5, -1))


@login_required
def result(request, pk):
    assignment = get_object_or_404(SurveyAssignment.objects.select_related("template", "course", "activity"), pk=pk)
    if not access.can_view(request.user, assignment):
        raise Http404(_("No such survey."))
    period, error = _period(request)
    if error:
        messages.error(request, error)
    names = access.show_names(assignment)
    if request.GET.get("format") == "xlsx":
        header = [_("Question"), _("Kind"), _("Option"), _("Value"), _("Name"), _("Date")]
        return exports.table_response(
            request, name="evaluation-result", header=header, rows=services.export_rows(assignment, period,
                                                                                        names=names),
            fmt="xlsx", filename=f"evaluation-{assignment.pk}.xlsx", sheet_title=_("Training evaluation"),
            params={"assignment": assignment.pk, **dict(request.GET.items())})
    responses = services.response_count(assignment, period)
    eligible = services.eligible_count(assignment, period)
    return render(request, "evaluation/result.html", {
        "assignment": assignment, "items": services.item_results(assignment, period, names=names),
        "responses": responses, "eligible": eligible, "rate": services.rate(responses, eligible),
        "names": names, "period": period, "params": request.GET, "years": _years(),
        "query": request.GET.urlencode(),
    })
