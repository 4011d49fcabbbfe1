"""Announcements (通知公告): published to an org subtree, roles and posts; read and confirm, reminders and escalation.

The app's public surface for other apps (docs/architecture.md): ``publish``, ``mark_read``, ``confirm``,
``withdraw``, ``unread_for`` and the statistics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.common import uploads
from lms.notifications.services import Notice, notify_many
from lms.org.models import Member, OrgUnit
from lms.org.scope import member_of

from . import access, conf
from .models import Announcement, Attachment, Recipient

MAX_TITLE = 200
MAX_BODY = 20_000
PUBLISHED_KIND = "announcements.published"

# extension → the signatures the file must start with (checked on the first bytes, not only the name)
ATTACHMENT_TYPES = {
    "pdf": (b"%PDF-",), "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "pptx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",), "xls": (b"\xd0\xcf\x11\xe0",), "ppt": (b"\xd0\xcf\x11\xe0",),
    "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",),
}


class AnnouncementError(Exception):
    """Bad input, with the message a person reads and the form field it belongs to (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- who an announcement reaches ---------------------------------------------------------------------------------

def audience(target_unit: OrgUnit, roles=(), posts=()):
    """Active members in the unit's subtree holding one of ``roles`` (any when empty) and one of ``posts`` (any
    when empty)."""
    qs = Member.objects.filter(is_active=True, org_unit__path__startswith=target_unit.path)
    role_ids = [getattr(r, "pk", r) for r in roles]
    post_ids = [getattr(p, "pk", p) for p in posts]
    if role_ids:
        qs = qs.filter(member_roles__role_id__in=role_ids)
    if post_ids:
        qs = qs.filter(post_id__in=post_ids)
    return qs.distinct()


def branch_ids(unit_paths: dict[int, str]) -> dict[int, int]:
    """The nearest enclosing branch (the unit itself included) of each unit, as ``OrgUnit.branch`` decides, in one
    query: ``{unit id: branch id}``; a unit under no branch is its own."""
    if not unit_paths:
        return {}
    roots = {p[:OrgUnit.steplen] for p in unit_paths.values()}
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root)
    branches = dict(OrgUnit.objects.filter(q, kind__in=[OrgUnit.Kind.BRANCH, OrgUnit.Kind.GENERAL_BRANCH])
                    .values_list("path", "pk"))
    out = {}
    for unit_id, path in unit_paths.items():
        out[unit_id] = unit_id
        for end in range(len(path), 0, -OrgUnit.steplen):
            found = branches.get(path[:end])
            if found is not None:
                out[unit_id] = found
                break
    return out


# --- publishing --------------------------------------------------------------------------------------------------

