from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("assignments", api.AssignmentViewSet, basename="api-assignments")
router.register("training-plans", api.TrainingPlanViewSet, basename="api-training-plans")
urlpatterns = router.urls
