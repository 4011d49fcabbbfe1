from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.catalog import access
from lms.catalog.models import CoursePage, LessonPage
from lms.org.scope import member_of, require_member
from lms.records.models import StudyHourEntry
from lms.records.requirements import annual_requirement
from lms.records.services import hours_for_year

from . import services
from .models import Enrollment


def _member_or_404(request):
    return require_member(request.user, _("Only members have a learning record."))


@login_required
def my_learning(request):
    member = member_of(request.user)
    year = timezone.localdate().year
    context = {"member": member, "year": year}
    if member is not None:
        enrollments = (
            Enrollment.objects.filter(member=member, course__live=True)
            .select_related("course").order_by("completed_at", "-enrolled_at")
        )
        earned = hours_for_year(member, year)
        required = annual_requirement(member, year)
        context.update({
            "enrollments": enrollments,
            "earned": earned,
            "required": required,
            "percent": min(100, int(earned * 100 / required)) if required else None,
            "entries": StudyHourEntry.objects.filter(member=member, year=year).order_by("-date", "-id")[:20],
        })
    return render(request, "progress/my_learning.html", context)


@login_required
@require_POST
def enroll(request, course_id):
    member = _member_or_404(request)
    course = access.get_viewable_or_404(request.user, CoursePage.objects.all(), pk=course_id)
    _enrollment, created = services.enroll(member, course)
    if created:
        messages.success(request, _("You are enrolled in %(course)s.") % {"course": course.title})
    return redirect(course.url)


@login_required
@require_POST
def confirm(request, lesson_id):
    member = _member_or_404(request)
    lesson = access.get_viewable_or_404(request.user, LessonPage.objects.all(), pk=lesson_id)
    try:
        services.confirm_lesson(member, lesson)
    except services.ProgressError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Lesson completed."))
    return redirect(lesson.url)
