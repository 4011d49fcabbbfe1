import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.quizzes.models import H5PPackage, Question
from tests.factories import UserFactory
from tests.quizzes.factories import build_h5p, question, quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["question", "questioncategory", "quiz", "h5ppackage"])
def test_admin_listing_and_add_pages_render(admin_client, model):
    question("single", "列表里的题")
    quiz([question("true_false", "判断", correct_true=True)])
    assert admin_client.get(f"/admin/snippets/quizzes/{model}/").status_code == 200
    assert admin_client.get(f"/admin/snippets/quizzes/{model}/add/").status_code == 200


def _choices(rows):
    data = {"choices-TOTAL_FORMS": str(len(rows)), "choices-INITIAL_FORMS": "0", "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "1000"}
    for i, (text, correct) in enumerate(rows):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-ORDER"] = str(i + 1)
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data


def test_admin_question_form_checks_the_options(admin_client):
    cat = question("true_false", "x", correct_true=True).category
    base = {"qtype": "single", "text": "根本宗旨？", "category": str(cat.pk), "difficulty": "2", "points": "1",
            "is_active": "on", "tags": "", "correct_true": "", "accepted_answers": "", "reference_answer": "",
            "explanation": ""}
    bad = admin_client.post("/admin/snippets/quizzes/question/add/", {**base, **_choices([("甲", True), ("乙", True)])})
    assert bad.status_code == 200
    assert not Question.objects.filter(text="根本宗旨？").exists()
    good = admin_client.post("/admin/snippets/quizzes/question/add/",
                             {**base, **_choices([("甲", True), ("乙", False)])})
    assert good.status_code == 302, good.content.decode()[:2000]
    created = Question.objects.get(text="根本宗旨？")
    assert [c.is_correct for c in created.choices.all()] == [True, False]
    assert created.created_by.username == "boss"


def test_admin_h5p_upload(admin_client):
    refused = admin_client.post("/admin/snippets/quizzes/h5ppackage/add/", {
        "title": "", "pass_percent": "0",
        "upload": SimpleUploadedFile("x.h5p", build_h5p(extra={"../evil.js": b"1"}))})
    assert refused.status_code == 200 and not H5PPackage.objects.exists()
    assert "evil.js" in refused.content.decode()
    ok = admin_client.post("/admin/snippets/quizzes/h5ppackage/add/", {
        "title": "互动题", "pass_percent": "0", "upload": SimpleUploadedFile("x.h5p", build_h5p())})
    assert ok.status_code == 302
    package = H5PPackage.objects.get()
    assert package.title == "互动题" and package.main_library == "H5P.LmsFixtureQuestion 1.0"
