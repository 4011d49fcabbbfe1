"""A real Celery worker or web server started by a test (tests/live.py).

It uses the test's database as its main database (``LMS_TEST_DB``: a SQLite file or a database URL) and,
for a worker, a private filesystem broker; both are passed in through the environment.
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
