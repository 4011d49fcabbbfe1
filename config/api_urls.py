"""/api/v1/: each app contributes its own api_urls module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

APPS = [
    "lms.org",
    "lms.accounts",  # /api/v1/tokens/
    "lms.catalog",
    "lms.progress",
    "lms.records",
    "lms.training",
    "lms.notifications",
    "lms.quizzes",
    "lms.recommend",
    "lms.reports",
    "content_library",
    "media_pipeline",
    "search",
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
] + [path("", include(f"{app}.api_urls")) for app in APPS]
