from rest_framework import viewsets

from .scope import visible_members
from .serializers import MemberSerializer


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
