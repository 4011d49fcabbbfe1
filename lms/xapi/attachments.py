"""Attachments: multipart/mixed requests and responses, and the checks of signed statements.

A multipart request's first part holds the statement(s) as JSON; each further part is the raw content of one
attachment, named by its ``X-Experience-API-Hash`` (the attachment's sha2). Every attachment without a fileUrl
needs its part, and every part must belong to an attachment. A signature attachment is a JWS (compact
serialisation) whose payload must be the statement itself; its RSA signature is not verified here (that needs
the signer's certificate and a crypto library), only its form and algorithm, as the spec's MUSTs require.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid

from .errors import BadRequest
from .statement_compare import comparable
from .validation import SIGNATURE

HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}
JWS_ALGORITHMS = {"RS256", "RS384", "RS512"}
SIGNATURE_IGNORED = {"id", "authority", "stored", "timestamp", "version", "attachments"}


def _boundary(content_type_header: str) -> bytes:
    match = re.search(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', content_type_header, re.IGNORECASE)
    if not match:
        raise BadRequest("A multipart/mixed request needs a boundary parameter.")
    return (match.group(1) or match.group(2)).encode("latin-1")


def _part(raw: bytes) -> tuple[dict[str, str], bytes]:
    if raw.startswith(b"\r\n"):
        raw = raw[2:]
    elif raw.startswith(b"\n"):
        raw = raw[1:]
    for sep in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(sep)
        if found:
            break
    else:
        raise BadRequest("A multipart part has no blank line after its headers.")
    headers = {}
    for line in re.split(rb"\r?\n", head):
        if not line.strip():
            continue
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            raise BadRequest(f"Malformed multipart header {line[:80]!r}.")
        headers[name.strip().lower()] = value.strip()
    return headers, body


def parse_multipart(body: bytes, content_type_header: str) -> tuple[bytes, list[tuple[dict, bytes]]]:
    """(the statement part's bytes, [(headers, content)] of the attachment parts)."""
    delimiter = b"--" + _boundary(content_type_header)
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise BadRequest("The multipart body has no parts.")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        elif chunk.endswith(b"\n"):
            chunk = chunk[:-1]
        parts.append(_part(chunk))
    if not parts:
        raise BadRequest("The multipart body has no parts.")
    first_headers, first = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise BadRequest("The first part of a multipart statement request must be application/json.")
    return first, parts[1:]


def _attachments_of(statements: list[dict]):
    for st in statements:
        yield from st.get("attachments") or []
        obj = st.get("object") or {}
        if obj.get("objectType") == "SubStatement":
            yield from obj.get("attachments") or []


def collect(statements: list[dict], parts: list[tuple[dict, bytes]], version: str) -> dict[str, tuple[str, bytes]]:
    """Match the parts to the statements' attachments: {sha2: (contentType, content)}, or a 400."""
    declared = {a["sha2"].lower(): a for a in _attachments_of(statements)}
    contents: dict[str, tuple[str, bytes]] = {}
    for headers, content in parts:
        sha2 = headers.get("x-experience-api-hash", "").lower()
        if not sha2:
            raise BadRequest("Each attachment part needs an X-Experience-API-Hash header.")
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            raise BadRequest("Each attachment part needs 'Content-Transfer-Encoding: binary'.")
        if sha2 not in declared:
            raise BadRequest(f"The part with hash {sha2} belongs to no attachment of the statements.")
        algorithm = HASHES.get(len(sha2))
        if algorithm is None or algorithm(content).hexdigest() != sha2:
            raise BadRequest(f"The content of the part with hash {sha2} does not have that hash.")
        contents[sha2] = (headers.get("content-type", declared[sha2]["contentType"]), content)
    for a in _attachments_of(statements):
        if "fileUrl" not in a and a["sha2"].lower() not in contents:
            raise BadRequest(f"The attachment with sha2 {a['sha2']} has neither a fileUrl nor a part.")
    for st in statements:
        for a in st.get("attachments") or []:
            if a["usageType"] == SIGNATURE:
                check_signature(st, a, contents.get(a["sha2"].lower()))
    return contents


def require_file_urls(statements: list[dict]) -> None:
    """A plain JSON request has no parts, so every attachment must point to its file."""
    for a in _attachments_of(statements):
        if "fileUrl" not in a:
            raise BadRequest("Attachments without a fileUrl must be sent as multipart/mixed with their content.")


def _b64(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise BadRequest("The signature is not a valid JWS.") from None


def _comparable(st: dict) -> dict:
    return comparable(st, SIGNATURE_IGNORED)


def check_signature(st: dict, attachment: dict, part: tuple[str, bytes] | None) -> None:
    if attachment["contentType"].split(";")[0].strip().lower() != "application/octet-stream":
        raise BadRequest("A signature attachment's contentType must be application/octet-stream.")
    if part is None:
        raise BadRequest("A signature attachment must be sent as a part of the request.")
    try:
        token = part[1].decode("ascii").strip()
    except UnicodeDecodeError:
        raise BadRequest("The signature is not a valid JWS.") from None
    segments = token.split(".")
    if len(segments) != 3:
        raise BadRequest("The signature is not a JWS in compact serialisation.")
    try:
        header = json.loads(_b64(segments[0]))
        payload = json.loads(_b64(segments[1]))
    except ValueError:
        raise BadRequest("The signature's header or payload is not JSON.") from None
    if not isinstance(header, dict) or header.get("alg") not in JWS_ALGORITHMS:
        raise BadRequest("A statement signature must use RS256, RS384 or RS512.")
    if not isinstance(payload, dict):
        raise BadRequest("The signature's payload is not a statement.")
    if "id" in payload and "id" in st and str(payload["id"]).lower() != str(st["id"]).lower():
        raise BadRequest("The signature's payload is another statement.")
    if _comparable(payload) != _comparable(st):
        raise BadRequest("The signature's payload does not match the statement.")


def multipart_response(document: bytes, contents: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON document, then each (sha2, contentType, content)."""
    boundary = uuid.uuid4().hex
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), document, b"\r\n"]
    for sha2, ctype, content in contents:
        out.append(f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
                   f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode())
        out.append(content)
        out.append(b"\r\n")
    out.append(f"--{boundary}--".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"
