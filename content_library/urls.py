from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "content_library"

urlpatterns = [
    path("talks/", views.talk_list, name="talk-list"),
    path("talks/progress/", views.talk_progress, name="talk-progress"),
    path("talks/<id:pk>/", views.talk_detail, name="talk-detail"),
    path("talks/<id:pk>/media", views.talk_media, name="talk-media"),
    path("talks/<id:pk>/captions.vtt", views.talk_captions, name="talk-captions"),
    path("talks/<id:pk>/poster.jpg", views.talk_poster, name="talk-poster"),
]
