"""Trainers upload SCORM packages in the Wagtail admin and place them in a lesson; a refused package says why
in Chinese and leaves nothing behind; members cannot open the admin screens."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lms.scorm.models import ScormPackage
from tests.factories import MemberFactory, make_course, make_lesson
from tests.scorm import packages

pytestmark = pytest.mark.django_db
ADD = "/admin/snippets/scorm/scormpackage/add/"


@pytest.fixture
def trainer(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member = MemberFactory(name="王讲师", roles=["member", "trainer"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(member.user)
    return client


def test_a_trainer_uploads_and_places_a_package(trainer):
    lesson = make_lesson(make_course("课件课程"), "课件课时", rule="scorm")
    assert trainer.get("/admin/snippets/scorm/scormpackage/").status_code == 200
    assert "SCORM 课件包（.zip）" in trainer.get(ADD).content.decode()
    response = trainer.post(ADD, {"title": "", "lesson": lesson.pk,
                                  "upload": SimpleUploadedFile("课件.zip", packages.scorm2004())})
    assert response.status_code == 302, response.content.decode()[:2000]
    package = ScormPackage.objects.get()
    assert (package.title, package.version, package.lesson_id, package.source_name) == (
        "廉政教育（SCORM 2004）", "2004-4", lesson.pk, "课件.zip")
    assert package.items.filter(is_sco=True).count() == 2
    edit = trainer.get(f"/admin/snippets/scorm/scormpackage/edit/{package.pk}/")
    assert edit.status_code == 200
    listing = trainer.get("/admin/snippets/scorm/scormpackage/").content.decode()
    assert "SCORM 2004 第 4 版" in listing and f"/scorm/{package.pk}/" in listing


def test_a_refused_upload_says_why(trainer):
    files = packages.files_12()
    files["../evil.html"] = "x"
    response = trainer.post(ADD, {"title": "", "upload": SimpleUploadedFile("x.zip", packages.zip_bytes(files))})
    assert response.status_code == 200
    assert "指向包外的路径：../evil.html" in response.content.decode()
    assert not ScormPackage.objects.exists()
    missing = trainer.post(ADD, {"title": ""})
    assert "请选择 SCORM .zip 文件。" in missing.content.decode()


def test_the_file_cannot_be_replaced(trainer):
    trainer.post(ADD, {"title": "", "upload": SimpleUploadedFile("x.zip", packages.scorm12())})
    package = ScormPackage.objects.get()
    response = trainer.post(f"/admin/snippets/scorm/scormpackage/edit/{package.pk}/", {
        "title": "新标题", "upload": SimpleUploadedFile("y.zip", packages.scorm12())})
    assert "不能替换" in response.content.decode()


def test_members_cannot_upload(db):
    client = Client()
    client.force_login(MemberFactory().user)
    assert client.get(ADD).status_code in (302, 403)
    assert client.post(ADD, {"upload": SimpleUploadedFile("x.zip", packages.scorm12())}).status_code in (302, 403)
    assert not ScormPackage.objects.exists()


def test_the_upload_cap_is_the_interactive_packages_one():
    from lms.common.uploads import cap_bytes, kind_of

    assert kind_of(ADD) == "h5p" and cap_bytes("h5p") >= 200 * 1024 * 1024
