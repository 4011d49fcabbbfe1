from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Q
from django.template import loader
from django.utils.translation import gettext_lazy as _

from lms.org.scope import managed_units


class ResetForm(PasswordResetForm):
    """Matches the address on the user or on the member record (imports fill the member's), and also reaches
    imported members who never set a password: the mailed link then activates the account. Never says whether
    an address is known; the mail is sent by the worker so both answers take the same time."""

    def get_users(self, email):
        email = (email or "").strip()
        if not email:
            return
        users = get_user_model()._default_manager.filter(
            Q(email__iexact=email) | Q(member__email__iexact=email), is_active=True,
        ).select_related("member").distinct()
        for user in users:
            member = getattr(user, "member", None)
            if member is not None and not member.is_active:
                continue
            if not user.has_usable_password() and member is None:
                continue  # an account without a password that is not a member (a service account): leave it
            address = user.email if user.email and user.email.lower() == email.lower() else member.email
            user._lms_reset_address = address
            yield user

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        from .tasks import send_mails

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        address = getattr(context.get("user"), "_lms_reset_address", None) or to_email
        send_mails.delay([{"subject": subject, "body": body, "to": address}])


def unit_choices(user) -> list[tuple[str, str]]:
    """The units the user oversees and everything under them, with full names, in tree order."""
    from lms.org.models import OrgUnit
    from lms.org.scope import units_q

    units = list(OrgUnit.objects.filter(units_q(managed_units(user), prefix="")).order_by("path")) \
        if not user.is_superuser else list(OrgUnit.objects.order_by("path"))
    names = {u.path: u.name for u in units}
    choices = []
    for unit in units:
        step = OrgUnit.steplen
        parts = [names.get(unit.path[:i]) or "…" for i in range(step, len(unit.path) + 1, step)]
        choices.append((str(unit.pk), "/".join(parts)))
    return choices


class ActivationIssueForm(forms.Form):
    PRINT, EMAIL = "print", "email"

    unit = forms.TypedChoiceField(label=_("Org unit"), required=False, coerce=int, empty_value=None)
    delivery = forms.ChoiceField(label=_("Delivery"), initial=PRINT, widget=forms.RadioSelect, choices=[
        (PRINT, _("Printable list (name, employee number, link)")),
        (EMAIL, _("E-mail to members who have an address; list the others")),
    ])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All members I oversee"))] + unit_choices(user)


class MemberLookupForm(forms.Form):
    employee_no = forms.CharField(label=_("Employee number"), max_length=40)


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a backup code."""

    code = forms.CharField(
        label=_("Verification code"), max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}))
