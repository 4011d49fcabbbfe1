from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.org.admin_scope import HRMenuItem

from . import views_admin


@hooks.register("register_admin_urls")
def client_urls():
    return [
        path("xapi/clients/", views_admin.client_list, name="xapi_clients"),
        path("xapi/clients/add/", views_admin.client_add, name="xapi_client_add"),
        path("xapi/clients/<int:pk>/", views_admin.client_edit, name="xapi_client_edit"),
        path("xapi/clients/<int:pk>/rotate/", views_admin.client_rotate, name="xapi_client_rotate"),
        path("xapi/clients/<int:pk>/deactivate/", views_admin.client_deactivate, name="xapi_client_deactivate"),
    ]


@hooks.register("register_admin_menu_item")
def clients_menu():
    return HRMenuItem(_("LRS clients"), reverse("xapi_clients"), icon_name="key", order=228)
