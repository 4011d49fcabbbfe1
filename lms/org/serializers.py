"""The org app's API shapes of units and members (other apps' APIs nest them)."""

from rest_framework import serializers

from .models import Member, OrgUnit


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
