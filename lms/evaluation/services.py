"""Training evaluation (培训效果评估): survey templates attached to courses and activities, responses, results per
course, trainer and period.

The app's public surface for other apps (docs/architecture.md): ``attach``, ``pending_for``, ``submit``,
``survey_state``, ``sync_survey_lesson`` and ``SURVEY`` (the lesson completion rule it registers).

A survey required before completion works through the catalog's completion-rule registry: the course gets a
required lesson whose completion rule is ``SURVEY``; that lesson completes (through lms.progress) when the member
has answered every active required survey of the course, so the course — its ledger credit and
``course_completed`` — completes only then.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lms.activities.models import Activity, Attendance
from lms.catalog import access as catalog_access
from lms.catalog.models import CoursePage, LessonPage
from lms.progress import services as progress
from lms.progress.models import Enrollment, LessonProgress

from .models import (
    CHOICE_KINDS,
    LIKERT_MAX,
    LIKERT_MIN,
    Answer,
    ItemKind,
    Response,
    SurveyAssignment,
    SurveyItem,
    SurveyTemplate,
)

SURVEY = "survey"  # the lesson completion rule (registered in EvaluationConfig.ready())
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
MAX_TEXT = 2000


class EvaluationError(ValueError):
    pass


class AlreadyAnswered(EvaluationError):
    pass


class NotOpen(EvaluationError):
    pass


# --- attaching ----------------------------------------------------------------------------------------------------
def attach(template: SurveyTemplate, *, course: CoursePage | None = None, activity: Activity | None = None,
           required_before_completion: bool = False,
           opens: str = SurveyAssignment.Opens.AFTER_LESSONS) -> SurveyAssignment:
    assignment = SurveyAssignment(template=template, course=course, activity=activity, opens=opens,
                                  required_before_completion=required_before_completion)
    assignment.full_clean()
    assignment.save()
    if course is not None:
        sync_survey_lesson(course.pk)
    return assignment


def sync_survey_lesson(course_id: int) -> LessonPage | None:
    """Give the course a live, required survey lesson while it has an active required survey; unpublish the
    survey lessons when it has none any more (so they block nobody's completion). Idempotent."""
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return None
    needed = SurveyAssignment.objects.filter(course_id=course_id, active=True, required_before_completion=True,
                                             template__active=True).exists()
    lessons = list(LessonPage.objects.child_of(course).filter(completion_rule=SURVEY))
    live = [lesson for lesson in lessons if lesson.live]
    if needed:
        if live:
            return live[0]
        if lessons:
            lessons[0].save_revision().publish()
            return lessons[0]
        lesson = LessonPage(title=_("Course evaluation"), slug=_free_slug(course), completion_rule=SURVEY,
                            estimated_minutes=1, required=True, live=True)
        course.add_child(instance=lesson)
        return lesson
    for lesson in live:
        lesson.unpublish()
    return None


def _free_slug(course: CoursePage) -> str:
    taken = set(course.get_children().values_list("slug", flat=True))
    base = slugify("evaluation") or "evaluation"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- who may answer what, and when -------------------------------------------------------------------------------
@dataclass
class SurveyState:
    assignment: SurveyAssignment
    response: Response | None
    open: bool
    reason: str = ""  # why it is not open yet

    @property
    def answered(self) -> bool:
        return self.response is not None


def _lessons_done(member, course: CoursePage) -> bool:
    required = list(LessonPage.objects.child_of(course).live().filter(required=True)
                    .exclude(completion_rule=SURVEY).values_list("pk", flat=True))
    done = LessonProgress.objects.filter(member=member, lesson_id__in=required, completed_at__isnull=False).count()
    return done == len(required)


def survey_state(member, assignment: SurveyAssignment, *, user=None, now=None) -> SurveyState | None:
    """The member's state for one attachment; ``None`` when the survey is not theirs to see at all."""
    now = now or timezone.now()
    if not (assignment.active and assignment.template.active):
        return None
    response = Response.objects.filter(assignment=assignment, member=member).first()
    if assignment.course_id:
        course = assignment.course
        if not catalog_access.can_view(user or member.user, course):
            return None
        enrollment = Enrollment.objects.filter(member=member, course=course).first()
        if enrollment is None:
            return None
        if response is not None:
            return SurveyState(assignment, response, False)
        if assignment.opens == SurveyAssignment.Opens.ANY_TIME or enrollment.completed_at or _lessons_done(
                member, course):
            return SurveyState(assignment, None, True)
        return SurveyState(assignment, None, False, _("Opens once you have finished the course's lessons."))
    attended = Attendance.objects.filter(activity_id=assignment.activity_id, member=member,
                                         status__in=ATTENDED).exists()
    if not attended:
        return None
    if response is not None:
        return SurveyState(assignment, response, False)
    if assignment.activity.ends_at > now:
        return SurveyState(assignment, None, False, _("Opens when the activity has ended."))
    return SurveyState(assignment, None, True)


def course_states(member, course: CoursePage, *, user=None) -> list[SurveyState]:
    assignments = SurveyAssignment.objects.filter(course=course, active=True, template__active=True).select_related(
        "template", "course")
    return [s for a in assignments if (s := survey_state(member, a, user=user)) is not None]


def pending_for(member, *, user=None, now=None) -> list[SurveyState]:
    """Open surveys the member has not answered yet (courses they are enrolled in, activities they attended)."""
    now = now or timezone.now()
    course_ids = Enrollment.objects.filter(member=member).values("course_id")
    activity_ids = Attendance.objects.filter(member=member, status__in=ATTENDED).values("activity_id")
    assignments = (SurveyAssignment.objects.filter(active=True, template__active=True)
                   .filter(Q(course_id__in=course_ids) | Q(activity_id__in=activity_ids))
                   .exclude(responses__member=member)
                   .select_related("template", "course", "activity").order_by("created_at", "pk"))
    out = []
    for assignment in assignments:
        state = survey_state(member, assignment, user=user, now=now)
        if state is not None and state.open:
            out.append(state)
    return out


def answered_for(member) -> list[Response]:
    return list(Response.objects.filter(member=member).select_related(
        "assignment__template", "assignment__course", "assignment__activity")[:50])


# --- answering ----------------------------------------------------------------------------------------------------
def clean_answers(items: list[SurveyItem], data) -> tuple[dict[int, dict], dict[int, str]]:
    """Check posted values (``data.get`` / ``data.getlist`` of ``item-<pk>``) against the items:
    (cleaned values by item pk, error messages by item pk)."""
    cleaned: dict[int, dict] = {}
    errors: dict[int, str] = {}
    for item in items:
        key = f"item-{item.pk}"
        if item.kind == ItemKind.LIKERT:
            raw = (data.get(key) or "").strip()
            if not raw:
                if item.required:
                    errors[item.pk] = _("Please choose a rating.")
                continue
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if not LIKERT_MIN <= value <= LIKERT_MAX:
                errors[item.pk] = _("Choose a rating from %(low)d to %(high)d.") % {"low": LIKERT_MIN,
                                                                                      "high": LIKERT_MAX}
                continue
            cleaned[item.pk] = {"rating": value}
        elif item.kind in CHOICE_KINDS:
            raw_values = data.getlist(key) if hasattr(data, "getlist") else data.get(key) or []
            if isinstance(raw_values, str):
                raw_values = [raw_values]
            values = [v.strip() for v in raw_values if v and v.strip()]
            options = item.option_list
            if any(v not in options for v in values):
                errors[item.pk] = _("Choose among the options shown.")
                continue
            if item.kind == ItemKind.SINGLE and len(values) > 1:
                errors[item.pk] = _("Choose one option.")
                continue
            if not values:
                if item.required:
                    errors[item.pk] = _("Please choose an option.")
                continue
            cleaned[item.pk] = {"choices": [o for o in options if o in values]}
        else:
            text = (data.get(key) or "").strip()
            if len(text) > MAX_TEXT:
                errors[item.pk] = _("At most %(n)d characters.") % {"n": MAX_TEXT}
                continue
            if not text:
                if item.required:
                    errors[item.pk] = _("Please write an answer.")
                continue
            cleaned[item.pk] = {"text": text}
    return cleaned, errors


class InvalidAnswers(EvaluationError):
    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Please check the highlighted answers."))
        self.errors = errors


def submit(member, assignment: SurveyAssignment, data, *, user=None, now=None) -> Response:
    """Record the member's answers once; a required course survey then completes the survey lesson (and with it,
    through lms.progress, the course when everything else is done)."""
    now = now or timezone.now()
    state = survey_state(member, assignment, user=user, now=now)
    if state is None:
        raise NotOpen(_("This survey is not open to you."))
    if state.answered:
        raise AlreadyAnswered(_("You have already answered this survey."))
    if not state.open:
        raise NotOpen(state.reason or _("This survey is not open yet."))
    items = list(assignment.template.items.all())
    cleaned, errors = clean_answers(items, data)
    if errors:
        raise InvalidAnswers(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(assignment=assignment, member=member, submitted_at=now)
            Answer.objects.bulk_create([
                Answer(response=response, item=item, question=item.text[:500], rating=values.get("rating"),
                       choices=values.get("choices", []), text=values.get("text", ""))
                for item in items if (values := cleaned.get(item.pk)) is not None])
            if assignment.course_id:
                complete_survey_lessons(member, assignment.course, now=now)
    except IntegrityError as exc:  # a double submit: the other request won
        raise AlreadyAnswered(_("You have already answered this survey.")) from exc
    return response


def complete_survey_lessons(member, course: CoursePage, *, now=None) -> bool:
    """Complete the course's survey lesson once every active required survey of the course is answered."""
    required = SurveyAssignment.objects.filter(course=course, active=True, required_before_completion=True,
                                               template__active=True)
    if required.exclude(responses__member=member).exists():
        return False
    done = False
    for lesson in LessonPage.objects.child_of(course).live().filter(completion_rule=SURVEY).specific():
        done = progress.complete_lesson(member, lesson, now=now) or done
    return done


# --- results ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: datetime.date | None = None
    end: datetime.date | None = None  # inclusive
    label: str = ""

    def q(self, field: str) -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__date__gte": self.start})
        if self.end:
            q &= Q(**{f"{field}__date__lte": self.end})
        return q


def period_from(params, today: datetime.date | None = None) -> Period:
    """``year`` (+ ``quarter`` 1–4) or ``start``/``end`` (ISO dates); nothing: all time. Raises EvaluationError."""
    today = today or timezone.localdate()
    start_raw, end_raw = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    if start_raw or end_raw:
        try:
            start = datetime.date.fromisoformat(start_raw) if start_raw else None
            end = datetime.date.fromisoformat(end_raw) if end_raw else None
        except ValueError as exc:
            raise EvaluationError(_("Dates must look like 2025-03-31.")) from exc
        if start and end and end < start:
            raise EvaluationError(_("The end date is before the start date."))
        return Period(start, end, f"{start or '…'} – {end or '…'}")
    year_raw, quarter_raw = (params.get("year") or "").strip(), (params.get("quarter") or "").strip()
    if not year_raw:
        return Period()
    try:
        year = int(year_raw)
        quarter = int(quarter_raw) if quarter_raw else 0
    except ValueError as exc:
        raise EvaluationError(_("Choose a year and quarter from the lists.")) from exc
    if not 2000 <= year <= 2100 or not 0 <= quarter <= 4:
        raise EvaluationError(_("Choose a year and quarter from the lists."))
    if quarter:
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = (datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1))
        return Period(start, end, f"{year} Q{quarter}")
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))


