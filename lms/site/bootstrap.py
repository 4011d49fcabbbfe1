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

# Role code → Django group that gives the role its admin powers.
ROLE_GROUPS = {
    "trainer": "Trainers",
    "hr": "HR",
    "branch_secretary": "Branch secretaries",
}
# Wagtail's own moderators group approves pages trainers submit.
MODERATORS = "Moderators"

MODEL_PERMISSIONS = {
    "Trainers": [
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
        ("content_library", "add_talk"), ("content_library", "change_talk"), ("content_library", "view_talk"),
        ("content_library", "view_category"),
    ],
    "HR": [
        ("wagtailadmin", "access_admin"),
        ("org", "add_member"), ("org", "change_member"), ("org", "view_member"), ("org", "view_orgunit"),
        ("org", "add_orgunit"), ("org", "change_orgunit"), ("org", "view_role"),
        ("content_library", "add_category"), ("content_library", "change_category"),
        ("content_library", "view_category"), ("content_library", "view_talk"),
        ("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document"),
    ],
    "Branch secretaries": [
        ("wagtailadmin", "access_admin"), ("org", "view_member"), ("org", "view_orgunit"),
    ],
}
PAGE_PERMISSIONS = {
    "Trainers": ["add_page", "change_page"],
    "HR": ["add_page", "change_page", "publish_page"],
}


def bootstrap(using="default", **kwargs) -> None:
    for app_config in global_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    with transaction.atomic(using=using):
        ensure_roles()
        home = ensure_catalog_home()
        ensure_groups(home)


def ensure_roles() -> None:
    """The seeded roles (also after a flush, which empties what migrations inserted)."""
    from lms.org.models import Role
    from lms.org.roles import SEEDED_ROLES

    existing = set(Role.objects.values_list("code", flat=True))
    Role.objects.bulk_create([
        Role(code=code, name=name, name_en=name_en) for code, name, name_en in SEEDED_ROLES if code not in existing
    ])


def ensure_catalog_home():
    from wagtail.models import Page, Site

    from lms.catalog.models import CatalogIndexPage

    home = CatalogIndexPage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _create_tree_root()
        home = root.add_child(instance=CatalogIndexPage(title="课程目录", slug="catalog", live=True))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="党员教育培训平台")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home


def _create_tree_root():
    """Wagtail's root page and default locale come from its migrations; a flushed
    database (transactional tests) lacks them, so recreate them the same way."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.add_root(instance=Page(
        title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page), live=True,
    ))


def _perm(app_label, codename):
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def ensure_groups(home) -> None:
    from wagtail.models import GroupPagePermission

    for name, perms in MODEL_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*[p for p in (_perm(a, c) for a, c in perms) if p])
        if home is not None:
            for codename in PAGE_PERMISSIONS.get(name, []):
                perm = _perm("wagtailcore", codename)
                if perm:
                    GroupPagePermission.objects.get_or_create(group=group, page=home, permission=perm)
    Group.objects.get_or_create(name=MODERATORS)


def sync_user_groups(member) -> None:
    """Give the member's user exactly the groups their roles imply."""
    user = member.user
    codes = member.role_codes if member.is_active else set()
    wanted = {ROLE_GROUPS[c] for c in codes if c in ROLE_GROUPS}
    if "hr" in codes:
        wanted.add(MODERATORS)
    managed = set(ROLE_GROUPS.values()) | {MODERATORS}
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if wanted - current:
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
