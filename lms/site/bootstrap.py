"""Things every installation needs, created after migrate (idempotent).

Runs on post_migrate so a fresh install, the test database and the demo all
get the catalog home page, the staff groups and their permissions without
depending on seed data.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from lms.catalog.services import ensure_catalog_home
from lms.org.services import HR, MODERATORS, SECRETARIES, TRAINERS, ensure_posts, ensure_roles

MODEL_PERMISSIONS = {
    TRAINERS: [
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
        ("content_library", "add_talk"), ("content_library", "change_talk"), ("content_library", "view_talk"),
        ("content_library", "view_category"),
    ],
    HR: [
        ("wagtailadmin", "access_admin"),
        ("org", "add_member"), ("org", "change_member"), ("org", "view_member"), ("org", "view_orgunit"),
        ("org", "add_orgunit"), ("org", "change_orgunit"), ("org", "view_role"),
        ("org", "add_post"), ("org", "change_post"), ("org", "delete_post"), ("org", "view_post"),
        ("evaluation", "add_surveytemplate"), ("evaluation", "change_surveytemplate"),
        ("evaluation", "delete_surveytemplate"), ("evaluation", "view_surveytemplate"),
        ("evaluation", "add_surveyitem"), ("evaluation", "change_surveyitem"), ("evaluation", "delete_surveyitem"),
        ("evaluation", "view_surveyitem"), ("evaluation", "add_surveyassignment"),
        ("evaluation", "change_surveyassignment"), ("evaluation", "view_surveyassignment"),
        ("content_library", "add_category"), ("content_library", "change_category"),
        ("content_library", "view_category"), ("content_library", "view_talk"),
        ("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document"),
    ],
    SECRETARIES: [
        ("wagtailadmin", "access_admin"), ("org", "view_member"), ("org", "view_orgunit"),
    ],
}
# Wagtail grants images and documents per collection: without these the trainers could not upload a course
# cover or a lesson document, nor open the image and document libraries.
COLLECTION_PERMISSIONS = {
    TRAINERS: [("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
               ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"),
               ("wagtaildocs", "choose_document")],
    HR: [("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document")],
}
# Wagtail's migrations name the tree's root page and root collection "Root"; staff read them in breadcrumbs.
ROOT_NAME = "根目录"
PAGE_PERMISSIONS = {
    TRAINERS: ["add_page", "change_page"],
    HR: ["add_page", "change_page", "publish_page"],
}


def bootstrap(using="default", **kwargs) -> None:
    for app_config in global_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    with transaction.atomic(using=using):
        ensure_roles()
        ensure_posts()
        home = ensure_catalog_home()
        ensure_groups(home)
        Page.objects.filter(depth=1, title="Root").update(title=ROOT_NAME, draft_title=ROOT_NAME)
        Collection.objects.filter(depth=1, name="Root").update(name=ROOT_NAME)


def _perm(app_label, codename):
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def ensure_groups(home) -> None:
    for name, perms in MODEL_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*[p for p in (_perm(a, c) for a, c in perms) if p])
        if home is not None:
            for codename in PAGE_PERMISSIONS.get(name, []):
                perm = _perm("wagtailcore", codename)
                if perm:
                    GroupPagePermission.objects.get_or_create(group=group, page=home, permission=perm)
    root = Collection.get_first_root_node()
    if root is not None:
        for name, perms in COLLECTION_PERMISSIONS.items():
            group = Group.objects.get(name=name)
            for app_label, codename in perms:
                perm = _perm(app_label, codename)
                if perm:
                    GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=perm)
    Group.objects.get_or_create(name=MODERATORS)
