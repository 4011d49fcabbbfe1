from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "scorm"

urlpatterns = [
    path("scorm/<id:package_id>/", views.player, name="player"),
    path("scorm/<id:package_id>/content/<path:path>", views.content, name="content"),
    path("scorm/items/<id:item_id>/launch/", views.launch, name="launch"),
    path("scorm/items/<id:item_id>/commit/", views.commit, name="commit"),
]
