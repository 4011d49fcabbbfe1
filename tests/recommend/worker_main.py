"""A Celery worker on the test database file named by ``LMS_TEST_DB`` (started by test_worker.py).

Test settings only name that file as the *test* database; a worker process is not a test run,
so point its default connection at the file before Django connects.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = os.environ["LMS_TEST_DB"]
    import django

    django.setup()
    from config.celery import app

    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
