"""Verification codes: 16 characters of base32 (80 random bits from ``secrets``), unguessable, printed in groups
of four (ABCD-EFGH-JKLM-NPQR) and forgiving when typed (case, spaces, dashes, 0/1/8 for O/I/B)."""

from __future__ import annotations

import base64
import re
import secrets

LENGTH = 16
_VALID = re.compile(rf"^[A-Z2-7]{{{LENGTH}}}$")
_TYPO = str.maketrans({"0": "O", "1": "I", "8": "B"})
_SEPARATORS = re.compile(r"[\s\-_.·]+")


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(LENGTH * 5 // 8)).decode("ascii")


def normalize(text) -> str | None:
    """The canonical code typed or scanned, or None when it cannot be one (then nothing is looked up)."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    code = _SEPARATORS.sub("", text).upper().translate(_TYPO)
    return code if _VALID.match(code) else None


def display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
