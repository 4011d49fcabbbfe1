"""Quiz, attempt and H5P endpoints under /api/v1/."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from lms.common.api_parsing import SafeJSONParser
from lms.common.api_routing import ID_PATTERN
from lms.org.scope import member_of, require_member, visible_members

from . import access, presenters, services, stats
from .h5p import xapi
from .h5p.package import H5PError, import_package
from .models import AttemptAnswer, H5PPackage, Quiz, QuizAttempt
from .permissions import can_manage_quiz, is_trainer


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the attempt's state.")
    default_code = "conflict"


def _caller_member(request):
    return require_member(request.user, _("Only members take quizzes."), api=True)


class QuizSerializer(serializers.ModelSerializer):
    question_count = serializers.SerializerMethodField()

    class Meta:
        model = Quiz
        fields = ["id", "title", "kind", "description", "lesson", "time_limit_minutes", "max_attempts",
                  "pass_percent", "show_answers", "opens_at", "closes_at", "credit_hours", "question_count"]

    def get_question_count(self, quiz) -> int:
        return quiz.fixed_questions.count() + sum(r.count for r in quiz.draw_rules.all())


class QuizViewSet(viewsets.ReadOnlyModelViewSet):
    """Quizzes and exams. POST …/attempts/ starts (or resumes) the caller's attempt."""

    serializer_class = QuizSerializer
    queryset = Quiz.objects.prefetch_related("draw_rules").order_by("-created_at")
    filterset_fields = ["kind", "lesson"]

    def get_queryset(self):
        return access.open_to(self.request.user, super().get_queryset())

    def retrieve(self, request, *args, **kwargs):
        quiz = self.get_object()
        data = self.get_serializer(quiz).data
        member = member_of(request.user)
        if member is not None:
            best = services.best_attempt(member, quiz)
            current = services.in_progress(member, quiz)
            data["me"] = {
                "attempts_used": services.attempts_used(member, quiz),
                "attempts_left": services.attempts_left(member, quiz),
                "passed": services.has_passed(member, quiz),
                "best_attempt": best.pk if best else None,
                "in_progress": current.pk if current else None,
            }
        return Response(data)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def attempts(self, request, pk=None):
        member = _caller_member(request)
        quiz = self.get_object()
        try:
            attempt, created = services.start_attempt(member, quiz)
        except services.QuizError as exc:
            raise ValidationError(str(exc)) from exc
        return Response(presenters.attempt_view(attempt),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        quiz = self.get_object()
        if not can_manage_quiz(request.user, quiz):
            raise PermissionDenied(_("Only the quiz's trainers see its statistics."))
        questions = [{
            "question": row["question"].pk, "text": row["question"].text, "type": row["question"].qtype,
            "shown": row["shown"], "answered": row["answered"], "correct": row["correct"],
            "correct_rate": row["correct_rate"], "average_score": float(row["average_score"])
            if row["average_score"] is not None else None,
            "most_common_wrong": row["most_common_wrong"], "most_common_wrong_count": row["most_common_wrong_count"],
        } for row in stats.question_stats(quiz)]
        members = [{
            "member": r["member"].pk, "employee_no": r["member"].employee_no, "name": r["member"].name,
            "attempts": r["attempts"], "best_score": float(r["best"]) if r["best"] is not None else None,
            "best_percent": r["best_percent"], "passed": r["passed"], "pending": r["pending"],
            "duration_seconds": r["duration_seconds"],
            "last_submitted": r["last_submitted"].isoformat() if r["last_submitted"] else None,
        } for r in services.member_results(quiz)]
        return Response({"summary": stats.summary(quiz), "questions": questions, "members": members})


class AttemptSerializer(serializers.ModelSerializer):
    quiz_title = serializers.CharField(source="quiz.title", read_only=True)
    percent = serializers.FloatField(read_only=True)
    duration_seconds = serializers.IntegerField(read_only=True)

    class Meta:
        model = QuizAttempt
        fields = ["id", "member", "quiz", "quiz_title", "number", "status", "started_at", "deadline", "submitted_at",
                  "submitted_late", "score", "max_score", "percent", "passed", "duration_seconds"]


class AttemptViewSet(viewsets.ReadOnlyModelViewSet):
    """Attempts of members the caller may see. Only the attempt's own member may answer or submit."""

    serializer_class = AttemptSerializer
    filterset_fields = ["member", "quiz", "status", "passed"]

    def get_queryset(self):
        return (QuizAttempt.objects.filter(member__in=visible_members(self.request.user))
                .select_related("quiz").order_by("-started_at"))

    def _own(self, pk) -> QuizAttempt:
        member = _caller_member(self.request)
        attempt = QuizAttempt.objects.select_related("quiz", "member").filter(pk=pk).first()
        if attempt is None:
            raise NotFound(_("No such attempt."))
        if attempt.member_id != member.pk:
            raise PermissionDenied(_("You can only answer your own attempts."))
        return attempt

    @extend_schema(responses=OpenApiTypes.OBJECT)  # presenters.attempt_view: the attempt page's own shape
    def retrieve(self, request, *args, **kwargs):
        attempt = self.get_object()
        if attempt.member_id == getattr(member_of(request.user), "pk", None):
            attempt = services.finalize_if_expired(attempt)
        return Response(presenters.attempt_view(attempt))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["put"], url_path=rf"answers/(?P<question_id>{ID_PATTERN})")
    def answer(self, request, pk=None, question_id=None):
        """Save (or replace) the caller's draft answer to one question of their open attempt; the attempt page
        calls it on every change. The submission grades the drafts saved before the deadline.

        403 for another member's attempt, 400 for a question not in the attempt or a malformed answer, 409 once
        the attempt is submitted or its time is up."""
        attempt = self._own(pk)
        try:
            saved = services.save_answer(attempt, int(question_id), request.data)
        except services.TimeUp as exc:
            raise Conflict(str(exc)) from exc
        except services.QuizError as exc:
            if attempt.is_finished:
                raise Conflict(str(exc)) from exc
            raise ValidationError(str(exc)) from exc
        return Response({"question": saved.question_id, "response": saved.response,
                         "saved_at": saved.saved_at.isoformat()})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit; an optional {"answers": {question_id: response}} is saved first if still in time."""
        attempt = self._own(pk)
        answers = request.data.get("answers") if isinstance(request.data, dict) else None
        if answers is not None and not isinstance(answers, dict):
            raise ValidationError({"answers": [_("answers must map question ids to responses.")]})
        for question_id, response in (answers or {}).items():
            try:
                services.save_answer(attempt, int(question_id), response)
            except services.TimeUp:
                break
            except ValueError as exc:  # QuizError, or a question id that is not a number
                if attempt.is_finished:
                    break
                raise ValidationError({"answers": [f"{question_id}: {exc}"]}) from exc
        attempt = services.submit_attempt(attempt)
        return Response(presenters.attempt_view(attempt))


class GradeSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    feedback = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema(request=GradeSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def grade_answer(request, answer_id):
    """A trainer grades a short answer: {"score": 4, "feedback": "..."}."""
    answer = get_object_or_404(AttemptAnswer.objects.select_related("attempt__quiz", "question"), pk=answer_id)
    if not can_manage_quiz(request.user, answer.attempt.quiz):
        raise PermissionDenied(_("Only the quiz's trainers grade its answers."))
    data = GradeSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        services.grade_short_answer(answer, score=data.validated_data["score"],
                                    feedback=data.validated_data.get("feedback", ""), user=request.user)
    except services.QuizError as exc:
        raise ValidationError(str(exc)) from exc
    answer.attempt.refresh_from_db()
    return Response(presenters.attempt_view(answer.attempt, with_questions=False))


# --- H5P -------------------------------------------------------------------------------------------

class H5PPackageSerializer(serializers.ModelSerializer):
    class Meta:
        model = H5PPackage
        fields = ["id", "title", "main_library", "lesson", "pass_percent", "file_count", "total_bytes",
                  "created_at"]


class H5PPackageViewSet(viewsets.ReadOnlyModelViewSet):
    """H5P packages. POST (multipart `file`, trainers only) uploads one: 201 or 400 {"error": reason}."""

    serializer_class = H5PPackageSerializer
    queryset = H5PPackage.objects.order_by("-created_at")

    def get_queryset(self):
        return access.open_to(self.request.user, super().get_queryset())
    # Uploads arrive as multipart, xAPI statements as JSON.
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "title": {"type": "string"}}, "required": ["file"]}},
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def create(self, request, *args, **kwargs):
        if not is_trainer(request.user):
            raise PermissionDenied(_("Only trainers upload H5P content."))
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError(_("Attach the .h5p file as the multipart field “file”."))
        title = request.data.get("title") or ""
        try:
            package = import_package(upload, filename=upload.name, user=request.user, title=str(title))
        except H5PError as exc:
            raise ValidationError(str(exc)) from exc
        return Response({"id": package.pk, "title": package.title, "main_library": package.main_library},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={
        200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def xapi(self, request, pk=None):
        """Record one xAPI statement from the player for the caller.

        201 when stored; 200 when the verb is not kept, or when the identical statement (same "id") was
        already stored: nothing is stored or credited again; 409 when a different statement has that id.
        """
        member = _caller_member(request)
        package = self.get_object()
        try:
            recorded = xapi.record_statement(package, member, request.data)
        except xapi.XAPIForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except xapi.XAPIError as exc:
            raise ValidationError(str(exc)) from exc
        except xapi.XAPIConflict as exc:
            raise Conflict(str(exc)) from exc
        stored = recorded.statement
        if stored is None:
            return Response({"stored": False}, status=status.HTTP_200_OK)
        body = {"id": stored.pk, "statement_id": str(stored.statement_id), "lesson_completed": recorded.completed}
        if recorded.replay:
            return Response({"stored": False, "replay": True, **body}, status=status.HTTP_200_OK)
        return Response({"stored": True, **body}, status=status.HTTP_201_CREATED)
