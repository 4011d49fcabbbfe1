"""The demo step adds one SCORM lesson, once, and its package completes that lesson."""

import json

import pytest
from django.test import Client

from lms.progress.models import LessonProgress
from lms.scorm import demo
from lms.scorm.models import ScormPackage
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_demo_lesson_is_added_once_and_completes():
    first = demo.seed()
    assert demo.seed() == first and ScormPackage.objects.count() == 1
    package = ScormPackage.objects.get()
    assert (package.version, package.lesson_id, package.title) == ("1.2", first["lesson"], "中共一大（SCORM 课件）")
    member = MemberFactory()
    client = Client()
    client.force_login(member.user)
    launch = client.get(f"/scorm/items/{package.items.get().pk}/launch/").json()
    assert "LMSCommit" in b"".join(client.get(launch["src"]).streaming_content).decode()
    done = client.post(launch["commit_url"], json.dumps({"cmi.core.lesson_status": "completed",
                                                         "cmi.core.lesson_location": "2"}),
                       content_type="application/json").json()
    assert done["lesson_completed"] is True
    assert LessonProgress.objects.filter(member=member, lesson_id=first["lesson"], completed_at__isnull=False).exists()