def eligible_count(assignment: SurveyAssignment, period: Period = Period()) -> int:
    """Members who could answer: completed the course (in the period) / attended the activity."""
    if assignment.course_id:
        return Enrollment.objects.filter(Q(course_id=assignment.course_id, completed_at__isnull=False)
                                         & period.q("completed_at")).count()
    return Attendance.objects.filter(activity_id=assignment.activity_id, status__in=ATTENDED).count()


def response_count(assignment: SurveyAssignment, period: Period = Period()) -> int:
    qs = assignment.responses.all()
    if assignment.course_id:
        qs = qs.filter(period.q("submitted_at"))
    return qs.count()


def rate(responses: int, eligible: int) -> float | None:
    if not eligible:
        return None
    return round(min(100.0, 100.0 * responses / eligible), 1)


@dataclass
class SummaryRow:
    assignment: SurveyAssignment
    responses: int
    eligible: int
    rate: float | None
    average: float | None  # mean of all ratings
    trainers: list[str]


def in_period(assignments, period: Period):
    """Activity surveys count in the period their activity ended in; course surveys always (their figures are
    filtered by date)."""
    if period.start is None and period.end is None:
        return assignments
    return assignments.filter(Q(activity__isnull=True) | period.q("activity__ends_at"))


def summary(assignments, period: Period = Period()) -> list[SummaryRow]:
    rows = []
    for assignment in in_period(assignments, period).prefetch_related("course__trainers"):
        answers = Answer.objects.filter(response__assignment=assignment, rating__isnull=False)
        if assignment.course_id:
            answers = answers.filter(period.q("response__submitted_at"))
        ratings = list(answers.values_list("rating", flat=True))
        responses, eligible = response_count(assignment, period), eligible_count(assignment, period)
        trainers = [m.name for m in assignment.course.trainers.all()] if assignment.course_id else (
            [assignment.activity.lecturer] if assignment.activity.lecturer else [])
        rows.append(SummaryRow(assignment, responses, eligible, rate(responses, eligible),
                               round(sum(ratings) / len(ratings), 2) if ratings else None, trainers))
    return rows


