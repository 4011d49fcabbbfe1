from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "lms.points"
    label = "points"
    verbose_name = _("Points")

    def ready(self):
        from lms.activities import signals as activity_signals
        from lms.activities.models import Attendance
        from lms.common import slots
        from lms.common.navigation import NavEntry, register
        from lms.progress import signals as progress_signals
        from lms.progress.models import LessonProgress
        from lms.quizzes import signals as quiz_signals
        from lms.records.models import StudyHourEntry

        from . import bootstrap, handlers, panels

        progress_signals.lesson_completed.connect(handlers.on_lesson_completed, dispatch_uid="points-lesson")
        progress_signals.course_completed.connect(handlers.on_course_completed, dispatch_uid="points-course")
        quiz_signals.attempt_finished.connect(handlers.on_attempt_finished, dispatch_uid="points-attempt")
        post_save.connect(handlers.on_attendance_saved, sender=Attendance, dispatch_uid="points-attendance")
        activity_signals.attendance_bulk_changed.connect(handlers.on_attendance_bulk_changed,
                                                         dispatch_uid="points-attendance-bulk")
        post_save.connect(handlers.on_ledger_saved, sender=StudyHourEntry, dispatch_uid="points-ledger")
        post_save.connect(handlers.on_progress_saved, sender=LessonProgress, dispatch_uid="points-progress")
        post_migrate.connect(bootstrap.after_migrate, sender=self, dispatch_uid="points-after-migrate")
        register(NavEntry("points", _("Points"), "points:home", order=38,
                          shown=lambda viewer: viewer.member is not None))
        slots.register("my_learning", "points/includes/today_panel.html", panels.today_panel, order=30)
