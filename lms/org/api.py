from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from lms.records.ledger import hours_for_year
from lms.records.requirements import annual_requirement

from .models import Member, OrgUnit
from .scope import member_of, visible_members


class OrgUnitSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "full_name", "depth"]


class MemberSerializer(serializers.ModelSerializer):
    org_unit = OrgUnitSerializer(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["id", "employee_no", "name", "org_unit", "roles", "email", "phone", "joined_on", "is_active"]

    def get_roles(self, obj) -> list[str]:
        return sorted(mr.role.code for mr in obj.member_roles.all())


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Members the caller may see: themselves, plus their branch (secretary) or organization (HR)."""

    serializer_class = MemberSerializer
    filterset_fields = ["is_active", "org_unit"]

    def get_queryset(self):
        return (
            visible_members(self.request.user)
            .select_related("org_unit")
            .prefetch_related("member_roles__role")
            .order_by("employee_no")
        )


class MeSerializer(MemberSerializer):
    year = serializers.IntegerField()
    hours_earned = serializers.DecimalField(max_digits=8, decimal_places=2)
    hours_required = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)

    class Meta(MemberSerializer.Meta):
        fields = MemberSerializer.Meta.fields + ["year", "hours_earned", "hours_required"]


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    member = member_of(request.user)
    if member is None:
        raise NotFound("This account is not linked to a member.")
    year = timezone.localdate().year
    required = annual_requirement(member, year)
    data = MemberSerializer(member).data
    data["year"] = year
    data["hours_earned"] = f"{hours_for_year(member, year):.2f}"
    data["hours_required"] = f"{required:.2f}" if required is not None else None
    return Response(data)
