"""Fetching a replay by URL without letting the worker reach internal addresses (SSRF).

Every request of an import goes through ``open_url``: the address the trainer gave, each redirect (followed
here, hop by hop, at most ``MAX_REDIRECTS``) and, for HLS, every playlist, key and segment that FFmpeg asks
for (see ``media.remux_hls``). For each of them:

* only ``http`` and ``https``, no ``user:password@``, the default port or a valid explicit one;
* with ``MEDIA_IMPORT_ALLOWED_HOSTS`` set, the host must be on that list (exact names, or suffixes written
  ``.example.org``);
* the host is resolved once and, unless it is allow-listed, every address it resolves to must be public: no
  loopback, private (RFC 1918, ULA), link-local (169.254.169.254, the cloud metadata service), multicast,
  unspecified, reserved, shared (100.64/10) or documentation address, nor an IPv4-mapped, 6to4 or NAT64 form
  of one;
* the connection goes to the address that was checked, while the Host header and TLS (SNI and certificate
  check) use the name. A DNS answer that changes between the check and the connection (DNS rebinding) cannot
  redirect the request;
* connect and read timeouts, a total deadline and a byte cap (``Budget``).

An allow-listed host is fetched even when it resolves to a private address, on purpose: replays often live
on intranet video servers, and the operator who lists a host vouches for it. That trust is per host, not per
request: a redirect from an allow-listed host is checked like any other hop, so it cannot lead to an address
that would not be fetched on its own.

Proxies from the environment (``http_proxy`` …) are not used: the worker must connect to the address it
checked. Messages for trainers stay generic ("the address could not be fetched", "this address is not
allowed"); the details (resolved address, port, system error) go to the log only.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import MediaError, TransientError

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "dangjian-lms-media-pipeline/1.0"
DEFAULT_PORTS = {"http": 80, "https": 443}
# What may stay in a request path as it is; anything else (spaces, non-ASCII) is percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# --- messages (generic on purpose: no address, port or system error reaches the trainer) ------------------

def not_allowed() -> MediaError:
    return MediaError(_("This address is not allowed."))


def only_http() -> MediaError:
    return MediaError(_("Only http:// and https:// addresses can be imported."))


def unreachable() -> TransientError:
    return TransientError(_("The address could not be fetched."))


def broke_off() -> TransientError:
    return TransientError(_("The download broke off before the end."))


def too_large(max_bytes: int) -> MediaError:
    return MediaError(_("The file at the address is larger than the allowed %(size)s.")
                      % {"size": filesizeformat(max_bytes)})


# --- settings ---------------------------------------------------------------------------------------------

def allowed_hosts() -> list[str]:
    """``MEDIA_IMPORT_ALLOWED_HOSTS`` as lower-case names; a list, or a comma-separated string."""
    value = getattr(settings, "MEDIA_IMPORT_ALLOWED_HOSTS", None) or []
    if isinstance(value, str):
        value = value.split(",")
    return [h for h in (_normalize_host(str(v)) for v in value) if h]


def _normalize_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.rstrip(".")  # "example.org." is "example.org"; a lone "." becomes "" and is dropped


def host_allow_listed(host: str, allowed: list[str]) -> bool:
    return any(host == a or (a.startswith(".") and host.endswith(a)) for a in allowed)


@dataclass
class Budget:
    """Time and size limits shared by every request of one import (all hops, all HLS segments)."""

    connect_timeout: float
    read_timeout: float
    deadline: float  # time.monotonic() after which the import gives up
    max_bytes: int
    received: int = 0

    @classmethod
    def from_settings(cls, read_timeout: float | None = None, max_bytes: int | None = None) -> Budget:
        total = float(getattr(settings, "MEDIA_IMPORT_TOTAL_TIMEOUT", 2 * 3600))
        return cls(
            connect_timeout=float(getattr(settings, "MEDIA_IMPORT_CONNECT_TIMEOUT", 10)),
            read_timeout=float(read_timeout if read_timeout is not None
                               else getattr(settings, "MEDIA_PIPELINE_URL_TIMEOUT", 30)),
            deadline=time.monotonic() + total,
            max_bytes=int(max_bytes if max_bytes is not None
                          else getattr(settings, "MEDIA_IMPORT_MAX_BYTES", 2 * 1024**3)),
        )

    def timeout(self, limit: float) -> float:
        """``limit`` or what is left of the total time, whichever is shorter; MediaError when none is left."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise MediaError(_("The download took longer than allowed."))
        return max(min(limit, left), 0.001)

    def count(self, size: int) -> None:
        self.received += size
        if self.received > self.max_bytes:
            raise too_large(self.max_bytes)


# --- checks -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str  # lower case, IDNA-encoded, IPv6 without brackets
    port: int
    path: str  # path and query, as sent in the request line
    allow_listed: bool


