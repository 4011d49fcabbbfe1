"""/api/v1/: every installed app of the project that has an ``api_urls`` module contributes its routes."""

from importlib.util import find_spec

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

PROJECT_PACKAGES = ("lms.", "content_library", "media_pipeline", "search")


def app_modules(module: str) -> list[str]:
    """``<app>.<module>`` of every installed project app that has one, in INSTALLED_APPS order, so a new app
    needs no edit here or in config/urls.py."""
    names = [app.name for app in apps.get_app_configs() if app.name.startswith(PROJECT_PACKAGES)]
    return [f"{name}.{module}" for name in names if find_spec(f"{name}.{module}") is not None]


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
] + [path("", include(module)) for module in app_modules("api_urls")]
