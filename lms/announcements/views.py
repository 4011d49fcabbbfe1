"""Pages of announcements: mine (unread first), one announcement (read, confirm, attachments), publishing, and
for the publisher the follow-up (per-branch counts, who has not confirmed, CSV) and withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.common.exports import table_response
from lms.org.scope import member_of, require_member

from . import access, services
from .forms import PublishForm
from .models import Announcement, Attachment

PENDING_SHOWN = 500


def _announcement(pk) -> Announcement:
    return get_object_or_404(Announcement.objects.select_related("target_unit", "publisher_unit"), pk=pk,
                             published_at__isnull=False)


@login_required
def announcement_list(request):
    member = require_member(request.user, _("Announcements are for members."))
    rows = list(services.my_announcements(member)[:200])
    published = None
    if access.can_publish(request.user):
        published = list(access.managed_announcements(request.user).select_related("target_unit")
                         .annotate(n=Count("recipients"), n_confirmed=Count("recipients__confirmed_at"),
                                   n_read=Count("recipients__read_at"))
                         .order_by("-published_at")[:50])
    return render(request, "announcements/list.html", {"rows": rows, "published": published, "now": timezone.now(),
                                                       "can_publish": published is not None})


@login_required
def announcement_detail(request, pk):
    announcement = _announcement(pk)
    receipt = access.receipt(request.user, announcement)
    manages = access.can_manage(request.user, announcement)
    if receipt is None and not manages:
        member = member_of(request.user)
        if announcement.withdrawn_at and member is not None and announcement.recipients.filter(member=member).exists():
            raise Http404(_("This announcement has been withdrawn."))
        raise Http404(_("No such announcement."))
    if receipt is not None:
        receipt.announcement = announcement
        services.mark_read(receipt)
    follow_up = manages or access.follow_up_scope(request.user, announcement) is not None
    return render(request, "announcements/detail.html", {
        "a": announcement, "receipt": receipt, "manages": manages, "follow_up": follow_up, "now": timezone.now(),
        "attachments": list(announcement.attachments.all()),
        "late": bool(receipt and announcement.overdue() and not receipt.confirmed_at),
    })


@require_POST
@login_required
def confirm(request, pk):
    announcement = _announcement(pk)
    receipt = access.receipt(request.user, announcement)
    if receipt is None:
        raise Http404(_("No such announcement."))
    receipt.announcement = announcement
    try:
        done = services.confirm(receipt)
    except services.AnnouncementError as exc:
        messages.error(request, exc.message)
    else:
        if done and receipt.confirmed_late:
            messages.success(request, _("Confirmed after the deadline; your confirmation is recorded as late."))
        elif done:
            messages.success(request, _("Thank you: your confirmation is recorded."))
        else:
            messages.info(request, _("You had already confirmed."))
    return redirect("announcements:detail", announcement.pk)


@login_required
def attachment(request, pk):
    """Attachments are served after the access rule (recipients and those who follow it up), never as public media."""
    item = get_object_or_404(Attachment.objects.select_related("announcement", "announcement__target_unit"), pk=pk)
    announcement = item.announcement
    if not (access.receipt(request.user, announcement) is not None or access.can_manage(request.user, announcement)):
        raise Http404(_("No such attachment."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such attachment.")) from None
    response = FileResponse(handle, as_attachment=not item.is_image, filename=item.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def publish(request):
    units = access.publishable_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Only branch secretaries, committee members and HR publish announcements."))
    form = PublishForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            announcement = services.publish(
                user=request.user, title=v["title"], body=v["body"], target_unit=v["target_unit"],
                roles=list(v["roles"]), posts=list(v["posts"]), requires_confirmation=v["requires_confirmation"],
                confirm_by=v["confirm_by"], attachments=v["attachments"])
        except services.AnnouncementError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Published to %(n)d members.") % {"n": announcement.recipients.count()})
            return redirect("announcements:stats", announcement.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "announcements/publish.html", {"form": form}, status=status)


EXPORT_HEADER = [gettext_lazy("Employee number"), gettext_lazy("Name"), gettext_lazy("Branch"),
                 gettext_lazy("Org unit"), gettext_lazy("Read at"), gettext_lazy("Confirmed at")]


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@login_required
def stats(request, pk):
    announcement = _announcement(pk)
    units = access.follow_up_scope(request.user, announcement)
    if units is None:
        raise Http404(_("No such announcement."))
    pending = services.pending(announcement, units)
    if request.GET.get("format") == "csv":
        table = [[r.member.employee_no, r.member.name, r.branch.name, r.member.org_unit.name, _moment(r.read_at),
                  _moment(r.confirmed_at)] for r in pending.iterator(chunk_size=1000)]
        return table_response(request, name="announcement_pending", header=EXPORT_HEADER, rows=table, fmt="csv",
                              filename=f"announcement-{announcement.pk}-pending.csv",
                              sheet_title=_("Not confirmed"), units=units or [announcement.target_unit],
                              params={"announcement": announcement.pk})
    branches = services.branch_counts(announcement, units)
    totals = {key: sum(getattr(b, key) for b in branches) for key in ("recipients", "read", "confirmed", "late")}
    return render(request, "announcements/stats.html", {
        "a": announcement, "branches": branches, "totals": totals, "scoped": bool(units),
        "pending": list(pending[:PENDING_SHOWN]), "pending_total": pending.count(), "shown": PENDING_SHOWN,
        "manages": access.can_manage(request.user, announcement), "now": timezone.now(),
        "roles": list(announcement.target_roles.all()), "posts": list(announcement.target_posts.all()),
    })


@require_POST
@login_required
def withdraw(request, pk):
    announcement = _announcement(pk)
    if not access.can_manage(request.user, announcement):
        raise Http404(_("No such announcement."))
    if services.withdraw(announcement, user=request.user):
        messages.success(request, _("Withdrawn: members no longer see it and nobody is reminded."))
    return redirect("announcements:stats", announcement.pk)

