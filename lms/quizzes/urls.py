from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/<id:quiz_id>/", views.quiz_detail, name="quiz-detail"),
    path("quizzes/<id:quiz_id>/start/", views.start, name="quiz-start"),
    path("quizzes/<id:quiz_id>/stats/", views.stats_page, name="quiz-stats"),
    path("quizzes/<id:quiz_id>/review/", views.review_page, name="quiz-review"),
    path("quizzes/attempts/<id:attempt_id>/", views.attempt_page, name="quiz-attempt"),
    path("quizzes/attempts/<id:attempt_id>/submit/", views.submit, name="quiz-submit"),
    path("h5p/<id:package_id>", views.h5p_detail, name="h5p-detail"),
    path("h5p/<id:package_id>/content/<path:path>", views.h5p_content, name="h5p-content"),
    path("h5p/<id:package_id>/user-data/<str:data_type>/<str:sub_content_id>/", views.h5p_user_data,
         name="h5p-user-data"),
]
