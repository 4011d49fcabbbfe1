from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "recommend"

urlpatterns = [
    path("recommendations/<id:pk>/dismiss/", views.dismiss, name="recommendation-dismiss"),
    path("recommendations/talks/<id:talk_id>/done/", views.talk_done, name="recommendation-talk-done"),
]
