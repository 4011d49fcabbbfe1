from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("enrollments", api.EnrollmentViewSet, basename="api-enrollment")
router.register("lesson-progress", api.LessonProgressViewSet, basename="api-lesson-progress")

urlpatterns = [
    path("lessons/<int:lesson_id>/heartbeat/", api.heartbeat, name="api-lesson-heartbeat"),
    path("lessons/<int:lesson_id>/confirm/", api.confirm, name="api-lesson-confirm"),
] + router.urls
