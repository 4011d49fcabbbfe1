"""/api/v1/certificates/me/ (the caller's certificates) and /api/v1/certificates/verify/<code>/ (public)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.org.scope import require_member

from . import services
from .models import Certificate
from .serializers import CertificateSerializer, VerificationSerializer


class MyCertificates(generics.ListAPIView):
    """The caller's certificates, newest first, with their PDF and verification addresses."""

    serializer_class = CertificateSerializer
    filterset_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Certificate.objects.none()
        member = require_member(self.request.user, _("This account is not linked to a member."), api=True)
        return services.certificates_for(member)


class VerifyCertificate(APIView):
    """Public (no login): the printed facts of the certificate with this code and whether it is valid."""

    permission_classes = [AllowAny]

    @extend_schema(responses=VerificationSerializer, parameters=[
        OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH,
                         description="The verification code (16 characters; dashes and case are ignored).")])
    def get(self, request, code):
        certificate = services.find(code)
        if certificate is None:
            raise NotFound(_("No certificate has this verification code."))
        return Response(VerificationSerializer(certificate).data)
