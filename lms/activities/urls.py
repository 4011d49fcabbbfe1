from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views, views_calendar

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="list"),
    path("activities/new/", views.schedule_page, name="schedule"),
    path("activities/plan/", views.plan_page, name="plan"),
    path("activities/<id:pk>/", views.activity_detail, name="detail"),
    path("activities/<id:pk>/sign-in/", views.signin_page, name="sign-in"),
    path("activities/<id:pk>/sign-in/screen/", views.signin_screen, name="sign-in-screen"),
    path("activities/<id:pk>/sign-in/current.json", views.signin_current, name="sign-in-current"),
    path("activities/<id:pk>/attendance/", views.mark_attendance, name="mark"),
    path("activities/<id:pk>/leave/", views.request_leave, name="leave"),
    path("activities/leave/<id:pk>/decide/", views.decide_leave, name="decide-leave"),
    path("activities/<id:pk>/minutes/", views.minutes, name="minutes"),
    path("activities/<id:pk>/minutes/attachments/", views.add_attachment, name="attach"),
    path("activities/attachments/<id:pk>/", views.attachment, name="attachment"),
    path("activities/<id:pk>/<str:action>/", views.activity_action, name="action"),
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("calendar/feed/", views_calendar.feed_settings, name="calendar-feed"),
    path("calendar/<str:token>.ics", views_calendar.ical_feed, name="calendar-ics"),
    path("api/v1/calendar/", views_calendar.calendar_api, name="calendar-api"),
]
