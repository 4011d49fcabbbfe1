"""Admin forms that check what model validation cannot see (inline options, uploads)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .h5p.package import H5PError, import_package, validate_package
from .models import DrawRule, validate_choices


def _live_rows(formset):
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        yield data


class QuestionForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("choices")
        if formset is not None and formset.is_valid():
            choices = [(d.get("text") or "", bool(d.get("is_correct"))) for d in _live_rows(formset)]
            problem = validate_choices(cleaned.get("qtype"), choices)
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


class QuizForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The quiz must close after it opens."))
        fixed = self.formsets.get("fixed_questions")
        rules = self.formsets.get("draw_rules")
        if fixed is not None and rules is not None and fixed.is_valid() and rules.is_valid():
            fixed_rows = list(_live_rows(fixed))
            rule_rows = list(_live_rows(rules))
            ids = [d["question"].pk for d in fixed_rows if d.get("question")]
            if len(ids) != len(set(ids)):
                raise forms.ValidationError(_("A question is listed twice among the fixed questions."))
            if not fixed_rows and not rule_rows:
                raise forms.ValidationError(_("Add fixed questions or a random draw rule."))
            for data in rule_rows:
                rule = DrawRule(category=data.get("category"), difficulty=data.get("difficulty"),
                                qtype=data.get("qtype") or "", count=data.get("count") or 0)
                available = rule.pool(exclude_ids=ids).count()
                if available < rule.count:
                    raise forms.ValidationError(
                        _("The question bank has only %(available)d active question(s) for “%(rule)s”, "
                          "but %(count)d are to be drawn.")
                        % {"available": available, "rule": rule.describe(), "count": rule.count})
        return cleaned


class H5PPackageForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label=gettext_lazy("H5P file (.h5p)"), required=False,
        help_text=gettext_lazy("Exported from any H5P authoring tool, with its libraries. Checked before it is "
                               "accepted; cannot be replaced later (upload a new package instead)."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if self.instance.pk is None and not upload:
            self.add_error("upload", _("Choose an .h5p file."))
        elif upload:
            if self.instance.pk is not None:
                self.add_error("upload", _("A package's file cannot be replaced; upload a new package."))
            else:
                try:
                    validate_package(upload, filename=upload.name)
                except H5PError as exc:
                    self.add_error("upload", str(exc))
        return cleaned

    def save(self, commit=True):
        if self.instance.pk is not None:
            return super().save(commit=commit)
        upload = self.cleaned_data["upload"]
        try:
            package = import_package(upload, filename=upload.name, user=getattr(self, "for_user", None),
                                     title=self.cleaned_data.get("title") or "")
        except H5PError as exc:  # validated in clean(); only storage trouble lands here
            raise forms.ValidationError(str(exc)) from exc
        package.lesson = self.cleaned_data.get("lesson")
        package.pass_percent = self.cleaned_data.get("pass_percent") or 0
        package.save(update_fields=["lesson", "pass_percent"])
        self.instance = package
        return package
