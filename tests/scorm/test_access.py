"""Package files and the player are served only to those who may open the package's lesson."""

import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import PageViewRestriction

from lms.org.services import SECRETARIES
from lms.scorm.package.store import import_package
from tests.factories import MemberFactory, make_course
from tests.scorm import packages
from tests.scorm.conftest import place, web

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_member_gets_the_files_with_a_sandbox_policy(single, learner):
    package, _lesson = single
    page = learner.get(f"/scorm/{package.pk}/content/index.html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert b"window.parent.API" in _body(page)
    assert "sandbox allow-scripts allow-same-origin" in page["Content-Security-Policy"]
    assert page["X-Content-Type-Options"] == "nosniff" and page["X-Frame-Options"] == "SAMEORIGIN"
    manifest = learner.get(f"/scorm/{package.pk}/content/imsmanifest.xml")
    assert manifest.status_code == 200 and manifest["Content-Security-Policy"] == "sandbox"


def test_anonymous_is_sent_to_log_in(single):
    package, _lesson = single
    response = Client().get(f"/scorm/{package.pk}/content/index.html")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().get(f"/scorm/{package.pk}/").status_code == 302


@pytest.mark.parametrize("path", ["../index.html", "one/../index.html", "missing.html", "./index.html", "one"])
def test_odd_paths_are_not_found(multi, learner, path):
    package, _lesson = multi
    assert learner.get(f"/scorm/{package.pk}/content/{path}").status_code == 404


@pytest.fixture
def closed(db):
    course = make_course("书记专题课件")
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get_or_create(name=SECRETARIES)[0])
    return place(packages.scorm12(), course=course)


def test_a_member_outside_the_restriction_gets_nothing(closed, learner):
    package, lesson = closed
    item = package.items.get()
    assert learner.get(f"/scorm/{package.pk}/content/index.html").status_code == 404
    assert learner.get(f"/scorm/{package.pk}/").status_code == 404
    assert learner.get(f"/scorm/items/{item.pk}/launch/").status_code == 404
    assert learner.post(f"/scorm/items/{item.pk}/commit/?t=x", "{}",
                        content_type="application/json").status_code == 403


def test_the_secretary_may(closed):
    package, _lesson = closed
    secretary = MemberFactory()
    secretary.user.groups.add(Group.objects.get_or_create(name=SECRETARIES)[0])
    client = web(secretary)
    assert client.get(f"/scorm/{package.pk}/content/index.html").status_code == 200
    launch = client.get(f"/scorm/items/{package.items.get().pk}/launch/").json()
    done = client.post(launch["commit_url"], {"cmi.core.lesson_status": "completed"}, content_type="application/json")
    assert done.json()["lesson_completed"] is True


def test_an_unpublished_lesson_closes_its_package(single, learner):
    package, lesson = single
    lesson.unpublish()
    assert learner.get(f"/scorm/{package.pk}/content/index.html").status_code == 404


def test_a_package_without_a_lesson_is_for_trainers_only(learner):
    package = import_package(io.BytesIO(packages.scorm12()), filename="x.zip")
    assert learner.get(f"/scorm/{package.pk}/content/index.html").status_code == 404
    trainer = web(MemberFactory(roles=["member", "trainer"]))
    assert trainer.get(f"/scorm/{package.pk}/content/index.html").status_code == 200
    page = trainer.get(f"/scorm/{package.pk}/")
    assert page.status_code == 200 and "data-scorm-player" in page.content.decode()


def test_the_lesson_page_shows_the_player(multi, learner):
    package, lesson = multi
    html = learner.get(lesson.url).content.decode()
    assert 'sandbox="allow-scripts allow-same-origin allow-forms"' in html
    assert "vendor/scorm-again/scorm-again.min.js" in html and "理论学习" in html and "案例分析" in html
    assert "第一单元" in html and "下一节" in html
    assert f'data-start-url="/scorm/items/{package.items.get(title="理论学习").pk}/launch/"' in html


def test_the_lesson_page_starts_at_the_first_sco_not_done(multi, learner):
    package, lesson = multi
    first, second = package.items.filter(is_sco=True).order_by("position")
    launch = learner.get(f"/scorm/items/{first.pk}/launch/").json()
    learner.post(launch["commit_url"], {"cmi.completion_status": "completed"}, content_type="application/json")
    html = learner.get(lesson.url).content.decode()
    assert f'data-start-url="/scorm/items/{second.pk}/launch/"' in html and "已完成" in html


def test_deleting_a_package_removes_its_files(single, django_capture_on_commit_callbacks):
    from pathlib import Path

    from django.conf import settings

    package, _lesson = single
    root = Path(settings.MEDIA_ROOT) / package.storage_dir
    assert root.is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        package.delete()
    assert not root.exists()
