from rest_framework import serializers, viewsets

from . import access
from .listing import filtered_courses
from .models import CoursePage, LessonPage


class LessonSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)

    class Meta:
        model = LessonPage
        fields = ["id", "title", "url", "completion_rule", "estimated_minutes", "credit_minutes", "required",
                  "video"]


class CourseSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    audience_roles = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    url = serializers.CharField(read_only=True)

    class Meta:
        model = CoursePage
        fields = ["id", "title", "url", "tier", "categories", "audience_roles", "credit_hours", "summary"]


class CourseDetailSerializer(CourseSerializer):
    lessons = serializers.SerializerMethodField()

    def get_lessons(self, course) -> list[dict]:
        rule = access.PageAccess(self.context["request"].user)
        return LessonSerializer([lesson for lesson in course.lessons if rule.allows(lesson)], many=True).data

    class Meta(CourseSerializer.Meta):
        fields = CourseSerializer.Meta.fields + ["lessons"]


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    """Published courses; filter with ?tier=, ?category=<slug>, ?role=<code>."""

    filter_backends: list = []

    def get_queryset(self):
        return access.viewable(self.request.user, filtered_courses(self.request.query_params))

    def get_serializer_class(self):
        return CourseDetailSerializer if self.action == "retrieve" else CourseSerializer
