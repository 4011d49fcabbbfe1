from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("courses", api.CourseViewSet, basename="api-course")
urlpatterns = router.urls
