"""Member and trainer pages: taking a quiz, results, statistics, grading, H5P content."""

import mimetypes
import posixpath
import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from lms.org.scope import can_view_member, member_of

from . import access, presenters, services, stats
from .h5p import xapi
from .models import H5PPackage, H5PUserData, QuestionType, Quiz, QuizAttempt
from .permissions import can_manage_quiz
from .presenters import quiz_overview_context


@login_required
def quiz_detail(request, quiz_id):
    quiz = access.get_open_or_404(request.user, Quiz.objects.all(), pk=quiz_id)
    target = quiz.get_absolute_url()
    if target != request.path:
        return redirect(target)
    return render(request, "quizzes/quiz_detail.html", {"quiz": quiz, "quiz_ctx": quiz_overview_context(quiz, request)})


def _member(request):
    member = member_of(request.user)
    if member is None:
        raise Http404(_("Only members take quizzes."))
    return member


@login_required
@require_POST
def start(request, quiz_id):
    member = _member(request)
    quiz = access.get_open_or_404(request.user, Quiz.objects.all(), pk=quiz_id)
    try:
        attempt, _created = services.start_attempt(member, quiz)
    except services.QuizError as exc:
        messages.error(request, str(exc))
        return redirect(quiz.get_absolute_url())
    return redirect("quizzes:quiz-attempt", attempt.pk)


@login_required
def attempt_page(request, attempt_id):
    attempt = get_object_or_404(QuizAttempt.objects.select_related("quiz", "member"), pk=attempt_id)
    me = member_of(request.user)
    own = me is not None and attempt.member_id == me.pk
    if not own and not (can_manage_quiz(request.user, attempt.quiz) or can_view_member(request.user, attempt.member)):
        raise Http404(_("No such attempt."))
    if own:
        attempt = services.finalize_if_expired(attempt)
    view = presenters.attempt_view(attempt, reveal=None if own else True)
    context = {"attempt": attempt, "view": view, "quiz": attempt.quiz, "own": own,
               "QuestionType": QuestionType, "back_url": attempt.quiz.get_absolute_url()}
    if own and not attempt.is_finished:
        context.update(progress=presenters.taking_view(view), time_zone=timezone.get_current_timezone_name())
        return render(request, "quizzes/attempt_take.html", context)
    return render(request, "quizzes/attempt_result.html", context)


def _choice_ids(values) -> list[int]:
    # Option ids fit a database id (18 digits at most); anything else is not an option of this question.
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18]


def responses_from_form(attempt: QuizAttempt, post) -> dict[int, dict]:
    """The answers of the no-JavaScript form, in the API's response shape.

    A question whose fields the form did not send (a radio group left alone, a page opened before the answer
    was saved elsewhere) keeps the answer saved as a draft: only what the form carries replaces a draft.
    The checkboxes of a multiple-choice question come with a hidden empty field, so unticking them all clears it.
    """
    out: dict[int, dict] = {}
    for answer in attempt.answers.select_related("question"):
        q = answer.question
        key = f"q{q.pk}"
        if q.qtype == QuestionType.FILL_BLANK:
            count = max(1, len(q.blanks()))
            names = [f"{key}_{i}" for i in range(count)]
            if any(name in post for name in names):
                out[q.pk] = {"blanks": [post.get(name, "") for name in names]}
            continue
        if key not in post:
            continue
        if q.qtype == QuestionType.SINGLE:
            chosen = _choice_ids([post.get(key, "")])
            out[q.pk] = {"choices": chosen} if chosen else {}
        elif q.qtype == QuestionType.MULTIPLE:
            out[q.pk] = {"choices": _choice_ids(post.getlist(key))}
        elif q.qtype == QuestionType.TRUE_FALSE:
            value = post.get(key)
            out[q.pk] = {"value": value == "true"} if value in ("true", "false") else {}
        else:
            out[q.pk] = {"text": post.get(key, "")}
    return out


@login_required
@require_POST
def submit(request, attempt_id):
    member = _member(request)
    attempt = get_object_or_404(QuizAttempt.objects.select_related("quiz"), pk=attempt_id)
    if attempt.member_id != member.pk:
        raise PermissionDenied
    if not attempt.is_finished and request.POST.get("from_form") == "1":
        for question_id, data in responses_from_form(attempt, request.POST).items():
            try:
                services.save_answer(attempt, question_id, data)
            except services.TimeUp:
                messages.warning(request, _("Time was up: only answers saved before the deadline were graded."))
                break
            except services.QuizError as exc:
                if attempt.is_finished:
                    break
                messages.error(request, str(exc))
                return redirect("quizzes:quiz-attempt", attempt.pk)
    attempt = services.submit_attempt(attempt)
    return redirect("quizzes:quiz-attempt", attempt.pk)


