"""Which xAPI versions the LRS speaks, and how a request's X-Experience-API-Version header picks one."""

import re

from .errors import BadRequest

V1, V2 = "1.0.3", "2.0.0"
SUPPORTED = [V1, V2]
HEADER = "X-Experience-API-Version"

_V1 = re.compile(r"^1\.0(\.\d+)?$")
_V2 = re.compile(r"^2\.0(\.\d+)?$")


def negotiate(value: str | None) -> str:
    """The version to answer in; a missing or unknown header is a 400 (the spec requires the header)."""
    if not value:
        raise BadRequest(f"The {HEADER} header is required.")
    value = value.strip()
    if _V1.match(value):
        return V1
    if _V2.match(value):
        return V2
    raise BadRequest(f"Unsupported {HEADER}: {value!r}. Supported: {', '.join(SUPPORTED)}.")


def is_v2(version: str) -> bool:
    return version.startswith("2.")
