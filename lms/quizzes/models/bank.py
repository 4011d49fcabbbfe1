"""The question bank: categories, questions of five types, their options and tags."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index


class QuestionCategory(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self):
        return self.name


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    FILL_BLANK = "fill_blank", _("Fill in the blank")
    SHORT_ANSWER = "short_answer", _("Short answer")


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("quizzes.Question", related_name="tagged_items", on_delete=models.CASCADE)


class Question(index.Indexed, ClusterableModel):
    """One question. Choice questions have options; the others keep their answer on the question."""

    qtype = models.CharField(_("question type"), max_length=20, choices=QuestionType.choices,
                             default=QuestionType.SINGLE, db_index=True)
    text = models.TextField(_("question"))
    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="questions",
                                 verbose_name=_("category"))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices,
                                                  default=Difficulty.MEDIUM, db_index=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.5"))])
    correct_true = models.BooleanField(
        _("the statement is true"), null=True, blank=True,
        help_text=_("True/false questions only."),
    )
    accepted_answers = models.TextField(
        _("accepted answers"), blank=True,
        help_text=_("Fill in the blank only: one line per blank; separate alternative answers with |. "
                    "Case and full/half width are ignored."),
    )
    reference_answer = models.TextField(
        _("reference answer"), blank=True, help_text=_("Short answer only: shown to the trainer who grades it."),
    )
    explanation = models.TextField(_("explanation"), blank=True,
                                   help_text=_("Shown to members after they submit, as the quiz allows."))
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("tags"))
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Inactive questions are never drawn into new attempts."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        MultiFieldPanel([FieldPanel("qtype"), FieldPanel("category"), FieldPanel("difficulty"),
                         FieldPanel("points"), FieldPanel("tags"), FieldPanel("is_active")],
                        heading=_("Classification")),
        FieldPanel("text"),
        InlinePanel("choices", label=_("Options (single and multiple choice)")),
        FieldPanel("correct_true"),
        FieldPanel("accepted_answers"),
        FieldPanel("reference_answer"),
        FieldPanel("explanation"),
    ]
    search_fields = [
        index.SearchField("text"),
        index.AutocompleteField("text"),
        index.FilterField("qtype"),
        index.FilterField("difficulty"),
        index.FilterField("category_id"),
    ]

    class Meta:
        ordering = ["category__name", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["category", "difficulty", "is_active"])]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:59] + "…"

    @property
    def is_choice(self) -> bool:
        return self.qtype in CHOICE_TYPES

    @property
    def needs_manual_grading(self) -> bool:
        return self.qtype == QuestionType.SHORT_ANSWER

    def blanks(self) -> list[list[str]]:
        """Accepted answers per blank: [["为人民服务", "全心全意为人民服务"], ...]."""
        return parse_blanks(self.accepted_answers)

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = validate_question_fields(self.qtype, self.correct_true, self.accepted_answers)
        if errors:
            raise ValidationError(errors)


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text


def parse_blanks(text: str) -> list[list[str]]:
    blanks = []
    for line in (text or "").splitlines():
        alternatives = [a.strip() for a in line.replace("｜", "|").split("|") if a.strip()]
        if alternatives:
            blanks.append(alternatives)
    return blanks


def validate_question_fields(qtype, correct_true, accepted_answers) -> dict:
    """Checks on the question's own fields (options are checked where they are edited)."""
    errors = {}
    if qtype == QuestionType.TRUE_FALSE and correct_true is None:
        errors["correct_true"] = _("Say whether the statement is true or false.")
    if qtype == QuestionType.FILL_BLANK and not parse_blanks(accepted_answers):
        errors["accepted_answers"] = _("Give at least one accepted answer.")
    return errors


def validate_choices(qtype, choices: list[tuple[str, bool]]) -> str | None:
    """Return an error message when the options do not fit the question type, else None."""
    texts = [t.strip() for t, _c in choices]
    correct = sum(1 for _t, c in choices if c)
    if qtype in CHOICE_TYPES:
        if len(choices) < 2:
            return _("A choice question needs at least two options.")
        if any(not t for t in texts):
            return _("An option is empty.")
        if len(set(texts)) != len(texts):
            return _("Two options have the same text.")
        if qtype == QuestionType.SINGLE and correct != 1:
            return _("A single-choice question needs exactly one correct option.")
        if qtype == QuestionType.MULTIPLE and correct < 1:
            return _("A multiple-choice question needs at least one correct option.")
    elif choices:
        return _("Only single and multiple choice questions have options.")
    return None
