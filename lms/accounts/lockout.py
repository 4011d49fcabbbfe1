"""Login lockout (django-axes): AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"], each with its own limit.

An account is locked after AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME, whatever address they come
from; a client address is locked after LMS_LOGIN_IP_FAILURE_LIMIT failures on any accounts (password spraying).
The address limit is the larger one because a whole office can sit behind one NAT or proxy address.
"""

import datetime
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_ip_address(request) -> str | None:
    """REMOTE_ADDR, or behind LMS_TRUSTED_PROXY_COUNT proxies the X-Forwarded-For entry the outermost trusted
    proxy added (entries left of it are whatever the client sent, and are not trusted)."""
    meta = getattr(request, "META", {})
    proxies = int(getattr(settings, "LMS_TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        parts = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(parts) >= proxies and valid_ip(parts[-proxies]):
            return parts[-proxies]
    return meta.get("REMOTE_ADDR") or None


def valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def ip_failure_limit() -> int:
    return max(int(getattr(settings, "LMS_LOGIN_IP_FAILURE_LIMIT", 30)), 1)


class AccountOrAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The worst count over the lockout parameters, the address count scaled to the account limit so that
        axes' single ``failures >= AXES_FAILURE_LIMIT`` test applies each parameter's own limit."""
        limit = get_failure_limit(request, credentials)
        worst = 0
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                count = count * limit // ip_failure_limit()
            worst = max(worst, count)
        return worst


def _recent_attempts():
    cool_off = get_cool_off() or datetime.timedelta(days=36500)
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)


def locked_usernames() -> dict[str, int]:
    """Locked user names → failures counted within the cool-off time."""
    rows = (_recent_attempts().exclude(username=None).values("username").annotate(n=Sum("failures_since_start"))
            .filter(n__gte=settings.AXES_FAILURE_LIMIT).order_by("username"))
    return {r["username"]: r["n"] for r in rows}


def locked_addresses() -> dict[str, int]:
    rows = (_recent_attempts().exclude(ip_address=None).values("ip_address")
            .annotate(n=Sum("failures_since_start")).filter(n__gte=ip_failure_limit()).order_by("ip_address"))
    return {r["ip_address"]: r["n"] for r in rows}
