from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "lms.xapi"
    label = "xapi"
    verbose_name = _("Learning record store")

    def ready(self):
        from lms.activities import signals as activity_signals
        from lms.activities.models import Attendance
        from lms.progress import signals as progress_signals
        from lms.quizzes import signals as quiz_signals
        from lms.quizzes.models import H5PStatement
        from lms.records import signals as ledger_signals
        from lms.records.models import StudyHourEntry

        from . import handlers

        # The platform's learning events become statements in its own LRS (lms.xapi.emitters).
        progress_signals.lesson_completed.connect(handlers.on_lesson_completed, dispatch_uid="xapi-lesson")
        progress_signals.course_completed.connect(handlers.on_course_completed, dispatch_uid="xapi-course")
        progress_signals.video_viewing.connect(handlers.on_video_viewing, dispatch_uid="xapi-video")
        quiz_signals.attempt_finished.connect(handlers.on_attempt_finished, dispatch_uid="xapi-attempt")
        post_save.connect(handlers.on_h5p_statement_saved, sender=H5PStatement, dispatch_uid="xapi-h5p")
        post_save.connect(handlers.on_attendance_saved, sender=Attendance, dispatch_uid="xapi-attendance")
        activity_signals.attendance_bulk_changed.connect(handlers.on_attendance_bulk_changed,
                                                         dispatch_uid="xapi-attendance-bulk")
        post_save.connect(handlers.on_ledger_saved, sender=StudyHourEntry, dispatch_uid="xapi-ledger")
        ledger_signals.entries_bulk_created.connect(handlers.on_ledger_bulk_created, dispatch_uid="xapi-ledger-bulk")
