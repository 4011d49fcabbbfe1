"""When two statements are "the same": a re-sent statement against the stored one, a signature's payload
against its statement. The properties the LRS sets are left out, a single context activity equals an array of
one, and durations compare to 0.01 s (xAPI 2.0: finer precision is not part of the comparison)."""

from __future__ import annotations

import re

_SECONDS = re.compile(r"(\d+)[.,](\d+)S$")


def _duration(value):
    if not isinstance(value, str):
        return value
    match = _SECONDS.search(value)
    if not match:
        return value
    return value[: match.start()] + f"{match.group(1)}.{match.group(2)[:2].ljust(2, '0')}S"


def _body(st: dict) -> dict:
    out = dict(st)
    context = out.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        activities = {k: v if isinstance(v, list) else [v] for k, v in context["contextActivities"].items()}
        out["context"] = {**context, "contextActivities": activities}
    result = out.get("result")
    if isinstance(result, dict) and "duration" in result:
        out["result"] = {**result, "duration": _duration(result["duration"])}
    obj = out.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        out["object"] = _body(obj)
    return out


def comparable(st: dict, ignored: set[str]) -> dict:
    return _body({k: v for k, v in st.items() if k not in ignored})
