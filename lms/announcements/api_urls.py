from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("announcements", api.MyAnnouncementViewSet, basename="api-announcements")
urlpatterns = router.urls
