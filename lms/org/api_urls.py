from django.urls import path

from lms.site.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("members", api.MemberViewSet, basename="api-member")

urlpatterns = [path("me/", api.me, name="api-me")] + router.urls
