"""Password change, reset by e-mail and activation (Django's views, our templates), and HR's account pages."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.org.models import Member, OrgUnit
from lms.org.scope import is_hr, visible_members

from . import lockout, mfa, services
from .forms import ActivationIssueForm, CodeForm, MemberLookupForm, ResetForm
from .models import LoginEvent
from .tokens import activation_token

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(services.SESSION_MUST_CHANGE))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_was_set(self.request.user, self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_name": settings.WAGTAIL_SITE_NAME,
                "valid_hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1)}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    event = LoginEvent.Kind.PASSWORD_RESET

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        # Before super(): it may log the user in, and the login reads the flag.
        services.password_was_set(self.user, self.request, kind=self.event)
        services.unlock(username=self.user.get_username(), request=self.request, actor=self.user, quiet=True)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class ActivateView(PasswordResetConfirmView):
    """An imported member opens the link HR gave them, chooses a password and is logged in."""

    template_name = "accounts/activate.html"
    token_generator = activation_token
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND
    success_url = settings.LOGIN_REDIRECT_URL
    event = LoginEvent.Kind.ACTIVATED

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your account is active. Welcome!"))
        return response


# --- HR ----------------------------------------------------------------------------------------------------------

def _hr_only(request) -> None:
    if not is_hr(request.user):
        raise PermissionDenied


def _no_store(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def hr_activation(request):
    """Issue activation links for imported members who never set a password: a printable list, or e-mails."""
    _hr_only(request)
    form = ActivationIssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        unit = OrgUnit.objects.filter(pk=form.cleaned_data["unit"]).first() if form.cleaned_data["unit"] else None
        members = services.activation_candidates(request.user, unit)
        send = form.cleaned_data["delivery"] == ActivationIssueForm.EMAIL
        issued = services.issue_activation_links(members, actor=request.user, request=request, send_email=send)
        emailed = [i for i in issued if i.emailed]
        listed = [i for i in issued if not i.emailed]
        return _no_store(render(request, "accounts/hr/activation_list.html", {
            "listed": listed, "emailed_count": len(emailed), "emailing": send, "unit": unit,
            "expires": services.activation_expiry(), "days": settings.LMS_ACTIVATION_DAYS,
        }))
    return render(request, "accounts/hr/activation.html", {
        "form": form, "pending": services.activation_candidates(request.user).count(),
        "days": settings.LMS_ACTIVATION_DAYS,
    })


def _managed_user(request, employee_no: str):
    member = visible_members(request.user).filter(employee_no=employee_no).select_related("user").first()
    if member is None or not services.may_manage_account(request.user, member.user):
        return None
    return member


@login_required
@require_http_methods(["GET", "POST"])
def hr_security(request):
    """Locked accounts and addresses (unlock), temporary passwords, recent login events."""
    _hr_only(request)
    lookup = MemberLookupForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unlock_user":
            username = request.POST.get("username", "")
            if request.user.is_superuser or visible_members(request.user).filter(user__username=username).exists():
                services.unlock(username=username, actor=request.user, request=request)
                messages.success(request, _("Unlocked the account %(name)s.") % {"name": username})
            else:
                raise PermissionDenied
        elif action == "unlock_ip":
            address = request.POST.get("ip_address", "").strip()
            if lockout.valid_ip(address):
                services.unlock(ip_address=address, actor=request.user, request=request)
                messages.success(request, _("Unlocked the address %(ip)s.") % {"ip": address})
        elif action == "reset":
            lookup = MemberLookupForm(request.POST)
            if lookup.is_valid():
                member = _managed_user(request, lookup.cleaned_data["employee_no"].strip())
                if member is None:
                    lookup.add_error("employee_no", _("No member you may manage has this employee number."))
                else:
                    password = services.reset_password_by_hr(member.user, actor=request.user, request=request)
                    return _no_store(render(request, "accounts/hr/temporary_password.html",
                                            {"member": member, "password": password}))
        if not (lookup.is_bound and lookup.errors):
            return redirect(reverse("accounts:hr-security"))
    names = lockout.locked_usernames()
    if not request.user.is_superuser:
        mine = set(visible_members(request.user).filter(user__username__in=list(names))
                   .values_list("user__username", flat=True))
        names = {k: v for k, v in names.items() if k in mine}
    members = {m.user.username: m for m in Member.objects.filter(user__username__in=list(names)).select_related(
        "user", "org_unit")}
    return render(request, "accounts/hr/security.html", {
        "locked_users": [(name, count, members.get(name)) for name, count in names.items()],
        "locked_addresses": sorted(lockout.locked_addresses().items()),
        "events": services.visible_events(request.user).select_related("user", "actor")[:100],
        "lookup": lookup, "failure_limit": settings.AXES_FAILURE_LIMIT,
        "ip_failure_limit": lockout.ip_failure_limit(),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if (cool_off := get_cool_off()) else 0,
    })


# --- Two-step verification (mfa.py) ------------------------------------------------------------------------------

def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


def _throttled_message() -> str:
    return _("Too many wrong codes. Wait a minute and try again.")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_manage(request):
    """Set up an authenticator (QR code and key, confirmed by a code), or with one set up: new backup codes,
    remove it, or replace it (both need a current code)."""
    if not mfa.eligible(request.user):
        raise PermissionDenied
    device = mfa.authenticator(request.user)
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    if device is None:
        pending = mfa.pending_device(request.user, create=True)
        if request.method == "POST" and form.is_valid():
            allowed, _info = pending.verify_is_allowed()
            if not allowed:
                form.add_error("code", _throttled_message())
            else:
                codes = mfa.confirm_enrolment(request, pending, form.cleaned_data["code"])
                if codes is not None:
                    messages.success(request, _("Two-step verification is on."))
                    return _no_store(render(request, "accounts/mfa_backup_codes.html", {
                        "codes": codes, "next": _safe_next(request, reverse("accounts:mfa"))}))
                form.add_error("code", _("The code is not right. Check the time on your phone and try again."))
        return _no_store(render(request, "accounts/mfa.html", {
            "form": form, "enrolling": True, "secret": mfa.secret_text(pending), "issuer": mfa.issuer(),
            "account": request.user.get_username(), "required": mfa.enrolment_required(request.user),
            "next": _safe_next(request, ""),
        }))
    if request.method == "POST" and form.is_valid() and action in ("codes", "disable", "replace"):
        try:
            ok = mfa.check_code(request.user, form.cleaned_data["code"]) is not None
        except mfa.Throttled:
            form.add_error("code", _throttled_message())
        else:
            if not ok:
                mfa.record_failure(request, detail=action)
                if getattr(request, "axes_locked_out", False):
                    return _locked(request)
                form.add_error("code", _("The code is not right."))
            elif action == "codes":
                codes = mfa.new_backup_codes(request.user)
                return _no_store(render(request, "accounts/mfa_backup_codes.html",
                                        {"codes": codes, "next": reverse("accounts:mfa")}))
            else:
                mfa.disable(request)
                if action == "disable" and not mfa.enrolment_required(request.user):
                    messages.success(request, _("Two-step verification is off."))
                else:
                    messages.info(request, _("Scan the new QR code with your authenticator app."))
                return redirect(reverse("accounts:mfa"))
    backup = mfa.backup_device(request.user)
    return _no_store(render(request, "accounts/mfa.html", {
        "form": form, "enrolling": False, "device": device, "required": mfa.enrolment_required(request.user),
        "backup_left": backup.token_set.count() if backup else 0,
    }))


@login_required
def mfa_qr(request):
    """The pending authenticator's QR code as SVG, made here (no outside service sees the key)."""
    if not mfa.eligible(request.user):
        raise PermissionDenied
    pending = mfa.pending_device(request.user)
    if pending is None:
        raise Http404
    return _no_store(HttpResponse(mfa.qr_svg(pending), content_type="image/svg+xml"))


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """The second login step: a code from the authenticator app, or a backup code."""
    default = settings.LOGIN_REDIRECT_URL
    if mfa.refresh_state(request) != mfa.VERIFY or mfa.is_verified(request):
        return redirect(_safe_next(request, default))
    if mfa.locked_out(request):
        return _locked(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if mfa.verify(request, form.cleaned_data["code"]):
                return redirect(_safe_next(request, default))
        except mfa.Throttled:
            form.add_error("code", _throttled_message())
        else:
            if getattr(request, "axes_locked_out", False):
                return _locked(request)
            form.add_error("code", _("The code is not right. Check the time on your phone and try again."))
    return _no_store(render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request, "")}))


def _locked(request):
    """Locked out by wrong codes: the half-finished login ends, and the lockout page says why."""
    from axes.helpers import get_lockout_response

    credentials = {"username": request.user.get_username()}
    logout(request)
    request.axes_locked_out = False  # answered here; AxesMiddleware need not answer again
    return get_lockout_response(request, None, credentials)
