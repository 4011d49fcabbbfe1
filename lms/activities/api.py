"""/api/v1/activities/ (schedule, attendance, sign-in, leave, live beats), /api/v1/activity-kinds/,
/api/v1/plan-slots/ and /api/v1/leave-requests/ — scoped by lms.activities.access."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from lms.common import uploads
from lms.org.models import Member, OrgUnit
from lms.org.scope import member_of, require_member

from . import access, services, signin
from .models import Activity, ActivityKind, Attendance, LeaveRequest, PlanSlot
from .plans import slot_state


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _raise(exc: services.AttendanceError):
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if exc.status == 409:
        raise Conflict(exc.message)
    raise ValidationError({"detail": [exc.message]})


class KindSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityKind
        fields = ["id", "code", "name", "name_en", "hours", "counts_toward_hours", "plan_unit", "period",
                  "min_count", "committee_only", "active"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    kind_code = serializers.CharField(source="kind.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    # Plain strings on output: "" when there is no link (a URL field's schema would reject the empty string).
    online_url = serializers.CharField(read_only=True)
    stream_url = serializers.CharField(read_only=True)
    plan_slot = serializers.SerializerMethodField()
    my_status = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "kind", "kind_code", "unit", "unit_name", "title", "starts_at", "ends_at", "place",
                  "online_url", "stream_url", "live_threshold", "replay_talk_id", "agenda", "lecturer", "audience",
                  "audience_roles", "guests_allowed", "status", "held_at", "plan_slot", "my_status"]
        read_only_fields = fields

    def get_plan_slot(self, obj) -> int | None:
        slot = PlanSlot.objects.filter(activity=obj).values_list("pk", flat=True).first()
        return slot

    def get_my_status(self, obj) -> str | None:
        member = self.context.get("member")
        if member is None:
            return None
        return Attendance.objects.filter(activity=obj, member=member).values_list("status", flat=True).first()


class ScheduleSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=ActivityKind.objects.filter(active=True))
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    online_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    stream_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    live_threshold = serializers.IntegerField(min_value=1, max_value=100, required=False, default=80)
    agenda = serializers.CharField(max_length=services.MAX_AGENDA, required=False, allow_blank=True, default="")
    lecturer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    audience = serializers.ChoiceField(choices=Activity.Audience.choices, required=False,
                                       default=Activity.Audience.UNIT)
    audience_roles = serializers.ListField(child=serializers.SlugField(max_length=40), required=False,
                                           default=list, max_length=20)
    members = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), many=True, required=False,
                                                 default=list)
    guests_allowed = serializers.BooleanField(required=False, default=False)
    plan_slot = serializers.PrimaryKeyRelatedField(queryset=PlanSlot.objects.all(), required=False,
                                                   allow_null=True, default=None)

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": [_("The activity must end after it starts.")]})
        if attrs["audience"] == Activity.Audience.LIST and not attrs["members"]:
            raise serializers.ValidationError({"members": [_("List the members expected.")]})
        return attrs


class AttendanceSerializer(serializers.ModelSerializer):
    employee_no = serializers.CharField(source="member.employee_no", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "member", "employee_no", "member_name", "status", "method", "signed_in_at", "is_guest",
                  "note"]
        read_only_fields = fields


class MarkSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    status = serializers.ChoiceField(choices=[c for c in Attendance.Status.choices if c[0] != "expected"])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SignInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs["token"] and not attrs["code"]:
            raise serializers.ValidationError({"detail": [_("Scan the QR code or type the numeric code.")]})
        return attrs


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=False)

    def validate_file(self, value):
        if uploads.is_too_large(value, "import"):
            raise serializers.ValidationError(uploads.too_large("import"))
        return value


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField())


class LeaveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class LeaveRequestSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = LeaveRequest
        fields = ["id", "activity", "member", "member_name", "reason", "status", "decided_at", "created_at"]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class ActivityFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label="starts on or after")
    end = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label="starts on or before")

    class Meta:
        model = Activity
        fields = ["unit", "kind", "status"]


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Activities the caller may see: those they are expected at, their branch's, and (secretaries, HR) the
    ones of the units they manage."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return access.visible_activities(self.request.user).select_related("kind", "unit").order_by("-starts_at",
                                                                                                     "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["member"] = member_of(self.request.user)
        return context

    def _managed(self, pk) -> Activity:
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        if not access.can_manage(self.request.user, activity):
            raise PermissionDenied(_("Only the organizing branch's secretary or HR may do this."))
        return activity

    @extend_schema(request=ScheduleSerializer, responses={201: ActivitySerializer})
    def create(self, request):
        data = ScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if not access.can_manage_unit(request.user, v["unit"]):
            raise PermissionDenied(_("You may schedule activities only for the units you manage."))
        if v["audience"] == Activity.Audience.LIST:
            allowed = set(Member.objects.filter(org_unit__in=access.manageable_units(request.user))
                          .values_list("pk", flat=True))
            if any(m.pk not in allowed for m in v["members"]):
                raise PermissionDenied(_("You may invite only members of the units you manage."))
        try:
            activity = services.schedule(
                user=request.user, kind=v["kind"], unit=v["unit"], title=v["title"], starts_at=v["starts_at"],
                ends_at=v["ends_at"], place=v["place"], online_url=v["online_url"], stream_url=v["stream_url"],
                agenda=v["agenda"], lecturer=v["lecturer"], audience=v["audience"],
                audience_roles=",".join(v["audience_roles"]), member_ids=[m.pk for m in v["members"]],
                guests_allowed=v["guests_allowed"], slot=v["plan_slot"], live_threshold=v["live_threshold"])
        except services.ScheduleError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        activity = self._managed(pk)
        if activity.status == Activity.Status.HELD:
            raise Conflict(_("A held activity cannot be cancelled; correct its attendance instead."))
        return Response(self.get_serializer(services.cancel(activity, by=request.user)).data)

    @extend_schema(request=None, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        activity = self._managed(pk)
        try:
            activity = services.mark_held(activity)
        except services.ScheduleError as exc:
            raise Conflict(str(exc)) from exc
        return Response(self.get_serializer(activity).data)

    @extend_schema(methods=["GET"], responses=AttendanceSerializer(many=True))
    @extend_schema(methods=["POST"], request=MarkSerializer, responses=AttendanceSerializer)
    @action(detail=True, methods=["get", "post"])
    def attendance(self, request, pk=None):
        activity = self._managed(pk)
        if request.method == "GET":
            rows = activity.attendances.select_related("member").order_by("member__employee_no")
            return Response(AttendanceSerializer(rows, many=True).data)
        data = MarkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if not access.can_manage_unit(request.user, v["member"].org_unit) and \
                not activity.attendances.filter(member=v["member"]).exists():
            raise PermissionDenied(_("This member is neither expected nor in a unit you manage."))
        try:
            att = services.mark(activity, v["member"], v["status"], by=request.user, note=v["note"])
        except services.AttendanceError as exc:
            _raise(exc)
        return Response(AttendanceSerializer(att).data)

    @extend_schema(request={"multipart/form-data": ImportSerializer}, responses={200: ImportResultSerializer})
    @action(detail=True, methods=["post"], url_path="attendance-import", parser_classes=[MultiPartParser])
    def attendance_import(self, request, pk=None):
        """Attendance from a CSV/XLSX file (employee_no, status, note); all or nothing; ?dry_run=1 checks only."""
        activity = self._managed(pk)
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        report = services.import_attendance(activity, upload.read(), upload.name,
                                            dry_run=data.validated_data["dry_run"], created_by=request.user)
        body = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                "errors": [str(e) for e in report.errors]}
        return Response(body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(request=SignInSerializer, responses=AttendanceSerializer)
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request, pk=None):
        member = require_member(request.user, _("Only members sign in."), api=True)
        activity = get_object_or_404(Activity, pk=pk)
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            if v["token"]:
                signin.check_token(activity, v["token"])
                method = Attendance.Method.QR
            else:
                signin.check_code(activity, v["code"])
                method = Attendance.Method.CODE
        except signin.TokenError as exc:
            raise ValidationError({"detail": [signin_message(exc.reason)]}) from exc
        try:
            att = services.sign_in(activity, member, method=method)
        except services.AttendanceError as exc:
            _raise(exc)
        return Response(AttendanceSerializer(att).data)

    @extend_schema(request=LeaveSerializer, responses={201: LeaveRequestSerializer})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        member = require_member(request.user, _("Only members request leave."), api=True)
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        data = LeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            leave = services.request_leave(activity, member, data.validated_data["reason"])
        except services.AttendanceError as exc:
            _raise(exc)
        return Response(LeaveRequestSerializer(leave).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: {"type": "object"}})
    @action(detail=True, methods=["post"], url_path="live-beat")
    def live_beat(self, request, pk=None):
        member = require_member(request.user, _("Only members watch live sessions."), api=True)
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            watch = services.live_heartbeat(activity, member)
        except services.AttendanceError as exc:
            _raise(exc)
        total = (activity.ends_at - activity.starts_at).total_seconds()
        return Response({"seconds": round(watch.seconds, 1), "percent": round(100 * watch.seconds / total, 1),
                         "threshold": activity.live_threshold})


def signin_message(reason: str) -> str:
    if reason == "expired":
        return _("This sign-in code has expired; scan the code on the screen again.")
    return _("This is not a valid sign-in code for this activity.")


class KindViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = KindSerializer
    queryset = ActivityKind.objects.order_by("order", "code")


class SlotSerializer(serializers.ModelSerializer):
    kind_code = serializers.CharField(source="kind.code", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = PlanSlot
        fields = ["id", "unit", "kind", "kind_code", "year", "seq", "window_start", "window_end", "activity",
                  "state"]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        return slot_state(obj, self.context.get("today"))


class SlotFilter(django_filters.FilterSet):
    class Meta:
        model = PlanSlot
        fields = ["unit", "year", "kind"]


class PlanSlotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Plan slots of the caller's branch and group, or of the units they manage; each with its state."""

    serializer_class = SlotSerializer
    filterset_class = SlotFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanSlot.objects.none()
        return access.visible_slots(self.request.user).select_related("kind", "activity").order_by(
            "unit_id", "year", "window_start", "kind__order", "seq")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


class LeaveRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Leave requests: a member's own, and those of activities the caller manages."""

    serializer_class = LeaveRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LeaveRequest.objects.none()
        member = member_of(self.request.user)
        q = access.managed_q(self.request.user, prefix="activity__unit__")
        if member is not None:
            q |= Q(member=member)
        return LeaveRequest.objects.filter(q).select_related("member").order_by("-created_at")

    @extend_schema(request=DecideSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        leave = get_object_or_404(self.get_queryset().select_related("activity__unit"), pk=pk)
        if not access.can_manage(request.user, leave.activity):
            raise PermissionDenied(_("Only the organizing branch's secretary or HR decides leave requests."))
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            leave = services.decide_leave(leave, data.validated_data["approve"], by=request.user)
        except services.AttendanceError as exc:
            _raise(exc)
        return Response(LeaveRequestSerializer(leave).data)
