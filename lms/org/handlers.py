"""Receivers: keep a member's staff groups in line with their roles."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .groups import sync_user_groups
from .models import Member, MemberRole


def _sync(member_id: int) -> None:
    member = Member.objects.filter(pk=member_id).select_related("user").first()
    if member is not None:
        member.__dict__.pop("_role_codes", None)
        sync_user_groups(member)


@receiver(post_save, sender=MemberRole, dispatch_uid="org-role-added")
@receiver(post_delete, sender=MemberRole, dispatch_uid="org-role-removed")
def role_changed(sender, instance, **kwargs):
    member_id = instance.member_id
    transaction.on_commit(lambda: _sync(member_id))


@receiver(post_save, sender=Member, dispatch_uid="org-member-saved")
def member_saved(sender, instance, **kwargs):
    member_id = instance.pk
    transaction.on_commit(lambda: _sync(member_id))
