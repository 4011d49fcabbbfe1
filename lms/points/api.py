"""/api/v1/points/me/ (my day, year, rank and history), /api/v1/points/board/ (the leaderboards) and
/api/v1/points/report/ (points by member or branch for a period: HR, branch secretaries) — scoped by
lms.points.access like the pages."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from lms.org.models import OrgUnit
from lms.org.scope import member_of, require_member

from . import access, selectors
from .models import PointEntry


class PeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)

    def period(self) -> tuple[int, int | None]:
        data = self.validated_data
        return data.get("year") or timezone.localdate().year, data.get("month")


class BoardQuerySerializer(PeriodSerializer):
    scope = serializers.ChoiceField(choices=["branch", "branches"], required=False, default="branch")
    branch = serializers.IntegerField(min_value=1, required=False)


class ReportQuerySerializer(PeriodSerializer):
    by = serializers.ChoiceField(choices=["member", "branch"], required=False, default="member")
    unit = serializers.IntegerField(min_value=1, required=False)


class RuleTodaySerializer(serializers.Serializer):
    name = serializers.CharField(source="rule.name")
    action = serializers.CharField(source="rule.action")
    points = serializers.IntegerField(source="rule.points")
    daily_cap = serializers.IntegerField(source="rule.daily_cap")
    earned_today = serializers.IntegerField(source="earned")
    left_today = serializers.IntegerField(source="left", allow_null=True)


class EntrySerializer(serializers.ModelSerializer):
    is_reversal = serializers.BooleanField()
    capped = serializers.BooleanField()

    class Meta:
        model = PointEntry
        fields = ["date", "action", "title", "points", "expires_on", "is_reversal", "capped", "reason"]
        read_only_fields = fields


class PointsSummarySerializer(serializers.Serializer):
    today = serializers.DateField()
    today_points = serializers.IntegerField()
    left_today = serializers.IntegerField(allow_null=True)
    rules = RuleTodaySerializer(many=True)
    year_points = serializers.IntegerField()
    month_points = serializers.IntegerField()
    balance = serializers.IntegerField()
    study_minutes_today = serializers.IntegerField(source="study_minutes")
    branch = serializers.CharField(source="branch.name", allow_null=True, default=None)
    branch_rank = serializers.IntegerField(allow_null=True)
    branch_size = serializers.IntegerField()
    hide_name = serializers.BooleanField()
    history = EntrySerializer(many=True)


class MemberRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    points = serializers.IntegerField()
    is_me = serializers.BooleanField()


class BranchRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    branch_id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.IntegerField()
    points = serializers.IntegerField()
    average = serializers.FloatField()


class BoardSerializer(serializers.Serializer):
    scope = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)
    branch = serializers.CharField(allow_null=True)
    members = MemberRowSerializer(many=True)
    branches = BranchRowSerializer(many=True)
    branches_count = serializers.IntegerField()


class ReportMemberSerializer(serializers.Serializer):
    employee_no = serializers.CharField()
    name = serializers.CharField()
    org_unit = serializers.CharField(source="org_unit.full_name")
    points = serializers.IntegerField()


class ReportRowSerializer(serializers.Serializer):
    """A row of the report as documented: a member's row (``by=member``) or a branch's (``by=branch``)."""

    name = serializers.CharField()
    points = serializers.IntegerField()
    employee_no = serializers.CharField(required=False)
    org_unit = serializers.CharField(required=False)
    rank = serializers.IntegerField(required=False)
    branch_id = serializers.IntegerField(required=False)
    members = serializers.IntegerField(required=False)
    average = serializers.FloatField(required=False)


class ReportPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = ReportRowSerializer(many=True)


HISTORY_SIZE = 50


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query


@extend_schema(responses=PointsSummarySerializer)
@api_view(["GET"])
def me(request):
    """My points: today, what is left today per rule, the year, the balance that has not expired, my rank in my
    branch this year and my last 50 entries."""
    member = require_member(request.user, _("This account is not linked to a member."), api=True)
    summary = selectors.member_summary(member, timezone.localdate())
    summary.history = list(selectors.history(member)[:HISTORY_SIZE])
    return Response(PointsSummarySerializer(summary).data)


@extend_schema(parameters=[BoardQuerySerializer], responses=BoardSerializer)
@api_view(["GET"])
def board(request):
    """The board of a branch (``scope=branch``; the caller's own unless committee/HR name ``branch``) or the
    board of branches by points per active member (``scope=branches``: the whole board for committee and HR,
    the caller's branch alone for others). Hidden names read “某党员” unless the caller leads the board."""
    query = _query(BoardQuerySerializer, request)
    year, month = query.period()
    viewer = member_of(request.user)
    committee = access.is_committee(request.user)
    if viewer is None and not committee:
        raise PermissionDenied(_("This account is not linked to a member."))
    out = {"scope": query.validated_data["scope"], "year": year, "month": month, "branch": None, "members": [],
           "branches": [], "branches_count": 0}
    if out["scope"] == "branches":
        rows = selectors.branches_board(year, month)
        out["branches_count"] = len(rows)
        mine = access.branch_of(viewer)
        out["branches"] = rows if committee else [r for r in rows if mine and r.branch_id == mine.pk]
    else:
        branch_id = query.validated_data.get("branch")
        branch = OrgUnit.objects.filter(pk=branch_id).first() if branch_id else access.branch_of(viewer)
        if branch is None or branch.kind not in access.BRANCH_KINDS:
            raise NotFound(_("No such branch."))
        if not access.can_view_branch(request.user, branch):
            raise PermissionDenied(_("You may only see the board of your own branch."))
        leads = access.leads_branch(request.user, branch)
        me_id = viewer.pk if viewer else None
        out["branch"] = branch.name
        out["members"] = [{"rank": r.rank, "points": r.points, "is_me": r.member_id == me_id,
                           "name": access.shown_name(r.name, hidden=r.hidden, is_self=r.member_id == me_id,
                                                     leads=leads)}
                          for r in selectors.branch_board(branch, year, month)]
    return Response(BoardSerializer(out).data)


class ReportPagination(PageNumberPagination):
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


@extend_schema(parameters=[ReportQuerySerializer], responses=ReportPageSerializer)
@api_view(["GET"])
def report(request):
    """Points by member (paginated, highest first) or by branch for a year or month, within the caller's units
    (HR: the organization; a branch secretary: the branch)."""
    units = access.export_units(request.user)
    if not units:
        raise PermissionDenied(_("Only HR and branch secretaries see the points report."))
    query = _query(ReportQuerySerializer, request)
    year, month = query.period()
    unit_id = query.validated_data.get("unit")
    if unit_id:
        unit = OrgUnit.objects.filter(pk=unit_id).first()
        if unit is None or not any(unit.path.startswith(u.path) for u in units):
            raise ValidationError({"unit": [_("Choose a unit you oversee.")]})
        units = [unit]
    paginator = ReportPagination()  # one shape for both: pages of rows
    if query.validated_data["by"] == "branch":
        page = paginator.paginate_queryset(selectors.branch_report(units, year, month), request)
        return paginator.get_paginated_response(BranchRowSerializer(page, many=True).data)
    page = paginator.paginate_queryset(selectors.member_report(units, year, month), request)
    return paginator.get_paginated_response(ReportMemberSerializer(page, many=True).data)
