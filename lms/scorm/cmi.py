"""The CMI data a SCO's runtime commits: checked, read, and turned back into the data a relaunch starts from.

The runtime (scorm-again) posts its whole data model flattened (`{"cmi.core.lesson_status": "completed", …}`);
a nested object is flattened the same way. Every key, value and vocabulary word is checked, so bad input is a
clear 400 and never reaches the database.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from . import conf

MAX_KEYS = 5000
MAX_VALUE_CHARS = 64000
KEY = re.compile(r"^(cmi|adl)(\.[A-Za-z0-9_{}=\-]+){1,8}$")
STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted", ""}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown", ""}
SUCCESS_2004 = {"passed", "failed", "unknown", ""}
# 1.2 CMITimespan (HHHH:MM:SS.SS) or 2004 ISO 8601 duration (P1DT2H3M4.5S).
DURATION = re.compile(r"^(\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?"
                      r"|P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?)$")


class CMIError(ValueError):
    """The commit is malformed; the message says why."""


@dataclass
class Reading:
    """What the LMS keeps of a commit besides the data itself."""

    status: str
    success_status: str
    score_raw: Decimal | None
    score_min: Decimal | None
    score_max: Decimal | None
    score_scaled: Decimal | None
    total_time: str


def _flatten(value, prefix: str, out: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(key, str):
                raise CMIError(_("Data model names must be text."))
            _flatten(inner, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            _flatten(inner, f"{prefix}.{n}", out)
    else:
        out[prefix] = value


def parse_body(body: bytes) -> dict[str, str]:
    """The posted data as a flat {element: text} dict; raise CMIError when it is not acceptable."""
    if len(body) > conf.get("SCORM_MAX_COMMIT_BYTES"):
        raise CMIError(_("The data sent is too large."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CMIError(_("The data sent is not valid JSON.")) from exc
    flat: dict = {}
    if isinstance(data, dict):
        _flatten(data, "", flat)
    if not flat:
        raise CMIError(_("The data sent must be a JSON object of data model elements."))
    if len(flat) > MAX_KEYS:
        raise CMIError(_("The data sent has too many elements."))
    out: dict[str, str] = {}
    for key, value in flat.items():
        if not KEY.match(key):
            raise CMIError(_("Not a data model element: %(key)s") % {"key": key[:80]})
        if value is None:
            value = ""
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            if value != value or value in (float("inf"), float("-inf")):
                raise CMIError(_("%(key)s is not a number.") % {"key": key})
            value = str(value)
        elif not isinstance(value, str):
            raise CMIError(_("%(key)s has a value of the wrong type.") % {"key": key})
        if len(value) > MAX_VALUE_CHARS or "\x00" in value:
            raise CMIError(_("%(key)s is too long or contains invalid characters.") % {"key": key})
        out[key] = value
    return out


def _score(data: dict, key: str, *, low=Decimal("-1e7"), high=Decimal("1e7")) -> Decimal | None:
    raw = data.get(key, "").strip()
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise CMIError(_("%(key)s is not a number.") % {"key": key}) from exc
    if not value.is_finite() or not low <= value <= high:
        raise CMIError(_("%(key)s is out of range.") % {"key": key})
    return value.quantize(Decimal("0.0001"))


def _word(data: dict, key: str, allowed: set[str]) -> str:
    value = data.get(key, "").strip().lower()
    if value not in allowed:
        raise CMIError(_("%(key)s has an invalid value: %(value)s") % {"key": key, "value": value[:40]})
    return value


def read(data: dict, *, is_2004: bool) -> Reading:
    if is_2004:
        status = _word(data, "cmi.completion_status", COMPLETION_2004)
        success = _word(data, "cmi.success_status", SUCCESS_2004)
        prefix, time_key = "cmi.score", "cmi.total_time"
        scaled = _score(data, "cmi.score.scaled", low=Decimal(-1), high=Decimal(1))
    else:
        status = _word(data, "cmi.core.lesson_status", STATUS_12)
        success = {"passed": "passed", "failed": "failed"}.get(status, "")
        prefix, time_key = "cmi.core.score", "cmi.core.total_time"
        scaled = None
    raw, low, high = (_score(data, f"{prefix}.{k}") for k in ("raw", "min", "max"))
    if scaled is None and raw is not None and high:
        floor = low or Decimal(0)
        if high > floor:
            scaled = max(Decimal(-1), min(Decimal(1), (raw - floor) / (high - floor))).quantize(Decimal("0.0001"))
    total = data.get(time_key, "").strip()
    if total and not DURATION.match(total):
        raise CMIError(_("%(key)s is not a valid duration.") % {"key": time_key})
    return Reading(status, success, raw, low, high, scaled, total[:40])


def is_completed(reading: Reading, *, is_2004: bool) -> bool:
    """Completed in the SCORM sense (1.2 passed/completed/failed; 2004 completion_status completed)."""
    if is_2004:
        return reading.status == "completed"
    return reading.status in ("passed", "completed", "failed")


KEEP_12 = ("cmi.core.lesson_location", "cmi.core.lesson_status", "cmi.core.score.raw", "cmi.core.score.min",
           "cmi.core.score.max", "cmi.suspend_data", "cmi.core.total_time")
KEEP_2004 = ("cmi.location", "cmi.completion_status", "cmi.success_status", "cmi.score.scaled", "cmi.score.raw",
             "cmi.score.min", "cmi.score.max", "cmi.suspend_data", "cmi.total_time", "cmi.progress_measure")


def _resuming(saved: dict, is_2004: bool) -> bool:
    exit_key = "cmi.exit" if is_2004 else "cmi.core.exit"
    location = saved.get("cmi.location" if is_2004 else "cmi.core.lesson_location")
    return bool(saved) and (saved.get(exit_key) == "suspend" or bool(location) or bool(saved.get("cmi.suspend_data")))


def preload(saved: dict, *, is_2004: bool, learner_id: str, learner_name: str, item) -> dict:
    """The flattened data a launch starts from: the learner, the manifest's data and what the member saved."""
    keep = KEEP_2004 if is_2004 else KEEP_12
    out = {key: saved[key] for key in keep if saved.get(key) not in (None, "")}
    # Objectives (ids, statuses, scores) are part of where a SCO left off; counts and child lists are the
    # runtime's own.
    out.update({key: value for key, value in saved.items()
                if key.startswith("cmi.objectives.") and "._" not in key and value not in (None, "")})
    if not is_2004 and out.get("cmi.core.lesson_status") in (None, "not attempted"):
        out.pop("cmi.core.lesson_status", None)
    entry = "resume" if _resuming(saved, is_2004) else "ab-initio"
    if is_2004:
        out.update({"cmi.learner_id": learner_id, "cmi.learner_name": learner_name, "cmi.entry": entry})
        if item.scaled_passing_score is not None:
            out["cmi.scaled_passing_score"] = str(item.scaled_passing_score)
    else:
        out.update({"cmi.core.student_id": learner_id, "cmi.core.student_name": learner_name,
                    "cmi.core.entry": entry})
        if item.mastery_score is not None:
            out["cmi.student_data.mastery_score"] = str(item.mastery_score)
    if item.launch_data:
        out["cmi.launch_data"] = item.launch_data
    return out
