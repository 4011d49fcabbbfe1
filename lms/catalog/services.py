"""The catalog app's public actions (pages are read through ``lms.catalog.models`` and ``lms.catalog.access``)."""

from .bootstrap import ensure_catalog_home

__all__ = ["ensure_catalog_home"]
