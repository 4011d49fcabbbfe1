from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("points/", views.my_points, name="home"),
    path("points/privacy/", views.privacy, name="privacy"),
    path("points/board/", views.board, name="board"),
    path("points/report/", views.report, name="report"),
]
