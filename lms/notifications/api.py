from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import services
from .models import Notification, NotificationPreference


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "required", "created_at", "read_at", "is_read",
                  "email_status"]


class PreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled", "optional_in_app"]


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                max_length=10_000,
                                help_text="Only these notices; all unread ones when omitted.")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first (`?unread=true` for unread only)."""

    serializer_class = NotificationSerializer
    filterset_fields = ["kind", "required"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true", "True"):
            qs = qs.unread()
        return qs

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.mark_read(request.user, [notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=MarkReadSerializer, responses={200: {"type": "object"}})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.mark_read(request.user, data.validated_data.get("ids"))
        return Response({"marked": marked, "unread": services.unread_count(request.user)})

    @extend_schema(responses={200: {"type": "object", "properties": {"unread": {"type": "integer"}}}})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": services.unread_count(request.user)})

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    @action(detail=False, methods=["get", "patch", "put"], serializer_class=PreferenceSerializer)
    def preferences(self, request):
        """E-mail opt-out; notices about required training are always shown in the app."""
        pref, _created = NotificationPreference.objects.get_or_create(user=request.user)
        if request.method == "GET":
            return Response(PreferenceSerializer(pref).data)
        data = PreferenceSerializer(pref, data=request.data, partial=request.method == "PATCH")
        data.is_valid(raise_exception=True)
        data.save()
        return Response(data.data)