def _managed_quiz(request, quiz_id) -> Quiz:
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    if not can_manage_quiz(request.user, quiz):
        raise PermissionDenied
    return quiz


@login_required
def stats_page(request, quiz_id):
    quiz = _managed_quiz(request, quiz_id)
    return render(request, "quizzes/stats.html", {
        "quiz": quiz, "summary": stats.summary(quiz), "questions": stats.question_stats(quiz),
        "members": services.member_results(quiz), "pool_problems": services.check_pool(quiz),
        "pending": services.pending_reviews([quiz.pk]).count(),
    })


@login_required
def review_page(request, quiz_id):
    """Grading short answers that wait for a trainer."""
    quiz = _managed_quiz(request, quiz_id)
    if request.method == "POST":
        answer = get_object_or_404(services.pending_reviews([quiz.pk]), pk=request.POST.get("answer", 0))
        try:
            score = Decimal(request.POST.get("score", ""))
            services.grade_short_answer(answer, score=score, feedback=request.POST.get("feedback", ""),
                                        user=request.user)
        except (InvalidOperation, services.QuizError) as exc:
            message = str(exc) if isinstance(exc, services.QuizError) else _("The score must be a number.")
            messages.error(request, message)
        else:
            messages.success(request, _("Graded."))
        return redirect("quizzes:quiz-review", quiz.pk)
    return render(request, "quizzes/review.html", {"quiz": quiz, "pending": services.pending_reviews([quiz.pk])})


# --- H5P -------------------------------------------------------------------------------------------

def h5p_player_context(package: H5PPackage, request) -> dict:
    member = member_of(request.user)
    content_url = reverse("quizzes:h5p-content", args=[package.pk, "h5p.json"]).rsplit("/", 1)[0]
    user_data_url = reverse("quizzes:h5p-user-data", args=[package.pk, ":dataType", ":subContentId"])
    context = {"package": package, "member": member, "content_url": content_url, "user_data_url": user_data_url}
    if member is not None:
        context.update({"xapi_mail": xapi.actor_mail(member), "xapi_iri": xapi.activity_iri(package)})
    return context


@login_required
@xframe_options_sameorigin
def h5p_detail(request, package_id):
    package = access.get_open_or_404(request.user, H5PPackage.objects.all(), pk=package_id)
    return render(request, "quizzes/h5p_detail.html",
                  {"package": package, "view_ctx": h5p_player_context(package, request)})


MAX_USER_DATA = 256 * 1024
KEY = re.compile(r"^[\w.\-]{1,60}$")


def h5p_user_data(request, package_id, data_type, sub_content_id):
    """H5P core's "content user data" endpoint: GET the saved state, POST a new one (data=0 deletes it)."""
    member = member_of(request.user)
    if member is None:
        return JsonResponse({"success": False, "message": _("Not signed in.")}, status=403)
    package = access.get_open_or_404(request.user, H5PPackage.objects.all(), pk=package_id)
    if not KEY.match(data_type) or not KEY.match(sub_content_id):
        raise Http404
    key = {"package": package, "member": member, "data_type": data_type, "sub_content_id": sub_content_id}
    if request.method == "GET":
        row = H5PUserData.objects.filter(**key).first()
        return JsonResponse({"success": True, "data": row.data if row else False})
    if request.method != "POST":
        return JsonResponse({"success": False, "message": "GET or POST"}, status=405)
    data = request.POST.get("data")
    if data in (None, "", "0"):  # H5P posts 0 to delete the saved state
        H5PUserData.objects.filter(**key).delete()
        return JsonResponse({"success": True})
    if len(data) > MAX_USER_DATA:
        return JsonResponse({"success": False, "message": _("The saved state is too large.")}, status=400)
    H5PUserData.objects.update_or_create(**key, defaults={"data": data})
    return JsonResponse({"success": True})


@login_required
@xframe_options_sameorigin  # the H5P player frames the package's own files
def h5p_content(request, package_id, path):
    """A file of an unpacked package, served from our origin (the player fetches them)."""
    package = get_object_or_404(H5PPackage, pk=package_id)
    clean = posixpath.normpath(path)
    if clean != path or clean.startswith(("/", "..")) or "\\" in path or "\x00" in path:
        raise Http404
    name = package.file_path(clean)
    try:
        handle = default_storage.open(name, "rb")
    except OSError as exc:  # missing, or a folder
        raise Http404 from exc
    content_type, _encoding = mimetypes.guess_type(clean)
    if clean.endswith(".json"):
        content_type = "application/json"
    elif clean.endswith(".js"):
        content_type = "text/javascript"
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    # Opened directly (an SVG, a PDF), a package file gets no scripting power on our origin.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
