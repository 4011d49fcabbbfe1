from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "training"

urlpatterns = [
    path("training/my/", views.my_assignments, name="training-my-assignments"),
    path("training/branch/", views.branch, name="training-branch"),
    path("training/assign/", views.assign, name="training-assign"),
    path("training/members/<id:pk>/", views.member_detail, name="training-member"),
    path("training/assignments/<id:pk>/withdraw/", views.withdraw, name="training-withdraw"),
]
