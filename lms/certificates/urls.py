from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/<id:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
