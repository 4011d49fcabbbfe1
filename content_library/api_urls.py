from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("talks", api.TalkViewSet, basename="api-talk")
urlpatterns = router.urls
