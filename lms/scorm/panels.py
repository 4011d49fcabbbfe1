"""The SCORM player panel of the lesson page (the "lesson_page" slot of lms.common.slots)."""

from .models import ScormPackage
from .views import player_context


def lesson_panel(context) -> dict | None:
    lesson = context.get("page")
    request = context.get("request")
    if lesson is None or request is None or not getattr(lesson, "pk", None):
        return None
    package = ScormPackage.objects.filter(lesson_id=lesson.pk).first()
    if package is None:
        return None
    return {"ctx": player_context(package, request), "request": request}
