from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("activities", api.ActivityViewSet, basename="api-activities")
router.register("activity-kinds", api.KindViewSet, basename="api-activity-kinds")
router.register("plan-slots", api.PlanSlotViewSet, basename="api-plan-slots")
router.register("leave-requests", api.LeaveRequestViewSet, basename="api-leave-requests")
urlpatterns = router.urls
