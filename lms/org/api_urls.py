from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("members", api.MemberViewSet, basename="api-member")

urlpatterns = [path("me/", api.me, name="api-me")] + router.urls
