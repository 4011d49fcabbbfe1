from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from lms.org.scope import managed_units, member_of, visible_members
from lms.org.serializers import MemberSerializer

from . import ledger
from .models import StudyHourEntry
from .requirements import annual_requirement


class StudyHourEntrySerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    employee_no = serializers.CharField(source="member.employee_no", read_only=True)

    class Meta:
        model = StudyHourEntry
        fields = ["id", "member", "employee_no", "member_name", "date", "year", "hours", "source", "reference",
                  "title", "reverses", "reason", "created_at"]


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class LedgerViewSet(viewsets.ReadOnlyModelViewSet):
    """Study-hour ledger entries of the members the caller may see (read-only; corrections reverse)."""

    serializer_class = StudyHourEntrySerializer
    filterset_fields = ["member", "year", "source"]

    def get_queryset(self):
        return StudyHourEntry.objects.filter(member__in=visible_members(self.request.user)).select_related("member")

    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Cancel an entry with a reversing entry; needs a reason. HR and branch secretaries in scope only."""
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        if not managed_units(request.user) or entry.member.user_id == request.user.pk:
            raise PermissionDenied(_("Only HR or the member's branch secretary can correct entries."))
        data = ReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reversal = ledger.reverse(entry, reason=data.validated_data["reason"], created_by=request.user)
        except ledger.CorrectionError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        return Response(self.get_serializer(reversal).data, status=status.HTTP_201_CREATED)


class MeSerializer(MemberSerializer):
    year = serializers.IntegerField()
    hours_earned = serializers.DecimalField(max_digits=8, decimal_places=2)
    hours_required = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)

    class Meta(MemberSerializer.Meta):
        fields = MemberSerializer.Meta.fields + ["year", "hours_earned", "hours_required"]


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The caller's member record with this year's study hours and requirement."""
    member = member_of(request.user)
    if member is None:
        raise NotFound("This account is not linked to a member.")
    year = timezone.localdate().year
    required = annual_requirement(member, year)
    data = MemberSerializer(member).data
    data["year"] = year
    data["hours_earned"] = f"{ledger.hours_for_year(member, year):.2f}"
    data["hours_required"] = f"{required:.2f}" if required is not None else None
    return Response(data)
