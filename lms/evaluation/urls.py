from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/mine/", views.mine, name="mine"),
    path("evaluation/results/", views.results, name="results"),
    path("evaluation/results/<id:pk>/", views.result, name="result"),
    path("evaluation/<id:pk>/", views.survey, name="survey"),
]
