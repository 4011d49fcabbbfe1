from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "lms.recommend"
    label = "recommend"
    verbose_name = _("Recommendations")

    def ready(self):
        from lms.common import slots
        from lms.org.models import Member, MemberRole
        from lms.progress.signals import course_completed, lesson_completed
        from lms.quizzes.signals import attempt_finished
        from lms.training.models import Assignment

        from . import bootstrap, handlers, tasks  # noqa: F401  tasks: registers the Celery tasks, sent by name in scheduling
        from .templatetags import recommend_tags

        slots.register("my_learning", "recommend/includes/for_you.html", recommend_tags.recommendations_for_me,
                       order=10)
        slots.register("course_page", "recommend/includes/also_completed.html",
                       lambda context: recommend_tags.also_completed(context, context.get("page")))
        course_completed.connect(handlers.on_course_completed, dispatch_uid="recommend-course-completed")
        lesson_completed.connect(handlers.on_lesson_completed, dispatch_uid="recommend-lesson-completed")
        attempt_finished.connect(handlers.on_attempt_finished, dispatch_uid="recommend-attempt-finished")
        post_save.connect(handlers.on_assignment_changed, sender=Assignment, dispatch_uid="recommend-assignment-saved")
        post_delete.connect(handlers.on_assignment_changed, sender=Assignment,
                            dispatch_uid="recommend-assignment-deleted")
        post_save.connect(handlers.on_member_created, sender=Member, dispatch_uid="recommend-member-created")
        post_save.connect(handlers.on_role_changed, sender=MemberRole, dispatch_uid="recommend-role-added")
        post_delete.connect(handlers.on_role_changed, sender=MemberRole, dispatch_uid="recommend-role-removed")
        post_migrate.connect(bootstrap.after_migrate, sender=self, dispatch_uid="recommend-nightly-schedule")
