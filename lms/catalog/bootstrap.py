"""The catalog's home page and the default site, created after migrate and when a test flushed them."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import CatalogIndexPage


def ensure_catalog_home():
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
    _remove_wagtail_welcome_page()
    return home


WELCOME_TITLE = "初始欢迎页（未使用）"


def _remove_wagtail_welcome_page() -> None:
    """Wagtail's migrations create an English "Welcome to your new Wagtail site!" page as the first site's root;
    once the catalog is the root it is an unused leftover that staff meet in the admin's page lists and reports.
    Renamed, not deleted: a deletion would write the English title into the site history instead."""
    Page.objects.filter(depth=2, content_type=ContentType.objects.get_for_model(Page),
                        title="Welcome to your new Wagtail site!").update(title=WELCOME_TITLE,
                                                                           draft_title=WELCOME_TITLE)


def _create_tree_root():
    """Wagtail's root page and default locale come from its migrations; a flushed
    database (transactional tests) lacks them, so recreate them the same way."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.add_root(instance=Page(
        title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page), live=True,
    ))
