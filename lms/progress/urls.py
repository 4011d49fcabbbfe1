from django.urls import path

from . import views

urlpatterns = [
    path("my/", views.my_learning, name="my-learning"),
    path("courses/<int:course_id>/enroll/", views.enroll, name="course-enroll"),
    path("lessons/<int:lesson_id>/confirm/", views.confirm, name="lesson-confirm"),
]
