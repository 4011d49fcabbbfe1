"""The publishing form (member-facing, server-rendered)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.org.models import OrgUnit, Post, Role

from . import services


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "　" * max(obj.depth - 1, 0) + obj.name


class PublishForm(forms.Form):
    title = forms.CharField(max_length=services.MAX_TITLE, label=_("Title"))
    body = forms.CharField(max_length=services.MAX_BODY, widget=forms.Textarea(attrs={"rows": 10}),
                           label=pgettext_lazy("announcement", "Text"),
                           help_text=_("Plain text; blank lines separate paragraphs."))
    target_unit = UnitChoiceField(OrgUnit.objects.none(), label=_("For the members of"), empty_label=None,
                                  help_text=_("The unit and every unit under it."))
    roles = forms.ModelMultipleChoiceField(Role.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
                                           label=_("Only these roles"), help_text=_("None ticked: every role."))
    posts = forms.ModelMultipleChoiceField(Post.objects.filter(is_active=True), required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           label=pgettext_lazy("job post", "Only these posts"),
                                           help_text=_("None ticked: every post."))
    attachments = MultipleFileField(required=False, label=_("Attachments"),
                                    help_text=_("PDF, Word, Excel, PowerPoint, JPG or PNG."))
    requires_confirmation = forms.BooleanField(required=False, label=_("Members must read and confirm"))
    confirm_by = forms.DateTimeField(required=False, label=_("Confirm by"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_unit"].queryset = units if units is not None else OrgUnit.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("requires_confirmation") and not data.get("confirm_by") and "confirm_by" not in self.errors:
            self.add_error("confirm_by", _("Set the deadline for confirming."))
        return data