def by_trainer(rows: list[SummaryRow]) -> list[dict]:
    """Course surveys grouped by trainer: responses, eligible, rate and the mean rating over their courses."""
    groups: dict[str, dict] = {}
    for row in rows:
        if not row.assignment.course_id:
            continue
        for name in row.trainers:
            g = groups.setdefault(name, {"trainer": name, "courses": set(), "responses": 0, "eligible": 0,
                                         "sum": 0.0, "n": 0})
            g["courses"].add(row.assignment.course_id)
            g["responses"] += row.responses
            g["eligible"] += row.eligible
            if row.average is not None:
                g["sum"] += row.average * row.responses
                g["n"] += row.responses
    out = []
    for g in sorted(groups.values(), key=lambda g: g["trainer"]):
        out.append({"trainer": g["trainer"], "courses": len(g["courses"]), "responses": g["responses"],
                    "eligible": g["eligible"], "rate": rate(g["responses"], g["eligible"]),
                    "average": round(g["sum"] / g["n"], 2) if g["n"] else None})
    return out


@dataclass
class ItemResult:
    item: SurveyItem
    answered: int
    average: float | None = None
    bars: list[dict] | None = None  # {"label", "count", "pct"}
    texts: list[dict] | None = None  # {"text", "name", "when"}


def item_results(assignment: SurveyAssignment, period: Period = Period(), *, names: bool = False) -> list[ItemResult]:
    answers = Answer.objects.filter(response__assignment=assignment)
    if assignment.course_id:
        answers = answers.filter(period.q("response__submitted_at"))
    by_item: dict[int, list[Answer]] = {}
    for answer in answers.select_related("response__member").order_by("-response__submitted_at", "pk"):
        if answer.item_id:
            by_item.setdefault(answer.item_id, []).append(answer)
    out = []
    for item in assignment.template.items.all():
        rows = by_item.get(item.pk, [])
        result = ItemResult(item, len(rows))
        if item.kind == ItemKind.LIKERT:
            ratings = [a.rating for a in rows if a.rating is not None]
            result.average = round(sum(ratings) / len(ratings), 2) if ratings else None
            result.bars = _bars([(str(v), ratings.count(v)) for v in range(LIKERT_MAX, LIKERT_MIN - 1, -1)],
                                len(ratings))
        elif item.kind in CHOICE_KINDS:
            counts: dict[str, int] = dict.fromkeys(item.option_list, 0)
            for a in rows:
                for choice in a.choices or []:
                    counts[choice] = counts.get(choice, 0) + 1
            result.bars = _bars(list(counts.items()), len(rows))
        else:
            result.texts = [{"text": a.text, "when": a.response.submitted_at,
                             "name": a.response.member.name if names else ""} for a in rows if a.text]
        out.append(result)
    return out


def _bars(pairs: list[tuple[str, int]], total: int) -> list[dict]:
    return [{"label": label, "count": count, "pct": round(100.0 * count / total, 1) if total else 0.0}
            for label, count in pairs]


def export_rows(assignment: SurveyAssignment, period: Period = Period(), *, names: bool = False) -> list[list]:
    """The results as one table: item, kind, option or statistic, value (and for free text, name and date)."""
    rows: list[list] = []
    responses, eligible = response_count(assignment, period), eligible_count(assignment, period)
    rows.append([_("Responses"), "", "", responses, "", ""])
    rows.append([_("Could respond"), "", "", eligible, "", ""])
    rows.append([_("Response rate (%)"), "", "", rate(responses, eligible), "", ""])
    for result in item_results(assignment, period, names=names):
        kind = ItemKind(result.item.kind).label
        if result.item.kind == ItemKind.LIKERT:
            rows.append([result.item.text, kind, _("Average"), result.average, "", ""])
        for bar in result.bars or []:
            rows.append([result.item.text, kind, bar["label"], bar["count"], "", ""])
        for text in result.texts or []:
            rows.append([result.item.text, kind, "", text["text"], text["name"],
                         timezone.localtime(text["when"]).strftime("%Y-%m-%d")])
    return rows
