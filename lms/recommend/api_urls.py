from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import api

urlpatterns = [
    path("recommendations/", api.recommendation_list, name="api-recommendations"),
    path("recommendations/<id:pk>/dismiss/", api.dismiss, name="api-recommendation-dismiss"),
    path("recommendations/talks/<id:talk_id>/done/", api.talk_done, name="api-recommendation-talk-done"),
    path("recommendations/courses/<id:course_id>/also-completed/", api.also_completed,
         name="api-recommendation-also-completed"),
]
