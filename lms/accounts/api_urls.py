from lms.common.api_routing import ApiRouter

from . import api_tokens

router = ApiRouter()
router.register("tokens", api_tokens.ApiTokenViewSet, basename="api-tokens")
urlpatterns = router.urls
