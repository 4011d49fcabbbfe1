import os
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file-backed test database, so tests with threads or a real Celery worker
# process see the same data as the test itself.
# One file per test process (several runs may share a checkout); a worker
# subprocess started by a test is pointed at the same file through LMS_TEST_DB.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("LMS_TEST_DB") or str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")
}
# The same suite on PostgreSQL (make test runs it through tools/local_services.py): one test database per
# test process, named after it.
if os.environ.get("LMS_TEST_DATABASE_URL"):
    DATABASES["default"] = dj_database_url.parse(os.environ["LMS_TEST_DATABASE_URL"])
    DATABASES["default"]["TEST"] = {"NAME": f"test_lms_{os.getpid()}"}

MEDIA_ROOT = Path(os.environ.get("LMS_TEST_MEDIA") or VAR_DIR / f"test-media-{os.getpid()}")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No API throttling in the suite: it makes hundreds of calls a minute from one address, as users whose ids
# repeat from test to test (rolled-back rows), and the schema fuzz test hammers a live server. The throttles are
# proven with low rates in tests/accounts/test_api_tokens.py.
LMS_API_ANON_RATE = None
LMS_API_USER_RATE = None

# Members' xAPI accounts in the tests (lms.xapi): a fixed home page the emission tests compare with.
LMS_XAPI_HOME_PAGE = "https://lms.invalid"
