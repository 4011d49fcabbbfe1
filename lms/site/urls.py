from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
