from django.urls import path

from . import api

urlpatterns = [
    path("recommendations/", api.recommendation_list, name="api-recommendations"),
    path("recommendations/<int:pk>/dismiss/", api.dismiss, name="api-recommendation-dismiss"),
    path("recommendations/talks/<int:talk_id>/done/", api.talk_done, name="api-recommendation-talk-done"),
    path("recommendations/courses/<int:course_id>/also-completed/", api.also_completed,
         name="api-recommendation-also-completed"),
]
