"""Lesson completion rules are registered by the apps that judge them; the catalog keeps no list of its own."""

import pytest
from django.core.exceptions import ValidationError

from lms.catalog import completion
from lms.catalog.models import LessonPage


def test_progress_quizzes_and_evaluation_register_their_rules_in_order():
    assert [code for code, _label in completion.choices()] == ["video", "confirm", "quiz", "h5p", "scorm", "survey"]
    assert dict(LessonPage._meta.get_field("completion_rule").choices)["quiz"]


@pytest.mark.django_db
def test_a_rule_nobody_registered_is_refused():
    field = LessonPage._meta.get_field("completion_rule")
    with pytest.raises(ValidationError):
        field.clean("attendance", LessonPage(title="x"))
    completion.register("attendance", "到场签到", order=50)
    try:
        assert field.clean("attendance", LessonPage(title="x")) == "attendance"
    finally:
        completion._rules.pop("attendance")
