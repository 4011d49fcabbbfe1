"""A real Celery worker or web server started by a test (tests/live.py).

It uses the test's database as its main database (``LMS_TEST_DB``: a SQLite file or a database URL) and,
for a worker, the test's broker (Redis under a key prefix, or a private filesystem folder); both are passed in
through the environment.
"""

import os
from pathlib import Path

import dj_database_url

from .test import *  # noqa: F403
from .test import DATABASES, VAR_DIR

if "://" in os.environ["LMS_TEST_DB"]:
    DATABASES["default"] = dj_database_url.parse(os.environ["LMS_TEST_DB"])
else:
    DATABASES["default"]["NAME"] = os.environ["LMS_TEST_DB"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
if os.environ.get("LMS_TEST_BROKER_URL"):  # Redis, under the test's own key prefix (tests.live.Broker)
    CELERY_BROKER_URL = os.environ["LMS_TEST_BROKER_URL"]
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": os.environ["LMS_TEST_BROKER_PREFIX"]}
    if os.environ.get("LMS_TEST_VISIBILITY_TIMEOUT"):
        CELERY_BROKER_TRANSPORT_OPTIONS.update(visibility_timeout=int(os.environ["LMS_TEST_VISIBILITY_TIMEOUT"]),
                                               unacked_restore_interval=1, unacked_restore_throttle=1)
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker = Path(os.environ.get("LMS_TEST_BROKER_DIR") or VAR_DIR / "test-broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
if os.environ.get("LMS_TEST_WORK_DIR"):
    MEDIA_PIPELINE_WORK_DIR = Path(os.environ["LMS_TEST_WORK_DIR"])
if os.environ.get("LMS_TEST_STALL_SECONDS"):
    MEDIA_PIPELINE_STALL_SECONDS = int(os.environ["LMS_TEST_STALL_SECONDS"])
