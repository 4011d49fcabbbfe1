"""The admin form of a package: the upload is checked completely before anything is stored."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .package.errors import ScormError
from .package.store import import_package, validate_package


class ScormPackageForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label=gettext_lazy("SCORM package (.zip)"), required=False,
        help_text=gettext_lazy("A SCORM 1.2 or SCORM 2004 (3rd or 4th edition) ZIP file with imsmanifest.xml at "
                               "its top. Checked before it is accepted; cannot be replaced later (upload a new "
                               "package instead)."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if self.instance.pk is None and not upload:
            self.add_error("upload", _("Choose a SCORM .zip file."))
        elif upload:
            if self.instance.pk is not None:
                self.add_error("upload", _("A package's file cannot be replaced; upload a new package."))
            else:
                try:
                    validate_package(upload, filename=upload.name)
                except ScormError as exc:
                    self.add_error("upload", str(exc))
        return cleaned

    def save(self, commit=True):
        if self.instance.pk is not None:
            return super().save(commit=commit)
        upload = self.cleaned_data["upload"]
        try:
            package = import_package(upload, filename=upload.name, user=getattr(self, "for_user", None),
                                     title=self.cleaned_data.get("title") or "",
                                     lesson=self.cleaned_data.get("lesson"))
        except ScormError as exc:  # validated in clean(); only storage trouble lands here
            raise forms.ValidationError(str(exc)) from exc
        self.instance = package
        return package
