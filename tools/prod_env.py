"""Write var/prod.env for the local production profile (make run-prod) once: a random SECRET_KEY and the
settings that let config.settings.production run on plain http://127.0.0.1. Never committed (var/)."""

import secrets
import sys
from pathlib import Path

TEMPLATE = """\
# Local production profile (make run-prod). Generated once; edit freely. Database and broker URLs are set by
# tools/local_services.py for the private PostgreSQL and Redis it starts.
DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY={secret}
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:8000,http://localhost:8000
# Plain HTTP on this machine; behind a TLS proxy keep the defaults (redirect, secure cookies, HSTS).
SECURE_SSL_REDIRECT=0
SESSION_COOKIE_SECURE=0
SECURE_HSTS_SECONDS=0
EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
"""


def main(path: str) -> None:
    target = Path(path)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.format(secret=secrets.token_urlsafe(64)), encoding="utf-8")
    target.chmod(0o600)
    print(f"Wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/prod.env")
