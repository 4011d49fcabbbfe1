from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("members", api.MemberViewSet, basename="api-member")

urlpatterns = router.urls
