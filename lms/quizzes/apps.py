from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "lms.quizzes"
    label = "quizzes"
    verbose_name = _("Quizzes and exams")

    def ready(self):
        from lms.catalog import completion
        from lms.common import slots
        from lms.records import sources

        from . import bootstrap, calendar_sources, handlers, services
        from .models import H5PPackage
        from .templatetags import quiz_tags

        completion.register(completion.QUIZ, _("Pass the quiz"), order=30)
        completion.register(completion.H5P, _("Complete the interactive content"), order=40)
        sources.register(services.LEDGER_QUIZ, _("Quiz"), order=30)
        calendar_sources.register_sources()
        slots.register("lesson_page", "quizzes/includes/lesson_activity_inner.html", quiz_tags.lesson_activity)
        slots.register("my_learning", "quizzes/includes/my_results.html",
                       lambda context: quiz_tags.my_quiz_results(context.get("member")), order=20)

        post_migrate.connect(bootstrap.after_migrate, sender=self, dispatch_uid="lms-quizzes-after-migrate")
        post_delete.connect(handlers.package_deleted, sender=H5PPackage, dispatch_uid="lms-quizzes-h5p-deleted")
