"""The commit URL's token: the runtime's last commit (at LMSFinish / Terminate) goes out by sendBeacon, which
cannot carry the CSRF header, so the commit endpoint takes a token of its own in its URL instead. It is an HMAC
of the user, the SCO and the session, so it cannot be guessed, is useless in another member's session and dies
with the session, which is what the CSRF token gives."""

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "lms.scorm.commit"


def commit_token(request, item_id: int) -> str:
    key = request.session.session_key or ""
    return salted_hmac(SALT, f"{request.user.pk}:{item_id}:{key}", algorithm="sha256").hexdigest()[:40]


def check(request, item_id: int, token: str) -> bool:
    return bool(request.session.session_key) and constant_time_compare(commit_token(request, item_id), token or "")
