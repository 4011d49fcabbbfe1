from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("courses", api.CourseViewSet, basename="api-course")
urlpatterns = router.urls
