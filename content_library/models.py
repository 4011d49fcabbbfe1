from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.snippets.models import register_snippet


class Category(models.Model):
    """Subject category shared by courses and talks (理论学习, 党史学习, 廉洁教育 …)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


register_snippet(Category)


class Talk(index.Indexed, models.Model):
    """A recorded talk, livestream replay or lesson video, transcribed by the media pipeline."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PROBING = "probing", _("Probing")
        EXTRACTING = "extracting", _("Extracting audio")
        TRANSCRIBING = "transcribing", _("Transcribing")
        INDEXING = "indexing", _("Indexing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Visibility(models.TextChoices):
        ORGANIZATION = "organization", _("Whole organization")
        SUBTREE = "subtree", _("Org unit and its sub-units")

    class Language(models.TextChoices):
        AUTO = "auto", _("Detect automatically")
        ZH = "zh", _("Chinese")
        EN = "en", _("English")

    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(_("speaker(s)"), max_length=200, blank=True)
    recorded_on = models.DateField(_("date"), null=True, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="talks", verbose_name=_("category")
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="talks",
        verbose_name=_("owning org unit"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.ORGANIZATION
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.AUTO)
    glossary = models.TextField(_("glossary"), blank=True, help_text=_("Domain terms, separated by commas."))
    source_file = models.FileField(_("source file"), upload_to="talks/source/%Y/%m/", blank=True, max_length=300)
    source_url = models.URLField(_("source URL"), blank=True, max_length=1000)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("speaker"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["-recorded_on", "-created_at"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")

    def __str__(self):
        return self.title
