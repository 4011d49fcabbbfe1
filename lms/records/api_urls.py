from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("ledger", api.LedgerViewSet, basename="api-ledger")
urlpatterns = router.urls
