"""How figures read to people, one way everywhere: study hours (32, 32.5 学时), durations in words (1 分 20 秒),
clock positions in media (12:34, 1:02:05) and day labels (11月30日 / 30 Nov).

Pages, exports and notifications format through these helpers (and the ``units`` template filters), so the same
figure never reads 32.00 on one page and 32 on another, and no page shows seconds with three decimals.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, timezone, translation
from django.utils.translation import pgettext


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def hours_number(value) -> str:
    """32, 32.5, 0.25 — never 32.00; at most two decimals."""
    try:
        text = f"{Decimal(str(value or 0)).quantize(Decimal('0.01')):f}"
    except (InvalidOperation, ValueError):
        return "0"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def hours_label(value) -> str:
    """32 学时 / 32.5 hours."""
    number = hours_number(value)
    if _english():
        return f"{number} {'hour' if number == '1' else 'hours'}"
    unit = pgettext("study hours unit", "hours")
    return f"{number} {unit}"


def duration_words(seconds) -> str:
    """5 秒, 1 分 20 秒, 1 小时 5 分 (5 s, 1 min 20 s, 1 h 5 min): whole seconds, the two largest units."""
    try:
        total = max(0, math.ceil(float(seconds or 0)))
    except (TypeError, ValueError):
        total = 0
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    units = (pgettext("duration unit", "h"), pgettext("duration unit", "min"), pgettext("duration unit", "s"))
    parts = [(hours, units[0]), (minutes, units[1]), (secs, units[2])]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    parts = parts[:2]
    if len(parts) == 2 and parts[1][0] == 0:
        parts = parts[:1]
    return " ".join(f"{amount} {unit}" for amount, unit in parts)


def timecode(seconds) -> str:
    """754.3 → 12:34, 3725 → 1:02:05: a position in a video or talk."""
    try:
        total = max(0, math.floor(float(seconds or 0)))
    except (TypeError, ValueError):
        total = 0
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def day_label(value) -> str:
    """11月30日 / 30 Nov."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j M" if _english() else "n月j日")


def moment_label(value: datetime.datetime) -> str:
    """11月30日 14:30 / 30 Nov 14:30."""
    return f"{day_label(value)} {dateformat.format(timezone.localtime(value), 'H:i')}"


def percent_label(value) -> str:
    """45%: whole percent."""
    try:
        return f"{round(float(value or 0))}%"
    except (TypeError, ValueError):
        return "0%"


__all__ = ["day_label", "duration_words", "hours_label", "hours_number", "moment_label", "percent_label",
           "timecode"]
