from django.urls import path

from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("ledger", api.LedgerViewSet, basename="api-ledger")
urlpatterns = [path("me/", api.me, name="api-me")] + router.urls
