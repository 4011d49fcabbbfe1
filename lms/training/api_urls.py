from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("assignments", api.AssignmentViewSet, basename="api-assignments")
router.register("training-plans", api.TrainingPlanViewSet, basename="api-training-plans")
urlpatterns = router.urls
