from django.urls import path

from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("quizzes", api.QuizViewSet, basename="api-quiz")
router.register("quiz-attempts", api.AttemptViewSet, basename="api-quiz-attempt")
router.register("h5p", api.H5PPackageViewSet, basename="api-h5p")

urlpatterns = [
    path("quiz-answers/<id:answer_id>/grade/", api.grade_answer, name="api-quiz-answer-grade"),
] + router.urls
