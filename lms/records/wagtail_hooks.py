from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.org.admin_scope import HRMenuItem

from . import views_admin


@hooks.register("register_admin_urls")
def import_urls():
    return [path("import/training-records/", views_admin.import_records_view, name="lms_import_records")]


@hooks.register("register_admin_menu_item")
def import_records_menu():
    return HRMenuItem(_("Import training records"), reverse("lms_import_records"), icon_name="upload", order=216)
