"""/api/v1/assignments/ (scoped to the members the caller may see) and /api/v1/training-plans/."""

from decimal import Decimal

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from lms.catalog.models import CoursePage
from lms.org.models import Member, OrgUnit
from lms.org.scope import managed_units, member_of, visible_members
from lms.records.requirements import annual_requirement
from lms.records.services import hours_for_year

from . import services
from .models import Assignment, PlanRule, TrainingPlan
from .services import ACTIVE, display_status, with_progress


class AssignmentSerializer(serializers.ModelSerializer):
    employee_no = serializers.CharField(source="member.employee_no", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    org_unit = serializers.IntegerField(source="member.org_unit_id", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    plan_year = serializers.IntegerField(source="plan.year", read_only=True, allow_null=True)
    display_status = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "member", "employee_no", "member_name", "org_unit", "course", "course_title", "source",
                  "plan", "plan_year", "plan_version", "rule", "rule_name", "year", "due_on", "original_due_on",
                  "status", "display_status", "is_overdue", "assigned_at", "assigned_by", "completed_at",
                  "withdrawn_at", "withdrawn_reason", "note"]
        read_only_fields = fields

    def get_display_status(self, obj) -> str:
        return display_status(obj)


class ManualAssignSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=CoursePage.objects.live())
    members = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), many=True, allow_empty=False)
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_due_on(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError(_("The due date is in the past."))
        return value


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AssignmentFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="overdue")
    unit = django_filters.NumberFilter(method="filter_unit", label="org unit id (its whole subtree)")
    employee_no = django_filters.CharFilter(field_name="member__employee_no")

    class Meta:
        model = Assignment
        fields = ["member", "course", "status", "source", "year", "plan"]

    def filter_overdue(self, qs, name, value):
        today = timezone.localdate()
        if value is None:
            return qs
        if value:
            return qs.filter(status=ACTIVE, due_on__lt=today)
        return qs.exclude(status=ACTIVE, due_on__lt=today)

    def filter_unit(self, qs, name, value):
        unit = OrgUnit.objects.filter(pk=value).first()
        if unit is None:
            return qs.none()
        return qs.filter(member__org_unit__path__startswith=unit.path)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assignments of the members the caller may see: themselves, plus their branch (secretary) or
    organization (HR). Overdue first with `?ordering` unset; `?overdue=true`, `?unit=<id>` filter."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        qs = Assignment.objects.filter(member__in=visible_members(self.request.user))
        return with_progress(qs).select_related("member", "course", "plan").order_by("status", "due_on", "pk")

    @extend_schema(request=ManualAssignSerializer, responses={201: AssignmentSerializer(many=True)})
    def create(self, request):
        """Assign a course by hand (branch secretary: own branch subtree; HR: any unit)."""
        if not managed_units(request.user):
            raise PermissionDenied(_("Only branch secretaries and HR can assign courses."))
        data = ManualAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            result = services.assign_manually(request.user, v["members"], v["course"], v["due_on"], v["note"])
        except services.ScopeError as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.AssignError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        created = with_progress(Assignment.objects.filter(pk__in=[a.pk for a in result.created])) \
            .select_related("member", "course", "plan")
        return Response({"created": AssignmentSerializer(created, many=True).data, "already_assigned": result.already},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a hand-made assignment, with a reason (kept as history)."""
        assignment = get_object_or_404(self.get_queryset(), pk=pk)
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.withdraw(request.user, assignment, data.validated_data["reason"])
        except services.ScopeError as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.AssignError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(responses={200: {"type": "object"}})
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """The caller's own year: hours required vs earned and assignment counts by status."""
        member = member_of(request.user)
        if member is None:
            raise NotFound(_("This account is not linked to a member."))
        today = timezone.localdate()
        year = today.year
        required = annual_requirement(member, year)
        counts = {"not_started": 0, "in_progress": 0, "done": 0, "overdue": 0}
        for a in with_progress(Assignment.objects.filter(member=member).exclude(status="withdrawn")
                               .exclude(status="completed", year__lt=year)):
            counts[display_status(a, today)] += 1
        return Response({"year": year, "hours_required": str(required) if required is not None else None,
                         "hours_earned": str(hours_for_year(member, year).quantize(Decimal("0.01"))),
                         "assignments": counts})


class PlanRuleSerializer(serializers.ModelSerializer):
    roles = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    posts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = PlanRule
        fields = ["id", "name", "roles", "posts", "new_role_holders_only", "org_unit", "courses", "tier", "categories",
                  "due_mode", "due_date", "due_days", "annual_hours"]


class TrainingPlanSerializer(serializers.ModelSerializer):
    rules = PlanRuleSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingPlan
        fields = ["id", "year", "name", "is_active", "version", "notes", "rules", "updated_at"]


class TrainingPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Training plans by year (edited by HR in the admin)."""

    serializer_class = TrainingPlanSerializer
    filterset_fields = ["year", "is_active"]

    def get_queryset(self):
        from .plans import get_plan

        if not getattr(self, "swagger_fake_view", False):
            get_plan()
        return TrainingPlan.objects.prefetch_related("rules__roles", "rules__posts", "rules__courses",
                                                     "rules__categories")
