"""Who is asking the LRS, and what they may do: the one access rule of the LRS's resources.

Clients (systems) authenticate with HTTP Basic key:secret. A signed-in member's own session may read the
member's own statements; HR and branch secretaries read their org scope's; a superuser reads everything.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from django.utils import timezone

from lms.org import scope as org_scope

from . import conf
from .errors import Forbidden, Unauthorized
from .models import LrsClient


@dataclass
class Credential:
    client: LrsClient | None = None
    user: object = None
    can_write: bool = False
    # How far reading reaches: "all" (units empty = everywhere), "units" (members of these subtrees),
    # "authority" (statements this client wrote), "member" (the member's own), "none".
    read: str = "none"
    units: list = field(default_factory=list)
    member: object = None

    @property
    def authority(self) -> dict | None:
        """The Agent written into the statements this credential stores."""
        if self.client is not None:
            return client_authority(self.client)
        return None

    def require_write(self):
        if not self.can_write:
            raise Forbidden("These credentials may not write to the LRS.")

    def require_read(self):
        if self.read == "none":
            raise Forbidden("These credentials may not read from the LRS.")


def client_authority(client: LrsClient) -> dict:
    return {"objectType": "Agent", "name": client.name,
            "account": {"homePage": f"{conf.home_page()}/xapi/clients", "name": client.key}}


def authenticate(request, authorization: str | None) -> Credential:
    """The credential behind ``authorization`` (an HTTP Basic header value) or the request's session."""
    if authorization:
        return _basic(authorization)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _session(user)
    raise Unauthorized("Authentication is required (HTTP Basic with an LRS client's key and secret).")


def _basic(header: str) -> Credential:
    scheme, _sep, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized("Only HTTP Basic authentication is supported.")
    try:
        key, _colon, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Unauthorized("Malformed HTTP Basic credentials.") from None
    client = LrsClient.objects.select_related("org_unit").filter(key=key, is_active=True).first()
    if client is None or not client.check_secret(secret):
        raise Unauthorized("Unknown key or wrong secret.")
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        LrsClient.objects.filter(pk=client.pk).update(last_used_at=now)  # at most once a minute per client
    if client.read == LrsClient.Read.ALL:
        read, units = ("units", [client.org_unit]) if client.org_unit_id else ("all", [])
    elif client.read == LrsClient.Read.OWN:
        read, units = "authority", []
    else:
        read, units = "none", []
    return Credential(client=client, can_write=client.can_write, read=read, units=units)


def _session(user) -> Credential:
    if user.is_superuser:
        return Credential(user=user, read="all")
    member = org_scope.member_of(user)
    units = org_scope.managed_units(user)
    if units:
        return Credential(user=user, read="units", units=units, member=member)
    if member is not None:
        return Credential(user=user, read="member", member=member)
    raise Forbidden("This account has no member record, so it has no statements to read.")
