"""API token authentication and the token helpers (django-rest-knox, model ApiToken); the endpoints and the
page are in api_tokens.py. Kept free of DRF's views so that REST_FRAMEWORK can import the authentication class.
"""

from hmac import compare_digest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher, is_password_usable
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from .models import ApiToken

# Record a token's last use at most this often (each record is a database write).
LAST_USED_WRITE_SECONDS = 60


# --- Tokens -----------------------------------------------------------------------------------------------------

def active_tokens(user):
    """The user's tokens that have not expired, newest first."""
    return ApiToken.objects.filter(user_id=user.pk, expiry__gt=timezone.now()).order_by("-created")


def purge_expired(user) -> int:
    return ApiToken.objects.filter(user_id=user.pk, expiry__lte=timezone.now()).delete()[0]


def token_limit() -> int | None:
    return knox_settings.TOKEN_LIMIT_PER_USER


def create_token(user, *, name: str = "", ttl=None) -> tuple[ApiToken, str]:
    """A new token for ``user`` (valid for ``ttl``, a timedelta, or TOKEN_TTL) and its key, which is not stored
    and cannot be shown again."""
    purge_expired(user)
    return ApiToken.objects.create(user=user, expiry=ttl or knox_settings.TOKEN_TTL, name=name[:100])


def revoke_all(user) -> int:
    return ApiToken.objects.filter(user_id=user.pk).delete()[0]


def token_for_key(key: str, queryset=None) -> ApiToken | None:
    """The unexpired token whose key is ``key``, or None."""
    if not key or len(key) > 200:
        return None
    try:
        digest = hash_token(key)
    except (TypeError, ValueError):
        return None
    now = timezone.now()
    candidates = (ApiToken.objects if queryset is None else queryset).filter(
        token_key=key[:CONSTANTS.TOKEN_KEY_LENGTH])
    for token in candidates:
        if compare_digest(digest, token.digest) and (token.expiry is None or token.expiry > now):
            return token
    return None


# --- Authentication -------------------------------------------------------------------------------------------

class ApiTokenAuthentication(knox_auth.TokenAuthentication):
    """knox's ``Authorization: Token <key>``; expired tokens are deleted when met (401). In addition a key that
    is not text is an invalid token rather than a server error, and a token's last use is recorded."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        if auth_token.last_used is None or (now - auth_token.last_used).total_seconds() >= LAST_USED_WRITE_SECONDS:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used=now)
            auth_token.last_used = now
        return user, auth_token


# --- Signals (connected in handlers.connect) -------------------------------------------------------------------

def _password_changed(old: str, new: str, raw_password_set: bool) -> bool:
    if old == new:
        return False
    if raw_password_set:  # set_password() and save(): a change (Django clears the flag when it only re-hashes)
        return True
    if not is_password_usable(old) and not is_password_usable(new):
        return False
    if is_password_usable(old) and is_password_usable(new):
        # Without set_password(): Django's upgrade of an outdated hash at login keeps the password.
        try:
            hasher = identify_hasher(old)
        except ValueError:
            return True
        return not (hasher.algorithm != get_hasher().algorithm or hasher.must_update(old))
    return True


def revoke_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of the user model: a new password revokes every API token of the user."""
    if raw or instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    old = type(instance)._base_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is None:
        return
    if _password_changed(old, instance.password, getattr(instance, "_password", None) is not None):
        revoke_all(instance)


def revoke_on_logout(sender, request, user, **kwargs):
    if user is not None and getattr(settings, "LMS_API_REVOKE_TOKENS_ON_LOGOUT", False):
        revoke_all(user)


def connect() -> None:
    pre_save.connect(revoke_on_password_change, sender=get_user_model(), dispatch_uid="accounts-token-password")
    user_logged_out.connect(revoke_on_logout, dispatch_uid="accounts-token-logout")
