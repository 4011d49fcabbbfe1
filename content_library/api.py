"""/api/v1/talks/: list and read the talks the caller may see; trainers upload or import."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from lms.common import uploads
from lms.common.api_parsing import SafeJSONParser
from lms.org.models import OrgUnit

from .models import Category, Talk
from .processing import ALLOWED_EXTENSIONS, process_talk
from .visibility import can_manage_talks, visible_talks


class SegmentSerializer(serializers.Serializer):
    start = serializers.FloatField()
    end = serializers.FloatField()
    text = serializers.CharField()


class TalkSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    media_url = serializers.CharField(read_only=True)
    captions_url = serializers.CharField(read_only=True)
    poster_url = serializers.CharField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Talk
        fields = [
            "id", "title", "status", "error", "notice", "progress", "language", "detected_language", "duration",
            "speaker", "recorded_on", "category", "visibility", "url", "media_url", "captions_url", "poster_url",
            "created_at", "processed_at",
        ]
        read_only_fields = fields


class TalkDetailSerializer(TalkSerializer):
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta(TalkSerializer.Meta):
        fields = TalkSerializer.Meta.fields + ["asr_model", "segments"]
        read_only_fields = fields


class TalkCreateSerializer(serializers.ModelSerializer):
    file = serializers.FileField(required=False, write_only=True, allow_empty_file=True)
    url = serializers.URLField(required=False, write_only=True, max_length=1000)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, allow_null=True
    )
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Talk
        fields = ["title", "speaker", "recorded_on", "category", "org_unit", "visibility", "language", "glossary",
                  "file", "url"]

    def validate_file(self, upload):
        if uploads.is_too_large(upload, "talk"):
            raise serializers.ValidationError(uploads.too_large("talk"))
        ext = PurePosixPath(upload.name or "").suffix.lower().lstrip(".")
        if ext not in ALLOWED_EXTENSIONS:
            raise serializers.ValidationError(
                _("Files of type “%(ext)s” cannot be transcribed. Allowed: %(allowed)s.")
                % {"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED_EXTENSIONS))}
            )
        return upload

    def validate_url(self, url):
        if not url.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("Only http:// and https:// addresses can be imported."))
        return url

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError({"file": [_("Send either a file or a URL (exactly one).")]})
        if attrs.get("visibility") == Talk.Visibility.SUBTREE and not attrs.get("org_unit"):
            raise serializers.ValidationError({"org_unit": [_("Choose the org unit whose subtree may see this talk.")]})
        return attrs

    def create(self, validated):
        upload = validated.pop("file", None)
        url = validated.pop("url", "")
        talk = Talk(**validated, source_url=url, created_by=self.context["request"].user)
        if upload is not None:
            talk.source_name = PurePosixPath(upload.name).name[:255]
            talk.source_size = upload.size
            # Storage copies the (disk-backed) upload in chunks; nothing is read whole into memory.
            talk.source_file.save(talk.source_name, upload, save=False)
        talk.save()
        return talk


class TalkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Talks the caller may see. ``?status=ready``, ``?category=<slug>``, ``?q=<title words>`` filter the list.

    Trainers ``POST`` multipart ``file`` (or ``url`` for a replay, MP4/M4A or HLS .m3u8) with ``title`` and
    optional ``language`` (zh|en|auto), ``speaker``, ``glossary``; the answer is the new talk (status
    ``uploaded``), processed in the background. ``POST /talks/<id>/retranscribe/`` starts over.
    """

    filter_backends: list = []
    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    def get_queryset(self):
        talks = visible_talks(self.request.user).select_related("category")
        params = self.request.query_params
        if params.get("status"):
            talks = talks.filter(status=params["status"])
        if params.get("category"):
            talks = talks.filter(category__slug=params["category"])
        if params.get("q"):
            talks = talks.filter(title__icontains=params["q"])
        if self.action == "retrieve":
            talks = talks.prefetch_related("segments")
        return talks

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(_("No such talk, or you may not see it."))

    def get_serializer_class(self):
        if self.action == "create":
            return TalkCreateSerializer
        return TalkDetailSerializer if self.action in ("retrieve", "retranscribe") else TalkSerializer

    def _require_manager(self):
        if not can_manage_talks(self.request.user):
            raise PermissionDenied(_("Only trainers may upload or re-transcribe talks."))

    def create(self, request, *args, **kwargs):
        self._require_manager()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            talk = serializer.save()
            process_talk(talk)
        talk.refresh_from_db()
        return Response(TalkDetailSerializer(talk, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def retranscribe(self, request, pk=None):
        self._require_manager()
        talk = self.get_object()
        if not (talk.source_file or talk.source_url):
            raise serializers.ValidationError({"file": [_("The talk has neither a file nor an address to process.")]})
        with transaction.atomic():
            process_talk(talk)
        talk.refresh_from_db()
        return Response(TalkDetailSerializer(talk, context=self.get_serializer_context()).data,
                        status=status.HTTP_202_ACCEPTED)
