"""Checking and grading one answer. Pure functions of a question and a response.

Responses are JSON objects:
  single / multiple choice  {"choices": [option id, ...]}   ({"choice": id} is accepted too)
  true or false             {"value": true | false}
  fill in the blank         {"blanks": ["text for blank 1", ...]}
  short answer              {"text": "..."}
Choice and true/false questions are all or nothing; fill-in-the-blank earns a
share of the points per correct blank; short answers wait for a trainer.
"""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import Question, QuestionType

MAX_TEXT = 5000
MAX_BLANK = 200


class ResponseError(ValueError):
    pass


def normalize_text(value: str) -> str:
    """Case-, width- and spacing-insensitive form: ＡＢＣ　１ → "abc 1"."""
    value = unicodedata.normalize("NFKC", value or "").casefold()
    return " ".join(value.split())


def clean_response(question: Question, data, option_ids: list[int] | None = None) -> dict | None:
    """Validate a response's shape for the question; None means "no answer"."""
    if data is None or data == {}:
        return None
    if not isinstance(data, dict):
        raise ResponseError(_("An answer must be a JSON object."))
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        raw = data.get("choices", [data["choice"]] if "choice" in data else None)
        if raw is None:
            raise ResponseError(_("Choose an option."))
        if not isinstance(raw, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in raw):
            raise ResponseError(_("Options must be given by their ids."))
        allowed = set(option_ids if option_ids is not None else question.choices.values_list("pk", flat=True))
        chosen = sorted(set(raw))
        if any(c not in allowed for c in chosen):
            raise ResponseError(_("That option does not belong to this question."))
        if qtype == QuestionType.SINGLE and len(chosen) > 1:
            raise ResponseError(_("Choose only one option."))
        return {"choices": chosen} if chosen else None
    if qtype == QuestionType.TRUE_FALSE:
        value = data.get("value")
        if value is None:
            return None
        if not isinstance(value, bool):
            raise ResponseError(_("Answer true or false."))
        return {"value": value}
    if qtype == QuestionType.FILL_BLANK:
        blanks = data.get("blanks")
        if not isinstance(blanks, list) or not all(isinstance(b, str) for b in blanks):
            raise ResponseError(_("Fill in the blanks with text."))
        expected = max(1, len(question.blanks()))
        if len(blanks) > expected:
            raise ResponseError(_("This question has %(n)d blank(s).") % {"n": expected})
        if any(len(b) > MAX_BLANK for b in blanks):
            raise ResponseError(_("An answer to a blank is too long."))
        blanks = [b.strip() for b in blanks] + [""] * (expected - len(blanks))
        return {"blanks": blanks} if any(blanks) else None
    text = data.get("text")
    if not isinstance(text, str):
        raise ResponseError(_("Write your answer as text."))
    if len(text) > MAX_TEXT:
        raise ResponseError(_("The answer is longer than %(n)d characters.") % {"n": MAX_TEXT})
    return {"text": text} if text.strip() else None


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def grade(question: Question, response: dict | None, points: Decimal) -> tuple[Decimal | None, bool | None]:
    """(score, correct) for an automatically graded question; (None, None) when a trainer must grade it."""
    points = Decimal(points)
    qtype = question.qtype
    if qtype == QuestionType.SHORT_ANSWER:
        if response is None:
            return Decimal("0"), False
        return None, None
    if response is None:
        return Decimal("0"), False
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        ok = set(response.get("choices", [])) == correct
        return (points if ok else Decimal("0")), ok
    if qtype == QuestionType.TRUE_FALSE:
        ok = response.get("value") is question.correct_true
        return (points if ok else Decimal("0")), ok
    # Fill in the blank: each blank matches any of its accepted answers.
    accepted = [{normalize_text(a) for a in alternatives} for alternatives in question.blanks()]
    given = response.get("blanks", [])
    hits = sum(1 for i, alternatives in enumerate(accepted)
               if i < len(given) and normalize_text(given[i]) in alternatives)
    if not accepted:
        return Decimal("0"), False
    return _quantize(points * hits / len(accepted)), hits == len(accepted)
