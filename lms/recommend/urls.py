from django.urls import path

from . import views

urlpatterns = [
    path("recommendations/<int:pk>/dismiss/", views.dismiss, name="recommendation-dismiss"),
    path("recommendations/talks/<int:talk_id>/done/", views.talk_done, name="recommendation-talk-done"),
]
