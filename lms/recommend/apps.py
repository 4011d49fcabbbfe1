from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "lms.recommend"
    label = "recommend"
    verbose_name = _("Recommendations")

    def ready(self):
        from lms.org.models import Member, MemberRole
        from lms.progress.signals import course_completed, lesson_completed
        from lms.training.models import Assignment

        from . import handlers, tasks  # noqa: F401  tasks: registers the Celery tasks, sent by name in scheduling

        course_completed.connect(handlers.on_course_completed, dispatch_uid="recommend-course-completed")
        lesson_completed.connect(handlers.on_lesson_completed, dispatch_uid="recommend-lesson-completed")
        post_save.connect(handlers.on_assignment_changed, sender=Assignment, dispatch_uid="recommend-assignment-saved")
        post_delete.connect(handlers.on_assignment_changed, sender=Assignment,
                            dispatch_uid="recommend-assignment-deleted")
        post_save.connect(handlers.on_member_created, sender=Member, dispatch_uid="recommend-member-created")
        post_save.connect(handlers.on_role_changed, sender=MemberRole, dispatch_uid="recommend-role-added")
        post_delete.connect(handlers.on_role_changed, sender=MemberRole, dispatch_uid="recommend-role-removed")
        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="recommend-nightly-schedule")


def _ensure_schedule(sender, using="default", **kwargs):
    from .beat import ensure_nightly_task

    ensure_nightly_task(using=using)
