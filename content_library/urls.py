from django.urls import path

from . import views

app_name = "content_library"

urlpatterns = [
    path("talks/", views.talk_list, name="talk-list"),
    path("talks/progress/", views.talk_progress, name="talk-progress"),
    path("talks/<int:pk>/", views.talk_detail, name="talk-detail"),
    path("talks/<int:pk>/media", views.talk_media, name="talk-media"),
    path("talks/<int:pk>/captions.vtt", views.talk_captions, name="talk-captions"),
    path("talks/<int:pk>/poster.jpg", views.talk_poster, name="talk-poster"),
]
