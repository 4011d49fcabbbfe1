"""The xAPI data types below objects: IRIs, UUIDs, language tags and maps, timestamps, durations, mailboxes.

Every check raises ``BadRequest`` naming the property's path (e.g. ``statement.context.registration``), so a
client sees exactly what to fix.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from ..errors import BadRequest

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
MBOX_RE = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+\.?[^@\s/]*$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
# RFC 5646 language tag (langtag | privateuse | grandfathered), case-insensitive.
_LANGTAG = (r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
            r"(?:-[a-z]{4})?"  # script
            r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
            r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
            r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
            r"(?:-x(?:-[a-z0-9]{1,8})+)?")
_GRANDFATHERED = ("en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|"
                  "i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|"
                  "zh-hakka|zh-min|zh-min-nan|zh-xiang")
LANG_RE = re.compile(rf"^(?:{_LANGTAG}|x(?:-[a-z0-9]{{1,8}})+|{_GRANDFATHERED})$", re.IGNORECASE)
_NUM = r"\d+(?:[.,]\d+)?"
DURATION_RE = re.compile(
    rf"^P(?:(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?|{_NUM}W)$")
# ISO 8601 date-time, extended or basic; the zone designator is optional (then UTC is assumed).
_TS_EXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                     r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$")
_TS_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?:\d{2})?)?$")
# RFC 3339 (xAPI 2.0): seconds and zone required.
_TS_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})$")


def fail(path: str, message: str):
    raise BadRequest(f"{path}: {message}")


def require_type(value, kind, path: str, name: str):
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        fail(path, f"must be {name}.")


def check_keys(obj: dict, path: str, allowed: set[str], required: set[str] = frozenset()):
    if not isinstance(obj, dict):
        fail(path, "must be a JSON object.")
    unknown = set(obj) - allowed
    if unknown:
        fail(path, f"unknown properties {', '.join(sorted(unknown))}.")
    missing = set(required) - set(obj)
    if missing:
        fail(path, f"missing required properties {', '.join(sorted(missing))}.")
    for key, value in obj.items():
        if value is None:
            fail(f"{path}.{key}", "must not be null.")


def check_string(value, path: str):
    require_type(value, str, path, "a string")


def check_iri(value, path: str):
    require_type(value, str, path, "an IRI string")
    if not IRI_RE.match(value):
        fail(path, f"{value!r} is not an absolute IRI.")


def check_irl(value, path: str):
    check_iri(value, path)


def check_uuid(value, path: str):
    require_type(value, str, path, "a UUID string")
    if not UUID_RE.match(value):
        fail(path, f"{value!r} is not a UUID.")


def check_language_tag(value, path: str):
    require_type(value, str, path, "a language tag")
    if not LANG_RE.match(value):
        fail(path, f"{value!r} is not an RFC 5646 language tag.")


def check_language_map(value, path: str):
    if not isinstance(value, dict):
        fail(path, "must be a language map (an object of language tag: string).")
    for tag, text in value.items():
        check_language_tag(tag, f"{path} key")
        if not isinstance(text, str):
            fail(f"{path}.{tag}", "must be a string.")


def check_extensions(value, path: str):
    if not isinstance(value, dict):
        fail(path, "must be an object whose keys are IRIs.")
    for key in value:
        check_iri(key, f"{path} key")


def check_duration(value, path: str):
    require_type(value, str, path, "an ISO 8601 duration string")
    if value in ("P", "PT") or value.endswith("T") or not DURATION_RE.match(value):
        fail(path, f"{value!r} is not an ISO 8601 duration.")


def check_mbox(value, path: str):
    require_type(value, str, path, "a mailto IRI")
    if not MBOX_RE.match(value):
        fail(path, f"{value!r} is not a mailto IRI.")


def check_sha1(value, path: str):
    require_type(value, str, path, "a SHA-1 hex string")
    if not SHA1_RE.match(value):
        fail(path, f"{value!r} is not a SHA-1 hex digest.")


def _zone(text: str | None) -> timezone:
    if not text or text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if sign < 0 and hours == 0 and minutes == 0:
        raise ValueError("the offset -00:00 means an unknown zone")
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_timestamp(value, path: str, *, rfc3339: bool = False) -> datetime:
    """The aware datetime of an ISO 8601 (xAPI 2.0: RFC 3339) timestamp, or a 400."""
    require_type(value, str, path, "an ISO 8601 timestamp string")
    match = (_TS_RFC3339 if rfc3339 else _TS_EXT).match(value) or (None if rfc3339 else _TS_BASIC.match(value))
    if not match:
        fail(path, f"{value!r} is not an {'RFC 3339' if rfc3339 else 'ISO 8601'} timestamp.")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        value = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro,
                         tzinfo=_zone(zone))
        return value.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        fail(path, f"{value!r} is not a valid timestamp ({exc}).")


def format_timestamp(value: datetime) -> str:
    """How the LRS writes times: UTC, microseconds, 'Z'."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