def check_url(url: str) -> Target:
    """The syntactic and allow-list checks of one URL (no network); MediaError when refused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise not_allowed()
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        raise only_http()
    if parts.username is not None or parts.password is not None or not parts.hostname:
        raise not_allowed()
    try:
        host = _normalize_host(parts.hostname).encode("idna").decode("ascii")
    except UnicodeError:
        raise not_allowed()
    if not host or port == 0:
        raise not_allowed()
    allowed = allowed_hosts()
    listed = bool(allowed) and host_allow_listed(host, allowed)
    if allowed and not listed:
        raise MediaError(
            _("Replays can only be imported from these hosts: %(hosts)s.") % {"hosts": ", ".join(allowed)}
        )
    path = quote(parts.path or "/", safe=_PATH_SAFE) + (f"?{quote(parts.query, safe=_PATH_SAFE)}" if parts.query
                                                        else "")
    return Target(url, scheme, host, port or DEFAULT_PORTS[scheme], path, listed)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses (IPv4-mapped and NAT64 forms judged by their IPv4)."""
    if ip.version == 6:
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(embedded)
        if ip.sixtofour is not None and not is_public_address(ip.sixtofour):
            return False
        if ip.is_site_local:
            return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
        or ip.is_unspecified
    )


def _parse_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def resolve(target: Target) -> list[tuple[int, tuple]]:
    """The (family, sockaddr) pairs to connect to, all checked; MediaError when any address is not allowed."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        logger.warning("Media import: %s could not be resolved: %s", target.host, exc)
        raise unreachable()
    addresses = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = _parse_ip(sockaddr[0])
        if ip is None:
            raise not_allowed()
        # Any non-public answer refuses the host, so a name mixing public and internal records is no way in.
        if not target.allow_listed and not is_public_address(ip):
            logger.warning("Media import refused: %s resolves to the non-public address %s", target.host, ip)
            raise not_allowed()
        if (family, sockaddr) not in addresses:
            addresses.append((family, sockaddr))
    if not addresses:
        raise unreachable()
    return addresses


# --- connections pinned to the checked address ------------------------------------------------------------

class _PinnedMixin:
    """Connects to the address that was checked; Host header, SNI and certificate check use ``self.host``."""

    def __init__(self, *args, address: tuple[int, tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self._pinned = address
        self._create_connection = self._connect_pinned

    def _connect_pinned(self, _address, timeout, _source_address=None):
        family, sockaddr = self._pinned
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
        except BaseException:
            sock.close()
            raise
        return sock


class _PinnedHTTPConnection(_PinnedMixin, http.client.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedMixin, http.client.HTTPSConnection):
    pass


class Response:
    """An open 2xx response; ``read`` keeps to the budget's read timeout, deadline and byte cap."""

    def __init__(self, url: str, connection: http.client.HTTPConnection, response: http.client.HTTPResponse,
                 budget: Budget):
        self.url, self._connection, self._response, self._budget = url, connection, response, budget
        self.status = response.status
        self.headers = response.headers

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def content_length(self) -> int | None:
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            return None
        return length if length >= 0 else None

    def read(self, size: int = 1024 * 1024) -> bytes:
        if self._connection.sock is not None:
            self._connection.sock.settimeout(self._budget.timeout(self._budget.read_timeout))
        try:
            data = self._response.read(size)
        except (OSError, http.client.HTTPException) as exc:
            logger.warning("Media import: reading %s failed: %r", self.url, exc)
            raise broke_off()
        self._budget.count(len(data))
        return data

    def close(self) -> None:
        self._response.close()
        self._connection.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _request(target: Target, budget: Budget) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    addresses = resolve(target)
    last_error: BaseException | None = None
    for address in addresses:
        timeout = budget.timeout(budget.connect_timeout)
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(target.host, target.port, timeout=timeout, address=address,
                                                context=ssl.create_default_context())
        else:
            connection = _PinnedHTTPConnection(target.host, target.port, timeout=timeout, address=address)
        try:
            connection.connect()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            last_error = exc
            continue
        try:
            connection.sock.settimeout(budget.timeout(budget.read_timeout))
            connection.request("GET", target.path, headers={
                "User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity",
            })
            return connection, connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            logger.warning("Media import: request to %s failed: %r", target.url, exc)
            raise unreachable()
        except BaseException:
            connection.close()
            raise
    logger.warning("Media import: could not connect to %s (%s): %r", target.url, addresses, last_error)
    raise unreachable()


def open_url(url: str, budget: Budget, max_redirects: int = MAX_REDIRECTS) -> Response:
    """GET ``url`` with every hop checked (see the module docstring); the caller closes the response.

    MediaError for refused addresses, client errors and too many redirects (not worth retrying);
    TransientError for network trouble and server errors (retried with backoff).
    """
    for _hop in range(max_redirects + 1):
        target = check_url(url)
        connection, response = _request(target, budget)
        status = response.status
        if status in REDIRECT_STATUSES:
            location = (response.getheader("Location") or "").strip()
            response.close()
            connection.close()
            if not location:
                raise MediaError(_("The address could not be fetched: HTTP %(code)s.") % {"code": status})
            url = urljoin(url, location)
            continue
        if 200 <= status < 300:
            return Response(url, connection, response, budget)
        response.close()
        connection.close()
        if status >= 500 or status == 429:
            raise TransientError(_("The server answered HTTP %(code)s.") % {"code": status})
        raise MediaError(_("The address could not be fetched: HTTP %(code)s.") % {"code": status})
    raise MediaError(_("The address could not be fetched: it redirects too many times."))
