"""Keep assignments in line with members, roles, plans and courses.

Handlers only collect ids; ``scheduling.flush`` evaluates once per transaction, after commit.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from lms.catalog.models import CoursePage
from lms.org.models import Member, MemberRole
from lms.progress.signals import course_completed

from .models import Assignment, PlanRule, TrainingPlan
from .plans import current_plans, record_version
from .scheduling import schedule_members, schedule_plan
from .signals import plan_saved
from .tasks import complete_course


@receiver(post_save, sender=MemberRole, dispatch_uid="training-role-added")
@receiver(post_delete, sender=MemberRole, dispatch_uid="training-role-removed")
def role_changed(sender, instance, **kwargs):
    schedule_members([instance.member_id])


@receiver(post_save, sender=Member, dispatch_uid="training-member-saved")
def member_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_members([instance.pk])


@receiver(plan_saved, sender=TrainingPlan, dispatch_uid="training-plan-saved")
def plan_changed(sender, instance, **kwargs):
    """TrainingPlan.save(), once its rules are stored: record a version (and re-evaluate) if they changed."""
    record_version(instance)


@receiver(post_save, sender=PlanRule, dispatch_uid="training-rule-saved")
@receiver(post_delete, sender=PlanRule, dispatch_uid="training-rule-deleted")
def rule_changed(sender, instance, raw=False, **kwargs):
    """A rule edited on its own (not through its plan): record a version once the transaction is done."""
    if raw:
        return
    plan_id = instance.plan_id

    def record():
        plan = TrainingPlan.objects.filter(pk=plan_id).first()
        if plan is not None:
            record_version(plan)

    transaction.on_commit(record)


@receiver(page_published, dispatch_uid="training-course-published")
@receiver(page_unpublished, dispatch_uid="training-course-unpublished")
def course_changed(sender, instance, **kwargs):
    """A course published or withdrawn may add or remove required courses (tier/category rules)."""
    if not (isinstance(sender, type) and issubclass(sender, CoursePage)):
        return
    course = instance.specific if not isinstance(instance, CoursePage) else instance
    for plan in current_plans():
        if plan.is_active and _course_matters(plan, course):
            schedule_plan(plan.pk)


def _course_matters(plan, course) -> bool:
    """Could publishing/unpublishing this course change the plan's assignments?"""
    category_ids = list(course.categories.values_list("pk", flat=True))
    rules = PlanRule.objects.filter(plan=plan)
    if (rules.filter(courses=course).exists() or rules.filter(tier=course.tier).exists()
            or (category_ids and rules.filter(categories__in=category_ids).exists())):
        return True
    return Assignment.objects.filter(plan=plan, course=course, status=Assignment.Status.ACTIVE).exists()


@receiver(course_completed, dispatch_uid="training-course-completed")
def on_course_completed(sender, member_id, course_id, completed_at=None, **kwargs):
    complete_course.delay(member_id, course_id, completed_at.isoformat() if completed_at else None)
