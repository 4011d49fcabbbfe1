from django.urls import path

from . import api

urlpatterns = [
    path("certificates/me/", api.MyCertificates.as_view(), name="api-certificates-me"),
    path("certificates/verify/<str:code>/", api.VerifyCertificate.as_view(), name="api-certificates-verify"),
]
