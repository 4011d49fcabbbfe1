from django.urls import path

from . import api

urlpatterns = [
    path("points/me/", api.me, name="api-points-me"),
    path("points/board/", api.board, name="api-points-board"),
    path("points/report/", api.report, name="api-points-report"),
]
