from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.org.models import OrgUnit

SCOPE_CHOICES = [("branch", _("My branch")), ("branches", _("All branches"))]
PERIOD_CHOICES = [("year", pgettext_lazy("period", "Year")), ("month", pgettext_lazy("period", "Month"))]
MONTH_CHOICES = [(m, str(m)) for m in range(1, 13)]


class PeriodForm(forms.Form):
    """Year, or one month of it. Missing values default to the current year and month."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    year = forms.IntegerField(label=pgettext_lazy("period", "Year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(label=pgettext_lazy("period", "Month"), choices=MONTH_CHOICES, coerce=int,
                                   required=False, empty_value=None)

    def chosen(self) -> tuple[int, int | None]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or today.year
        if data.get("period") == "month":
            return year, data.get("month") or today.month
        return year, None


class BoardForm(PeriodForm):
    scope = forms.ChoiceField(label=_("Board"), choices=SCOPE_CHOICES, required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches if branches is not None else OrgUnit.objects.none()


class ReportForm(PeriodForm):
    by = forms.ChoiceField(label=_("Rows"), choices=[("member", _("By member")), ("branch", _("By branch"))],
                           required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        q = OrgUnit.objects.none()
        for unit in units:
            q = q | OrgUnit.objects.filter(path__startswith=unit.path)
        self.fields["unit"].queryset = q.order_by("path")
