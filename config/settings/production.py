"""Production profile: everything comes from the environment.

A missing secret stops start-up with a clear message instead of running with
an unsafe default.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_TRANSPORT_OPTIONS, STORAGES, VAR_DIR


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} must be set in production.")
    return value


def strong_secret(name: str) -> str:
    """At least 50 characters with some variety, and not a development key: Django's own deploy check rule,
    enforced at start-up instead of printed as a warning."""
    value = require_env(name)
    if len(value) < 50 or len(set(value)) < 5 or "insecure" in value or value.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            f"{name} is too weak for production: use at least 50 random characters, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )
    return value


def env_flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


DEBUG = False
SECRET_KEY = strong_secret("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in require_env("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

DATABASES = {"default": dj_database_url.parse(require_env("DATABASE_URL"), conn_max_age=600)}

# The default cache holds the API throttle counters (lms.common.api_throttles), which every web process must share:
# Redis at CACHE_URL or REDIS_URL (redis://, rediss:// or unix://); without one, a file cache under var/ that
# the processes of one host share (a deployment on several hosts needs Redis).
_CACHE_URL = os.environ.get("CACHE_URL", "").strip() or os.environ.get("REDIS_URL", "").strip()
if _CACHE_URL:
    if not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL/REDIS_URL must be a redis://, rediss:// or unix:// address.")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "lms")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 20_000}}}

CELERY_BROKER_URL = require_env("CELERY_BROKER_URL")
if not CELERY_BROKER_URL.startswith("filesystem"):
    # A task's message stays on Redis, unacknowledged, until the task ends (acks_late); a worker killed mid-task
    # never acknowledges it, and Redis hands it to another worker after the visibility timeout. That timeout
    # must outlast the longest task (transcription: 8 h 5 min hard limit), or a healthy long run would be
    # handed out twice. Dead workers' runs are picked up sooner by media_pipeline.resume_stalled (beat).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 9 * 3600)),
        "socket_timeout": 30,
        "socket_connect_timeout": 10,
        "socket_keepalive": True,
        "health_check_interval": 30,
    }

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
if os.environ.get("MEDIA_STORAGE", "local") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": require_env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": require_env("AWS_ACCESS_KEY_ID"),
            "secret_key": require_env("AWS_SECRET_ACCESS_KEY"),
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif os.environ.get("MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["MEDIA_ROOT"]

# Imports by URL: MEDIA_IMPORT_ALLOWED_HOSTS, MEDIA_IMPORT_MAX_BYTES, MEDIA_IMPORT_CONNECT_TIMEOUT and
# MEDIA_IMPORT_TOTAL_TIMEOUT are read from the environment in base.py (inherited here). Without an allow-list
# the worker fetches public addresses only; list the intranet video servers that replays come from.

if os.environ.get("ELASTICSEARCH_URL"):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": os.environ.get("WAGTAILSEARCH_BACKEND", "wagtail.search.backends.elasticsearch8"),
            "URLS": [os.environ["ELASTICSEARCH_URL"]],
            "INDEX": os.environ.get("ELASTICSEARCH_INDEX", "lms"),
        }
    }

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"

# HTTPS only. Behind a TLS-terminating proxy that sets X-Forwarded-Proto; the local production profile on
# 127.0.0.1 (make run-prod) turns the redirect and secure cookies off through the same variables.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # our own player pages that frame our content opt in with SAMEORIGIN
