"""API shapes of certificates: the holder's view, and the public verification answer (printed facts only)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from .models import Certificate


class CertificateSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    display_code = serializers.CharField(read_only=True)
    pdf_url = serializers.CharField(source="get_download_url", read_only=True)
    verification_url = serializers.CharField(read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "kind", "title", "hours", "issued_on", "organization", "certificate_title", "code",
                  "display_code", "status", "revoked_at", "pdf_url", "verification_url"]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return "revoked" if obj.is_revoked else "valid"


class VerificationSerializer(serializers.ModelSerializer):
    """What the public verification page shows; nothing about the member beyond the printed name."""

    holder = serializers.CharField(source="member_name", read_only=True)
    status = serializers.SerializerMethodField()
    revoked_on = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["code", "holder", "kind", "title", "hours", "issued_on", "organization", "status", "revoked_on"]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return "revoked" if obj.is_revoked else "valid"

    def get_revoked_on(self, obj) -> str | None:
        return timezone.localdate(obj.revoked_at).isoformat() if obj.revoked_at else None
