"""Columns for the apps' Wagtail admin listings."""

from django.utils.text import capfirst
from wagtail.admin.ui.tables import BooleanColumn


def boolean_column(model, name: str) -> BooleanColumn:
    """A yes/no field shown as a tick or a cross (a field named in list_display prints Python's "True"/"False"),
    labelled and sortable as Wagtail labels such a field."""
    return BooleanColumn(name, label=capfirst(model._meta.get_field(name).verbose_name), sort_key=name)
