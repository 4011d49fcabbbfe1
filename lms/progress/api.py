from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from lms.catalog import access
from lms.catalog.models import CoursePage, LessonPage
from lms.org.scope import require_member, visible_members

from . import services
from .models import Enrollment, LessonProgress


def _caller_member(request):
    return require_member(request.user, _("Only members have learning progress."), api=True)


class OpenCourseField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return access.viewable(self.context["request"].user, CoursePage.objects.all())


class EnrollmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    course = OpenCourseField()

    class Meta:
        model = Enrollment
        fields = ["id", "member", "course", "course_title", "source", "status", "percent", "enrolled_at",
                  "completed_at"]
        read_only_fields = ["member", "source", "status", "percent", "enrolled_at", "completed_at"]


class EnrollmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enrollments the caller may see. POST {"course": id} enrolls the caller."""

    serializer_class = EnrollmentSerializer
    filterset_fields = ["member", "status", "course"]

    def get_queryset(self):
        return (Enrollment.objects.filter(member__in=visible_members(self.request.user))
                .select_related("course").order_by("-enrolled_at", "-pk"))

    def create(self, request, *args, **kwargs):
        member = _caller_member(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment, created = services.enroll(member, serializer.validated_data["course"])
        return Response(self.get_serializer(enrollment).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class LessonProgressSerializer(serializers.ModelSerializer):
    completed = serializers.SerializerMethodField()

    class Meta:
        model = LessonProgress
        fields = ["id", "member", "lesson", "watched_seconds", "time_spent_seconds", "last_position",
                  "completed", "completed_at"]

    def get_completed(self, obj) -> bool:
        return obj.completed_at is not None


class LessonProgressViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LessonProgressSerializer
    filterset_fields = ["member", "lesson"]

    def get_queryset(self):
        return LessonProgress.objects.filter(member__in=visible_members(self.request.user)).order_by("-pk")


class HeartbeatSerializer(serializers.Serializer):
    position = serializers.FloatField(min_value=0)
    event = serializers.ChoiceField(choices=["progress", "seek", "pause", "ended", "time"], default="progress")


def _open_lesson(request, lesson_id) -> LessonPage:
    """A lesson the caller may open; others (unpublished, restricted) do not exist for them."""
    lesson = access.viewable(request.user, LessonPage.objects.filter(pk=lesson_id).select_related("video")).first()
    if lesson is None:
        raise NotFound(_("No such lesson."))
    return lesson



class HeartbeatResponseSerializer(serializers.Serializer):
    watched_seconds = serializers.FloatField()
    time_spent_seconds = serializers.FloatField()
    counted_seconds = serializers.FloatField()
    completed = serializers.BooleanField()
    message = serializers.CharField()


@extend_schema(request=HeartbeatSerializer, responses=HeartbeatResponseSerializer)
@api_view(["POST"])
def heartbeat(request, lesson_id):
    """The player's heartbeat: {"position": seconds, "event": progress|seek|pause|ended|time}."""
    member = _caller_member(request)
    lesson = _open_lesson(request, lesson_id)
    data = HeartbeatSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        result = services.record_heartbeat(member, lesson, data.validated_data["position"],
                                           event=data.validated_data["event"], access_checked=True)
    except services.ProgressError as exc:
        raise ValidationError({"position": [str(exc)]}) from exc
    lp = result.progress
    return Response({
        "watched_seconds": round(lp.watched_seconds, 1),
        "time_spent_seconds": round(lp.time_spent_seconds, 1),
        "counted_seconds": round(result.counted_seconds, 1),
        "completed": lp.completed_at is not None,
        "message": _("Lesson completed.") if lp.completed_at else "",
    })


@extend_schema(request=None, responses=LessonProgressSerializer)
@api_view(["POST"])
def confirm(request, lesson_id):
    member = _caller_member(request)
    lesson = _open_lesson(request, lesson_id)
    try:
        lp = services.confirm_lesson(member, lesson)
    except services.ProgressError as exc:
        raise ValidationError({"detail": [str(exc)]}) from exc
    return Response(LessonProgressSerializer(lp).data)
