"""API tokens: hashed, expiring keys that their owner can list and revoke (django-rest-knox, model ApiToken).

Only a SHA-512 digest of a key and its first 15 characters (the prefix, to recognise and revoke it) are stored;
the key is shown once, when it is created. Each token expires after LMS_API_TOKEN_TTL_HOURS; a user may hold up
to LMS_API_TOKEN_LIMIT_PER_USER of them (one per script or device). Clients send ``Authorization: Token <key>``.

- ``POST /api/v1/tokens/`` creates a token (optional ``name``) for the user of a signed-in browser session, or
  for ``username`` + ``password`` in the body. The password goes through Django's authenticate(), so the login
  lockout (django-axes) and the login event log apply. A token cannot create another (a stolen key could
  otherwise outlive its own expiry), and an account with a second factor (a confirmed django-otp device) must
  sign in on the site to create one: a password alone would get round the second factor.
- ``GET /api/v1/tokens/`` lists the caller's tokens (prefix, name, created, expiry, last use; never a key).
- ``DELETE /api/v1/tokens/<prefix>/`` revokes one; ``POST /api/v1/tokens/revoke-all/`` all of them.
- ``/accounts/tokens/`` is the same for people, in a page.

A password change or reset (any way the password hash changes, except Django's re-hash at login) revokes all of
the user's tokens; signing out revokes them only with LMS_API_REVOKE_TOKENS_ON_LOGOUT.
"""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import extend_schema
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import services
from .mfa import has_second_factor
from .models import ApiToken, LoginEvent
from .token_auth import active_tokens, create_token, purge_expired, revoke_all, token_limit


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "lms.accounts.token_auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


# --- API ----------------------------------------------------------------------------------------------------------

class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Too many failed logins: the account or your address is locked for a while.")
    default_code = "locked_out"

    def __init__(self):
        from axes.helpers import get_cool_off

        cool_off = get_cool_off()
        self.wait = int(cool_off.total_seconds()) if cool_off else None  # Retry-After
        super().__init__()


class TokenLimitReached(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "token_limit"

    def __init__(self, limit: int):
        super().__init__(_("You already have %(limit)d API tokens; revoke one first.") % {"limit": limit})


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(source="token_key", read_only=True,
                                   help_text="The key's first characters: enough to recognise and revoke it.")

    class Meta:
        model = ApiToken
        fields = ["prefix", "name", "created", "expiry", "last_used"]
        read_only_fields = fields


class NewTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The key, for 'Authorization: Token <key>'. "
                                                           "Shown only in this answer: it is not stored.")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                 help_text="What the token is for.")
    username = serializers.CharField(max_length=150, required=False, trim_whitespace=False,
                                     help_text="With password: instead of a signed-in browser session.")
    password = serializers.CharField(max_length=4096, required=False, write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"})

    def validate(self, attrs):
        if attrs.get("password") and not attrs.get("username"):
            raise serializers.ValidationError({"username": _("Enter your user name with your password.")})
        return attrs


def _user_by_password(request, username: str, password: str):
    """Django's authenticate(), as at the login page: axes counts failures and refuses locked accounts and
    addresses; failures are in the login event log."""
    http_request = request._request  # axes marks a lockout on this object, which its middleware reads
    user = authenticate(http_request, username=username, password=password)
    if getattr(http_request, "axes_locked_out", False):
        http_request.axes_locked_out = False  # answered here in the API's error shape, not with the lockout page
        raise LockedOut()
    if user is None:
        raise exceptions.AuthenticationFailed(_("Wrong user name or password."), code="invalid_credentials")
    if has_second_factor(user):
        raise exceptions.PermissionDenied(
            _("Your account has a second factor: sign in on the site and create the token there."),
            code="second_factor_required")
    return user


class ApiTokenViewSet(viewsets.GenericViewSet):
    """The caller's API tokens: create (the key is shown once), list, revoke."""

    serializer_class = ApiTokenSerializer
    lookup_field = "token_key"
    lookup_url_kwarg = "prefix"
    lookup_value_regex = f"[0-9A-Za-z_-]{{1,{CONSTANTS.TOKEN_KEY_LENGTH + CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH}}}"
    pagination_class = None  # a user holds at most LMS_API_TOKEN_LIMIT_PER_USER tokens
    filter_backends: list = []

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]  # a password in the body instead of a session
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return active_tokens(self.request.user)

    def list(self, request):
        """The caller's unexpired tokens, newest first: prefix, name, dates; never a key."""
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(request=TokenCreateSerializer, responses={201: NewTokenSerializer})
    def create(self, request):
        """A new token for the signed-in user (browser session) or for ``username`` + ``password``. The answer
        is the only place the key is ever shown."""
        params = TokenCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if data.get("password"):
            user = _user_by_password(request, data["username"], data["password"])
        elif isinstance(request.successful_authenticator, SessionAuthentication):
            user = request.user
        elif request.user.is_authenticated:
            raise exceptions.PermissionDenied(
                _("A token cannot create another token: use your password or a signed-in browser session."),
                code="password_required")
        else:
            raise exceptions.NotAuthenticated()
        limit = token_limit()
        purge_expired(user)
        if limit is not None and active_tokens(user).count() >= limit:
            raise TokenLimitReached(limit)
        instance, key = create_token(user, name=data["name"])
        if data.get("password"):
            services.record_event(LoginEvent.Kind.LOGIN, user=user, request=request._request, detail="API token")
        response = Response({"token": key, **ApiTokenSerializer(instance).data}, status=status.HTTP_201_CREATED)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, private"
        return response

    @extend_schema(responses={204: None})
    def destroy(self, request, prefix=None):
        """Revoke the caller's token with this prefix."""
        if not self.get_queryset().filter(token_key=prefix).delete()[0]:
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: {"type": "object", "properties": {"revoked": {"type": "integer"}}}})
    @action(detail=False, methods=["post"], url_path="revoke-all")
    def revoke_all(self, request):
        """Revoke all of the caller's tokens, the one of this call included."""
        return Response({"revoked": revoke_all(request.user)})


# --- Page ---------------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def token_page(request):
    """/accounts/tokens/: the signed-in user's API tokens; create (the key shown once), revoke one or all."""
    new_key = None
    if request.method == "POST":
        action_name = request.POST.get("action")
        if action_name == "create":
            limit = token_limit()
            purge_expired(request.user)
            if limit is not None and active_tokens(request.user).count() >= limit:
                messages.error(request, _("You already have %(limit)d API tokens; revoke one first.")
                               % {"limit": limit})
            else:
                _token, new_key = create_token(request.user, name=request.POST.get("name", "").strip())
        elif action_name == "revoke":
            if active_tokens(request.user).filter(token_key=request.POST.get("prefix", "")).delete()[0]:
                messages.success(request, _("The token was revoked."))
        elif action_name == "revoke_all":
            count = revoke_all(request.user)
            messages.success(request, ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", count)
                             % {"count": count})
        if new_key is None:
            return redirect("accounts:api-tokens")
    response = render(request, "accounts/api_tokens.html", {
        "tokens": active_tokens(request.user), "new_key": new_key,
        "ttl_days": max(round(knox_settings.TOKEN_TTL.total_seconds() / 86400), 1),
    })
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response
