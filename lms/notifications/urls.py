from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.mark_all_read, name="notifications-read-all"),
    path("notifications/preferences/", views.preferences, name="notification-preferences"),
    path("notifications/<id:pk>/", views.open_notification, name="notification-open"),
    path("notifications/<id:pk>/read/", views.mark_read, name="notification-read"),
]
