from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("talks", api.TalkViewSet, basename="api-talk")
urlpatterns = router.urls