def check_attachment(upload) -> str:
    """The upload's extension when its name, size and first bytes are acceptable; else AnnouncementError."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise AnnouncementError(_("%(name)s: attach documents (PDF, Word, Excel, PowerPoint) or pictures (JPG, "
                                  "PNG).") % {"name": name or "?"}, "attachments")
    if uploads.is_too_large(upload, "document"):
        raise AnnouncementError(f"{name}: {uploads.too_large('document')}", "attachments")
    if not getattr(upload, "size", 0):
        raise AnnouncementError(_("%(name)s is empty.") % {"name": name}, "attachments")
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in ATTACHMENT_TYPES[ext]):
        raise AnnouncementError(_("%(name)s: the content does not match its type .%(ext)s.") % {
            "name": name, "ext": ext}, "attachments")
    return ext


def _excerpt(text: str, size: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"


def _deadline_label(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def publish(*, user, title: str, body: str, target_unit: OrgUnit | None, roles=(), posts=(),
            requires_confirmation: bool = False, confirm_by: datetime.datetime | None = None, attachments=(),
            now: datetime.datetime | None = None) -> Announcement:
    """Publish to the active members of ``target_unit``'s subtree with one of ``roles`` and one of ``posts`` (empty:
    any); the recipients are fixed now (members who join the target later are not added) and told in the bell
    (and by e-mail, as each prefers). Everything is checked before anything is stored."""
    now = now or timezone.now()
    title, body = " ".join((title or "").split()), (body or "").strip()
    if not title:
        raise AnnouncementError(_("Give the announcement a title."), "title")
    if len(title) > MAX_TITLE:
        raise AnnouncementError(_("The title is too long (at most %(n)d characters).") % {"n": MAX_TITLE}, "title")
    if not body:
        raise AnnouncementError(_("Write the text of the announcement."), "body")
    if len(body) > MAX_BODY:
        raise AnnouncementError(_("The text is too long (at most %(n)d characters).") % {"n": MAX_BODY}, "body")
    if not access.can_target(user, target_unit):
        raise AnnouncementError(_("You may only publish to units you are responsible for."), "target_unit")
    if requires_confirmation:
        if confirm_by is None:
            raise AnnouncementError(_("Set the deadline for confirming."), "confirm_by")
        if confirm_by <= now:
            raise AnnouncementError(_("The deadline must be in the future."), "confirm_by")
    else:
        confirm_by = None
    attachments = [a for a in attachments if a is not None]
    if len(attachments) > conf.max_attachments():
        raise AnnouncementError(_("At most %(n)d attachments.") % {"n": conf.max_attachments()}, "attachments")
    for upload in attachments:
        check_attachment(upload)
    members = list(audience(target_unit, roles, posts).values_list("pk", "org_unit_id", "org_unit__path",
                                                                    "user_id"))
    if not members:
        raise AnnouncementError(_("No member matches these units, roles and posts."), "target_unit")
    publisher = member_of(user)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            title=title, body=body, publisher=user, publisher_unit=publisher.org_unit if publisher else None,
            target_unit=target_unit, requires_confirmation=requires_confirmation, confirm_by=confirm_by,
            published_at=now)
        announcement.target_roles.set(list(roles))
        announcement.target_posts.set(list(posts))
        for upload in attachments:
            name = upload.name.rsplit("/", 1)[-1][:200]
            item = Attachment(announcement=announcement, name=name, size=upload.size)
            item.file.save(name, upload, save=False)
            item.save()
        branch_of = branch_ids({unit_id: path for _pk, unit_id, path, _u in members})
        Recipient.objects.bulk_create(
            [Recipient(announcement=announcement, member_id=pk, branch_id=branch_of[unit_id])
             for pk, unit_id, _path, _u in members], batch_size=1000, ignore_conflicts=True)
        _notify_published(announcement, [user_id for *_rest, user_id in members])
    return announcement


def _notify_published(announcement: Announcement, user_ids: list[int]) -> int:
    body = _excerpt(announcement.body)
    if announcement.requires_confirmation:
        body = _("Please read and confirm by %(when)s. %(text)s") % {
            "when": _deadline_label(announcement.confirm_by), "text": body}
    url = announcement.get_absolute_url()
    return notify_many([Notice(u, PUBLISHED_KIND, announcement.title, body, url, key=f"announcement:{announcement.pk}",
                               required=announcement.requires_confirmation) for u in user_ids])


def withdraw(announcement: Announcement, *, user=None, now=None) -> bool:
    """Members no longer see it and nobody is reminded; the statistics stay. Idempotent."""
    return bool(Announcement.objects.filter(pk=announcement.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now or timezone.now()))


# --- reading and confirming --------------------------------------------------------------------------------------

def mark_read(receipt: Recipient, now=None) -> bool:
    """Set ``read_at`` once; True when this call set it."""
    now = now or timezone.now()
    done = Recipient.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=now)
    if done:
        receipt.read_at = now
    return bool(done)


def confirm(receipt: Recipient, now=None) -> bool:
    """'I have read and confirm': idempotent (the first time counts); allowed after the deadline, when it is
    counted as late. True when this call confirmed."""
    announcement = receipt.announcement
    if not announcement.requires_confirmation:
        raise AnnouncementError(_("This announcement does not ask for confirmation."))
    if not announcement.is_live:
        raise AnnouncementError(_("This announcement has been withdrawn."))
    now = now or timezone.now()
    Recipient.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=now)
    done = Recipient.objects.filter(pk=receipt.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    receipt.refresh_from_db(fields=["read_at", "confirmed_at"])
    return bool(done)


def needs_attention_q() -> Q:
    """Unread, or asking for a confirmation not yet given."""
    return Q(read_at__isnull=True) | Q(announcement__requires_confirmation=True, confirmed_at__isnull=True)


def my_announcements(member: Member):
    """The member's live announcements: those still needing them first, then the newest."""
    return (access.my_receipts(member).select_related("announcement", "announcement__publisher_unit")
            .annotate(done=Case(When(needs_attention_q(), then=Value(0)), default=Value(1),
                                output_field=IntegerField()))
            .order_by("done", "-announcement__published_at", "-pk"))


def unread_for(member: Member, limit: int = 5) -> list[Recipient]:
    """The member's live announcements that still need them (unread or unconfirmed), deadlines first; one query."""
    return list(access.my_receipts(member).filter(needs_attention_q()).select_related("announcement")
                .order_by("announcement__confirm_by", "-announcement__published_at")[:limit])


# --- statistics --------------------------------------------------------------------------------------------------

@dataclass
class BranchRow:
    branch_id: int
    name: str
    recipients: int
    read: int
    confirmed: int
    late: int


def branch_counts(announcement: Announcement, units=()) -> list[BranchRow]:
    """Recipients, read, confirmed and confirmed late per branch (of the recipients under ``units``; all when
    empty), in one query."""
    late = Q(confirmed_at__gt=announcement.confirm_by) if announcement.confirm_by else Q(pk__in=[])
    rows = (access.scoped_recipients(announcement, list(units)).values("branch_id", "branch__name")
            .annotate(total=Count("pk"), read=Count("read_at"), confirmed=Count("confirmed_at"),
                      late=Count("pk", filter=late))
            .order_by("branch__path"))
    return [BranchRow(r["branch_id"], r["branch__name"], r["total"], r["read"], r["confirmed"], r["late"])
            for r in rows]


def pending(announcement: Announcement, units=()):
    """Who has not done what is asked: not confirmed (when confirmation is required), else not read."""
    qs = access.scoped_recipients(announcement, list(units))
    qs = qs.filter(confirmed_at__isnull=True) if announcement.requires_confirmation else qs.filter(
        read_at__isnull=True)
    return qs.select_related("member", "member__org_unit", "branch").order_by("branch__path", "member__employee_no")
