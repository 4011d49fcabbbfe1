"""The LRS client form of the admin: HR picks the scopes and, within the units HR oversees, the org unit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.org.models import OrgUnit
from lms.org.scope import managed_units, units_q

from .models import LrsClient


def assignable_units(user):
    """The org units ``user`` may give a client: the subtrees the user oversees (everything for a superuser)."""
    if getattr(user, "is_superuser", False):
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(units_q(managed_units(user), prefix=""))


class LrsClientForm(forms.ModelForm):
    class Meta:
        model = LrsClient
        fields = ["name", "can_write", "read", "org_unit", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = assignable_units(user).order_by("path")
        if not user.is_superuser:
            # Only a superuser may give a client the whole organization.
            self.fields["org_unit"].required = True
            self.fields["org_unit"].help_text = _(
                "Limits reading all statements to the members of this unit and the units under it.")
        if self.instance.pk is None:
            del self.fields["is_active"]
