"""/api/v1/recommendations/: the caller's recommendations, dismissals, talk completions, related items."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from content_library.models import Talk
from lms.catalog import access
from lms.catalog.models import CoursePage
from lms.org.scope import member_of, require_member

from . import services
from .models import Recommendation


def _caller_member(request):
    return require_member(request.user, _("Only members get recommendations."), api=True)


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    section = serializers.ChoiceField(choices=Recommendation.Section.choices)
    rank = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[("course", "course"), ("talk", "talk")])
    item_id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    reason_code = serializers.ChoiceField(choices=Recommendation.Reason.choices)
    reason = serializers.CharField()
    score = serializers.FloatField()
    due_on = serializers.DateField(allow_null=True)


ListSerializer = inline_serializer("RecommendationList", {
    "computed_at": serializers.DateTimeField(allow_null=True),
    "required": RecommendationSerializer(many=True),
    "for_you": RecommendationSerializer(many=True),
})


@extend_schema(responses=ListSerializer)
@api_view(["GET"])
def recommendation_list(request):
    """The caller's recommendations: required / assigned courses not done first, then "for you", with reasons."""
    member = _caller_member(request)
    data = services.recommendations_for(member, request.user)
    return Response({
        "computed_at": data["computed_at"],
        "required": RecommendationSerializer(data["required"], many=True).data,
        "for_you": RecommendationSerializer(data["for_you"], many=True).data,
    })


@extend_schema(request=None, responses={204: None})
@api_view(["POST"])
def dismiss(request, pk):
    """Never recommend this item to me again."""
    member = _caller_member(request)
    try:
        services.dismiss(member, pk)
    except Recommendation.DoesNotExist as exc:
        raise NotFound(_("No such recommendation.")) from exc
    except services.RecommendError as exc:
        raise ValidationError({"detail": [str(exc)]}) from exc
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(request=None, responses=inline_serializer("TalkDone", {
    "talk": serializers.IntegerField(), "completed_at": serializers.DateTimeField(),
    "created": serializers.BooleanField()}))
@api_view(["POST"])
def talk_done(request, talk_id):
    """Mark a talk as done (watched outside a course)."""
    member = _caller_member(request)
    talk = Talk.objects.filter(pk=talk_id).first()
    if talk is None:
        raise NotFound(_("No such talk."))
    try:
        completion, created = services.mark_talk_done(member, talk, request.user)
    except services.RecommendError as exc:
        raise NotFound(str(exc)) from exc
    return Response({"talk": talk.pk, "completed_at": completion.completed_at, "created": created},
                    status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(responses=inline_serializer("AlsoCompleted", {
    "kind": serializers.CharField(), "item_id": serializers.IntegerField(), "title": serializers.CharField(),
    "url": serializers.CharField(), "members": serializers.IntegerField(), "completed": serializers.BooleanField(),
}, many=True))
@api_view(["GET"])
def also_completed(request, course_id):
    """Members who completed this course also completed … (visible items only)."""
    course = access.get_viewable_or_404(request.user, CoursePage.objects.all(), pk=course_id)
    return Response(services.also_completed(course, request.user, member_of(request.user)))
