"""Wagtail page types of the tiered course catalog: catalog index → course → lesson."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.blocks import SnippetChooserBlock

from lms.common.page_search import SEGMENTED_SEARCH_FIELD, SegmentedSearchMixin

from . import completion, page_context


class Tier(models.TextChoices):
    REQUIRED_ALL = "required_all", _("Required for all members")
    ROLE_REQUIRED = "role_required", _("Required for roles")
    ELECTIVE = "elective", _("Elective")


TIER_ORDER = [Tier.REQUIRED_ALL, Tier.ROLE_REQUIRED, Tier.ELECTIVE]


class CatalogIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    # Exams are pages of the quizzes app placed directly in the catalog.
    subpage_types = ["catalog.CoursePage", "quizzes.ExamPage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalog")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_context.build("catalog", self, request))
        return context


class CoursePage(SegmentedSearchMixin, Page):
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.ELECTIVE, db_index=True)
    categories = ParentalManyToManyField(
        "content_library.Category", blank=True, related_name="courses", verbose_name=_("categories")
    )
    credit_hours = models.DecimalField(
        _("credit hours"), max_digits=5, decimal_places=1, default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    summary = models.TextField(_("summary"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("cover image"),
    )
    trainers = ParentalManyToManyField(
        "org.Member", blank=True, related_name="taught_courses", verbose_name=_("trainers"),
        limit_choices_to={"member_roles__role__code": "trainer"},
    )
    audience_roles = ParentalManyToManyField(
        "org.Role", blank=True, related_name="courses", verbose_name=_("audience roles"),
        help_text=_("Roles this course is meant for; empty means everyone."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("tier"), FieldPanel("categories"), FieldPanel("audience_roles"), FieldPanel("credit_hours")],
            heading=_("Catalog"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("trainers"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.FilterField("tier"),
        index.RelatedFields("categories", [index.SearchField("name")]),
        SEGMENTED_SEARCH_FIELD,  # jieba-segmented text, so Chinese words are found (search app)
    ]
    parent_page_types = ["catalog.CatalogIndexPage"]
    subpage_types = ["catalog.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @cached_property
    def lessons(self):
        return list(LessonPage.objects.child_of(self).live().specific().order_by("path"))

    def required_lesson_ids(self) -> list[int]:
        return list(
            LessonPage.objects.child_of(self).live().filter(required=True).values_list("pk", flat=True)
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_context.build("course", self, request))
        return context


class LessonBody(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Rich text"))
    image = ImageBlock(label=_("Image"))
    video = SnippetChooserBlock("content_library.Talk", label=_("Video from the content library"))
    document = DocumentChooserBlock(label=_("Document"))


class LessonPage(SegmentedSearchMixin, Page):
    completion_rule = models.CharField(  # the rules are registered by the apps that judge them (completion.py)
        _("completion rule"), max_length=20, choices=completion.choices, default=completion.DEFAULT
    )
    video = models.ForeignKey(
        "content_library.Talk", null=True, blank=True, on_delete=models.PROTECT, related_name="lessons",
        verbose_name=_("lesson video"),
        help_text=_("Required when the completion rule is watching the video."),
    )
    body = StreamField(LessonBody(), blank=True, verbose_name=_("body"))
    estimated_minutes = models.PositiveIntegerField(
        _("estimated minutes"), default=10,
        help_text=_("Also the minimum study time before a text or document lesson can be confirmed."),
    )
    credit_minutes = models.PositiveIntegerField(
        _("credit minutes"), default=0,
        help_text=_("Study minutes credited when this lesson completes, on top of the course's credit hours."),
    )
    required = models.BooleanField(_("required for course completion"), default=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("completion_rule"), FieldPanel("video"), FieldPanel("estimated_minutes"),
             FieldPanel("credit_minutes"), FieldPanel("required")],
            heading=_("Study"),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.FilterField("completion_rule"),
        SEGMENTED_SEARCH_FIELD,  # jieba-segmented text, so Chinese words are found (search app)
    ]
    parent_page_types = ["catalog.CoursePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def course(self) -> CoursePage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.completion_rule == completion.VIDEO and not self.video_id:
            raise ValidationError({"video": _("A video lesson needs a video.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_context.build("lesson", self, request))
        return context
