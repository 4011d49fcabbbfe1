"""Quizzes (in a lesson or standalone), exam pages, attempts and their answers."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .bank import Difficulty, Question, QuestionCategory, QuestionType


class Quiz(ClusterableModel):
    """Settings and question selection shared by lesson quizzes and exams."""

    class Kind(models.TextChoices):
        QUIZ = "quiz", _("Quiz")
        EXAM = "exam", _("Exam")

    class ShowAnswers(models.TextChoices):
        AFTER_SUBMIT = "after_submit", _("After each submission")
        AFTER_FINAL = "after_final", _("After passing or using the last attempt")
        AFTER_CLOSE = "after_close", _("After the quiz closes")
        NEVER = "never", _("Never")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUIZ)
    description = models.TextField(_("instructions"), blank=True)
    lesson = models.OneToOneField(
        "catalog.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="quiz",
        verbose_name=_("lesson"),
        help_text=_("Shown inside this lesson; passing completes the lesson when its completion rule is the quiz."),
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), default=0, help_text=_("0 means no time limit. Enforced by the server."))
    max_attempts = models.PositiveIntegerField(_("attempts allowed"), default=0, help_text=_("0 means unlimited."))
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(0), MaxValueValidator(100)])
    shuffle_questions = models.BooleanField(_("shuffle questions for each attempt"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options for each attempt"), default=True)
    show_answers = models.CharField(_("show answers and explanations"), max_length=20,
                                    choices=ShowAnswers.choices, default=ShowAnswers.AFTER_SUBMIT)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    credit_hours = models.DecimalField(
        _("study hours for passing"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Written to the member's study-hour ledger once, the first time they pass."),
    )
    trainers = ParentalManyToManyField(
        "org.Member", blank=True, related_name="managed_quizzes", verbose_name=_("trainers"),
        help_text=_("Trainers who see this quiz's statistics and grade its short answers."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("lesson")]),
        FieldPanel("description"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("max_attempts"), FieldPanel("pass_percent")]),
            FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
            FieldPanel("show_answers"),
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldPanel("credit_hours"),
        ], heading=_("Rules")),
        InlinePanel("fixed_questions", label=_("Fixed questions")),
        InlinePanel("draw_rules", label=_("Random draw from the bank")),
        FieldPanel("trainers"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quiz or exam")
        verbose_name_plural = _("quizzes and exams")

    def __str__(self):
        return self.title

    @property
    def time_limit_seconds(self) -> int | None:
        return self.time_limit_minutes * 60 if self.time_limit_minutes else None

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or now >= self.opens_at) and (self.closes_at is None or now < self.closes_at)

    def is_published(self) -> bool:
        """A quiz in a lesson or on an exam page can be taken only while that page is live."""
        if self.lesson_id and not (self.lesson and self.lesson.live):
            return False
        exam = self.exam
        return exam is None or exam.live

    @cached_property
    def exam(self):
        return ExamPage.objects.filter(quiz=self).first()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.lesson_id and self.lesson and self.lesson.live:
            return self.lesson.url or reverse("quizzes:quiz-detail", args=[self.pk])
        exam = self.exam
        if exam is not None and exam.live and exam.url:
            return exam.url
        return reverse("quizzes:quiz-detail", args=[self.pk])


class QuizQuestion(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True,
                                 help_text=_("Leave empty to use the question's own points."))

    panels = [FieldPanel("question"), FieldPanel("points")]

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")
        verbose_name_plural = _("fixed questions")


class DrawRule(Orderable):
    """Draw `count` random active questions of a category / difficulty / type for each attempt."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    category = models.ForeignKey(QuestionCategory, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("category"), help_text=_("Empty: any category."))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices, null=True,
                                                  blank=True, help_text=_("Empty: any difficulty."))
    qtype = models.CharField(_("question type"), max_length=20, choices=QuestionType.choices, blank=True,
                             help_text=_("Empty: any type."))
    count = models.PositiveSmallIntegerField(_("number of questions"), default=5,
                                             validators=[MinValueValidator(1)])
    points = models.DecimalField(_("points each"), max_digits=5, decimal_places=1, null=True, blank=True,
                                 help_text=_("Leave empty to use each question's own points."))

    panels = [FieldRowPanel([FieldPanel("category"), FieldPanel("difficulty"), FieldPanel("qtype")]),
              FieldRowPanel([FieldPanel("count"), FieldPanel("points")])]

    class Meta(Orderable.Meta):
        verbose_name = _("draw rule")
        verbose_name_plural = _("draw rules")

    def pool(self, exclude_ids=()):
        qs = Question.objects.filter(is_active=True)
        if self.category_id:
            qs = qs.filter(category_id=self.category_id)
        if self.difficulty:
            qs = qs.filter(difficulty=self.difficulty)
        if self.qtype:
            qs = qs.filter(qtype=self.qtype)
        if exclude_ids:
            qs = qs.exclude(pk__in=list(exclude_ids))
        return qs

    def describe(self) -> str:
        parts = [str(self.category) if self.category_id else _("any category"),
                 self.get_difficulty_display() if self.difficulty else _("any difficulty"),
                 self.get_qtype_display() if self.qtype else _("any type")]
        return " / ".join(str(p) for p in parts)


class ExamPage(Page):
    """A standalone exam in the catalog (e.g. the closed-book exam ending a training)."""

    quiz = models.OneToOneField(Quiz, on_delete=models.PROTECT, related_name="exam_page", verbose_name=_("exam"),
                                limit_choices_to={"kind": Quiz.Kind.EXAM})
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("quiz"), FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["catalog.CatalogIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("exam page")
        verbose_name_plural = _("exam pages")


class QuizAttempt(models.Model):
    """One member's attempt at a quiz or exam: the record member archives read.

    status: in_progress → (submit) → pending_review when short answers wait for a
    trainer, else graded. score/passed are set once graded.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        PENDING_REVIEW = "pending_review", _("Waiting for grading")
        GRADED = "graded", _("Graded")

    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="quiz_attempts",
                               verbose_name=_("member"))
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz"))
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS,
                              db_index=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_late = models.BooleanField(_("submitted after the deadline"), default=False)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(fields=["member", "quiz", "number"], name="quiz_attempt_number_once"),
            # At most one attempt in progress per member and quiz (a double click cannot open two).
            models.UniqueConstraint(fields=["member", "quiz"], condition=models.Q(status="in_progress"),
                                    name="quiz_one_attempt_in_progress"),
        ]
        indexes = [models.Index(fields=["quiz", "status"]), models.Index(fields=["member", "submitted_at"])]

    def __str__(self):
        return f"{self.member} · {self.quiz} #{self.number}"

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.IN_PROGRESS

    @property
    def duration_seconds(self) -> int | None:
        if self.submitted_at is None:
            return None
        end = min(self.submitted_at, self.deadline) if self.deadline else self.submitted_at
        return max(0, int((end - self.started_at).total_seconds()))

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return float(self.score * 100 / self.max_score)


class AttemptAnswer(models.Model):
    """A question as drawn into an attempt (position, option order, points) and the member's answer."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempt_answers")
    position = models.PositiveSmallIntegerField(_("position"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    option_order = models.JSONField(_("option order"), default=list, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    is_correct = models.BooleanField(_("correct"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("graded by"))
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="quiz_answer_once")]

    def __str__(self):
        return f"{self.attempt_id}:{self.position}"
