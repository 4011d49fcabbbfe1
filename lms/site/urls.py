from django.urls import path

from . import pwa, today, views

app_name = "site"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("today/", today.today_page, name="today"),
    path("me/", views.me_page, name="me"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
]
