from django.urls import path

from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("enrollments", api.EnrollmentViewSet, basename="api-enrollment")
router.register("lesson-progress", api.LessonProgressViewSet, basename="api-lesson-progress")

urlpatterns = [
    path("lessons/<id:lesson_id>/heartbeat/", api.heartbeat, name="api-lesson-heartbeat"),
    path("lessons/<id:lesson_id>/confirm/", api.confirm, name="api-lesson-confirm"),
] + router.urls
