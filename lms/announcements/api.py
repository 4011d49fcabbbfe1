"""/api/v1/announcements/: the caller's announcements (unread first), one of them, and POST read / confirm."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lms.common.api_routing import ID_PATTERN
from lms.org.scope import require_member

from . import services
from .models import Attachment, Recipient


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("announcements:attachment", args=[obj.pk])


class MyAnnouncementSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="announcement.id", read_only=True)
    title = serializers.CharField(source="announcement.title", read_only=True)
    body = serializers.CharField(source="announcement.body", read_only=True)
    published_at = serializers.DateTimeField(source="announcement.published_at", read_only=True)
    publisher_unit = serializers.SerializerMethodField()
    requires_confirmation = serializers.BooleanField(source="announcement.requires_confirmation", read_only=True)
    confirm_by = serializers.DateTimeField(source="announcement.confirm_by", read_only=True, allow_null=True)
    confirmed_late = serializers.BooleanField(read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Recipient
        fields = ["id", "title", "body", "published_at", "publisher_unit", "requires_confirmation", "confirm_by",
                  "read_at", "confirmed_at", "confirmed_late", "attachments"]
        read_only_fields = fields

    def get_publisher_unit(self, obj) -> str:
        unit = obj.announcement.publisher_unit
        return unit.name if unit else ""

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj):
        return AttachmentSerializer(obj.announcement.attachments.all(), many=True).data


class MyAnnouncementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's live announcements; ``{id}`` is the announcement's id. Reading one here does not mark it read:
    POST ``read`` or ``confirm`` does."""

    serializer_class = MyAnnouncementSerializer
    lookup_field = "announcement"
    lookup_url_kwarg = "pk"
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recipient.objects.none()
        member = require_member(self.request.user, _("Announcements are for members."), api=True)
        return services.my_announcements(member).prefetch_related("announcement__attachments")

    @extend_schema(request=None, responses=MyAnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        receipt = self.get_object()
        services.mark_read(receipt)
        return Response(self.get_serializer(receipt).data)

    @extend_schema(request=None, responses=MyAnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        receipt = self.get_object()
        try:
            services.confirm(receipt)
        except services.AnnouncementError as exc:
            raise ValidationError({"detail": [exc.message]}) from None
        return Response(self.get_serializer(receipt).data)
