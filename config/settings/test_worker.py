"""A real Celery worker started by a test (tests/media_pipeline/test_worker.py).

It uses the test's database file as its main database and a private
filesystem broker, both passed in through the environment.
"""

import os
from pathlib import Path

from .test import *  # noqa: F403
from .test import DATABASES

DATABASES["default"]["NAME"] = os.environ["LMS_TEST_DB"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_URL = "filesystem://"
_broker = Path(os.environ["LMS_TEST_BROKER_DIR"])
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
