"""An organization with two branches, their secretaries, HR and members; a certificate template with a seal, and
courses that issue certificates."""

import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from lms.certificates.models import CertificateProgramme, CertificateTemplate, CourseCertificate
from lms.org.groups import sync_user_groups
from lms.progress import services as progress
from tests.factories import MemberFactory, make_course, make_lesson, org_unit


def png_bytes(size=(120, 120), fmt="PNG", color=(200, 22, 29, 255)) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, color if mode == "RGBA" else color[:3]).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def org(db):
    return {
        "root": org_unit("公司党委"),
        "branch1": org_unit("公司党委/第一党支部"),
        "branch2": org_unit("公司党委/第二党支部"),
    }


@pytest.fixture
def people(org):
    people = {
        "hr": MemberFactory(org_unit=org["root"], roles=["member", "hr"]),
        "sec1": MemberFactory(org_unit=org["branch1"], roles=["member", "branch_secretary"]),
        "m1": MemberFactory(org_unit=org["branch1"], roles=["member"], name="张卫国", employee_no="E90001",
                            email="zhang@example.com", phone="13800000000"),
        "sec2": MemberFactory(org_unit=org["branch2"], roles=["member", "branch_secretary"]),
        "m2": MemberFactory(org_unit=org["branch2"], roles=["member"]),
    }
    for member in people.values():
        sync_user_groups(member)  # the staff groups of their roles (HR, secretaries), as a role change gives them
    return people


@pytest.fixture
def template(db):
    tpl = CertificateTemplate(name="公司党委结业证书", organization="示例集团有限公司党委", title="结业证书",
                              signatory="党委组织部")
    tpl.seal.save("seal.png", ContentFile(png_bytes()), save=False)
    tpl.save()
    return tpl


def course_with_lessons(title, hours="8", lessons=2):
    course = make_course(title, credit_hours=hours)
    for _ in range(lessons):
        make_lesson(course)
    return course


@pytest.fixture
def course(template):
    course = course_with_lessons("党章党规学习", hours="8")
    CourseCertificate.objects.create(course=course, template=template)
    return course


@pytest.fixture
def programme(template):
    first = course_with_lessons("党史学习教育", hours="6", lessons=1)
    second = course_with_lessons("廉洁从业警示教育", hours="4.5", lessons=1)
    programme = CertificateProgramme.objects.create(title="党性教育专题培训班", template=template)
    programme.courses.set([first, second])
    return programme


@pytest.fixture
def complete(django_capture_on_commit_callbacks):
    """Complete every lesson of a course as the member, running what happens after commit (the signal)."""

    def run(member, course):
        with django_capture_on_commit_callbacks(execute=True):
            progress.enroll(member, course)
            for lesson in course.lessons:
                progress.complete_lesson(member, lesson)

    return run


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client
