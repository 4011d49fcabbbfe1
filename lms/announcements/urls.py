from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "announcements"

urlpatterns = [
    path("announcements/", views.announcement_list, name="list"),
    path("announcements/new/", views.publish, name="publish"),
    path("announcements/<id:pk>/", views.announcement_detail, name="detail"),
    path("announcements/<id:pk>/confirm/", views.confirm, name="confirm"),
    path("announcements/<id:pk>/stats/", views.stats, name="stats"),
    path("announcements/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("announcements/attachments/<id:pk>/", views.attachment, name="attachment"),
]
