"""Attachments: multipart/mixed in and out, fileUrl-only JSON, hashes, and signed statements' checks."""

import base64
import hashlib
import json

import pytest

from lms.xapi.models import AttachmentContent

from .statement_data import statement

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"
BOUNDARY = "abcABC0123"
TEXT_USAGE = "http://example.com/attachment-usage/test"


def attachment(content: bytes, **extra) -> dict:
    return {"usageType": TEXT_USAGE, "display": {"zh-CN": "附件"}, "contentType": "text/plain",
            "length": len(content), "sha2": hashlib.sha256(content).hexdigest(), **extra}


def multipart(document, parts, *, encoding=True) -> bytes:
    out = [f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode(), json.dumps(document).encode(),
           b"\r\n"]
    for content, sha2 in parts:
        head = f"--{BOUNDARY}\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: {sha2}\r\n"
        if encoding:
            head += "Content-Transfer-Encoding: binary\r\n"
        out += [(head + "\r\n").encode(), content, b"\r\n"]
    out.append(f"--{BOUNDARY}--".encode())
    return b"".join(out)


CT = f"multipart/mixed; boundary={BOUNDARY}"


def test_multipart_round_trip(xapi):
    content = "这是附件".encode()
    st = statement(attachments=[attachment(content)])
    response = xapi.post(URL, multipart(st, [(content, hashlib.sha256(content).hexdigest())]), content_type=CT)
    assert response.status_code == 200, response.content
    [sid] = json.loads(response.content)
    assert bytes(AttachmentContent.objects.get().content) == content
    got = xapi.get(URL, {"statementId": sid, "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed; boundary=")
    assert content in got.content
    assert hashlib.sha256(content).hexdigest().encode() in got.content
    plain = xapi.get(URL, {"statementId": sid})
    assert plain["Content-Type"] == "application/json"


def test_attachment_errors(xapi):
    content = b"hello"
    sha = hashlib.sha256(content).hexdigest()
    st = statement(attachments=[attachment(content)])
    assert xapi.post(URL, st).status_code == 400  # JSON without a fileUrl
    assert xapi.post(URL, statement(attachments=[attachment(content, fileUrl="http://example.com/f")])).status_code \
        == 200
    assert xapi.post(URL, multipart(st, []), content_type=CT).status_code == 400  # missing part
    assert xapi.post(URL, multipart(st, [(b"other", sha)]), content_type=CT).status_code == 400  # wrong hash
    assert xapi.post(URL, multipart(st, [(content, sha)], encoding=False), content_type=CT).status_code == 400
    stray = hashlib.sha256(b"x").hexdigest()
    assert xapi.post(URL, multipart(st, [(content, sha), (b"x", stray)]), content_type=CT).status_code == 400
    assert xapi.post(URL, b"garbage", content_type="multipart/mixed").status_code == 400


def _jws(payload: dict, alg: str = "RS256") -> bytes:
    def enc(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{enc({'alg': alg})}.{enc(payload)}.c2lnbmF0dXJl".encode()


def _signed(st: dict, token: bytes, content_type="application/octet-stream") -> bytes:
    att = {"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "Signature"},
           "contentType": content_type, "length": len(token), "sha2": hashlib.sha256(token).hexdigest()}
    return multipart(dict(st, attachments=[att]), [(token, att["sha2"])])


def test_signed_statements(xapi):
    st = statement(id="5a0b1c1e-6a3b-4e2f-9a55-3f7c2d1e0b11")
    assert xapi.post(URL, _signed(st, _jws(st)), content_type=CT).status_code == 200
    other = statement(id="6a0b1c1e-6a3b-4e2f-9a55-3f7c2d1e0b11")
    assert xapi.post(URL, _signed(other, _jws(other, "HS256")), content_type=CT).status_code == 400
    changed = dict(other, verb={"id": "http://example.com/verbs/other"})
    assert xapi.post(URL, _signed(other, _jws(changed)), content_type=CT).status_code == 400
    assert xapi.post(URL, _signed(other, b"not-a-jws"), content_type=CT).status_code == 400
    assert xapi.post(URL, _signed(other, _jws(other), "text/plain"), content_type=CT).status_code == 400
