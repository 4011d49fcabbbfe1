from rest_framework import serializers, viewsets

from .models import Member, OrgUnit
from .scope import visible_members


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
