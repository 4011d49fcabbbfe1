from decimal import Decimal

import pytest

from lms.quizzes.grading import ResponseError, clean_response, grade, normalize_text
from tests.quizzes.factories import correct_choice_ids, question

pytestmark = pytest.mark.django_db


def _grade(q, data, points="2"):
    return grade(q, clean_response(q, data), Decimal(points))


def test_single_choice_is_all_or_nothing():
    q = question("single")
    right = correct_choice_ids(q)[0]
    wrong = next(c.pk for c in q.choices.all() if not c.is_correct)
    assert _grade(q, {"choice": right}) == (Decimal("2"), True)
    assert _grade(q, {"choices": [wrong]}) == (Decimal("0"), False)
    assert _grade(q, {}) == (Decimal("0"), False)
    with pytest.raises(ResponseError):
        clean_response(q, {"choices": [right, wrong]})


def test_multiple_choice_needs_exactly_the_correct_set():
    q = question("multiple")
    right = correct_choice_ids(q)
    assert len(right) == 2
    wrong = next(c.pk for c in q.choices.all() if not c.is_correct)
    assert _grade(q, {"choices": list(reversed(right))}) == (Decimal("2"), True)
    assert _grade(q, {"choices": right[:1]}) == (Decimal("0"), False)  # missing one
    assert _grade(q, {"choices": right + [wrong]}) == (Decimal("0"), False)  # one too many


def test_choices_of_another_question_are_refused():
    q = question("single")
    other = question("single", "别的题")
    with pytest.raises(ResponseError):
        clean_response(q, {"choices": correct_choice_ids(other)})
    with pytest.raises(ResponseError):
        clean_response(q, {"choices": ["1"]})


def test_true_false():
    q = question("true_false", correct_true=False)
    assert _grade(q, {"value": False}) == (Decimal("2"), True)
    assert _grade(q, {"value": True}) == (Decimal("0"), False)
    with pytest.raises(ResponseError):
        clean_response(q, {"value": "false"})


def test_fill_in_the_blank_is_case_and_width_insensitive_with_alternatives():
    q = question("fill_blank", accepted="全心全意为人民服务|为人民服务\nCPC")
    assert _grade(q, {"blanks": ["为人民服务", "cpc"]}) == (Decimal("2"), True)
    # Full-width letters and extra spaces still match.
    assert _grade(q, {"blanks": [" 全心全意为人民服务 ", "ＣＰＣ"]}) == (Decimal("2"), True)
    # One of two blanks right: half the points.
    assert _grade(q, {"blanks": ["发展经济", "cpc"]}) == (Decimal("1.0"), False)
    assert _grade(q, {"blanks": ["", ""]}) == (Decimal("0"), False)
    with pytest.raises(ResponseError):
        clean_response(q, {"blanks": ["a", "b", "c"]})


def test_normalize_text():
    assert normalize_text("  ＡＢＣ　１２ ") == "abc 12"
    assert normalize_text("Party\tMember") == "party member"


def test_short_answer_waits_for_a_trainer_unless_empty():
    q = question("short_answer")
    assert _grade(q, {"text": "组织召开支部党员大会"}) == (None, None)
    assert _grade(q, {"text": "   "}) == (Decimal("0"), False)
