from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("quizzes", api.QuizViewSet, basename="api-quiz")
router.register("quiz-attempts", api.AttemptViewSet, basename="api-quiz-attempt")
router.register("h5p", api.H5PPackageViewSet, basename="api-h5p")

urlpatterns = [
    path("quiz-answers/<int:answer_id>/grade/", api.grade_answer, name="api-quiz-answer-grade"),
] + router.urls
