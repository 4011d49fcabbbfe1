from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "lms.evaluation"
    label = "evaluation"
    verbose_name = _("Training evaluation")

    def ready(self):
        from lms.catalog import completion
        from lms.common import slots

        from . import handlers, panels, services
        from .models import SurveyAssignment

        # A required course survey is a lesson of the course that completes when the member has answered.
        completion.register(services.SURVEY, _("Answer the course evaluation"), order=50)
        slots.register("course_page", "evaluation/includes/course_panel.html", panels.course_panel, order=20)
        slots.register("lesson_page", "evaluation/includes/course_panel.html", panels.lesson_panel, order=20)
        slots.register("my_learning", "evaluation/includes/pending_panel.html", panels.pending_panel, order=15)
        post_save.connect(handlers.assignment_changed, sender=SurveyAssignment,
                          dispatch_uid="evaluation-assignment-saved")
        post_delete.connect(handlers.assignment_changed, sender=SurveyAssignment,
                            dispatch_uid="evaluation-assignment-deleted")
