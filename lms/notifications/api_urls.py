from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("notifications", api.NotificationViewSet, basename="api-notifications")
urlpatterns = router.urls
