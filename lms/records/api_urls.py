from lms.site.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("ledger", api.LedgerViewSet, basename="api-ledger")
urlpatterns = router.urls
