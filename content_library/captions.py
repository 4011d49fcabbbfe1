"""WebVTT captions from transcript lines."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def timestamp(seconds: float) -> str:
    millis = max(0, int(round(seconds * 1000)))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def wrap(text: str) -> str:
    """At most two caption lines: break long cues near the middle at a space or punctuation."""
    text = " ".join(text.split())
    limit = 22 if _CJK.search(text) else 42
    if len(text) <= limit:
        return text
    middle = len(text) // 2
    candidates = [i for i, ch in enumerate(text) if ch in " ，、；：,;:" and 0 < i < len(text) - 1]
    if candidates:
        cut = min(candidates, key=lambda i: abs(i - middle))
        head, tail = text[: cut + 1].rstrip(), text[cut + 1 :].lstrip()
    else:
        head, tail = text[:middle], text[middle:]
    return f"{head}\n{tail}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_vtt(lines: Iterable) -> str:
    """``lines`` are objects or dicts with start, end and text."""
    parts = ["WEBVTT", ""]
    for number, line in enumerate(lines, start=1):
        get = line.get if isinstance(line, dict) else lambda k, _line=line: getattr(_line, k)
        start, end, text = float(get("start")), float(get("end")), get("text")
        if end <= start:
            end = start + 0.5
        parts += [str(number), f"{timestamp(start)} --> {timestamp(end)}", _escape(wrap(text)), ""]
    return "\n".join(parts)
