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
    return home


def _create_tree_root():
    """Wagtail's root page and default locale come from its migrations; a flushed
    database (transactional tests) lacks them, so recreate them the same way."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.add_root(instance=Page(
        title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page), live=True,
    ))
