from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "progress"

urlpatterns = [
    path("my/", views.my_learning, name="my-learning"),
    path("courses/<id:course_id>/enroll/", views.enroll, name="course-enroll"),
    path("lessons/<id:lesson_id>/confirm/", views.confirm, name="lesson-confirm"),
]
