import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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

    # Filled in by the media pipeline.
    source_name = models.CharField(_("original file name"), max_length=255, blank=True)
    source_size = models.BigIntegerField(_("source size (bytes)"), null=True, blank=True)
    has_video = models.BooleanField(_("has video"), default=False)
    media_info = models.JSONField(_("media information"), default=dict, blank=True)
    poster = models.FileField(_("poster image"), upload_to="talks/posters/%Y/%m/", blank=True, max_length=300)
    captions = models.FileField(_("captions (WebVTT)"), upload_to="talks/captions/%Y/%m/", blank=True, max_length=300)
    detected_language = models.CharField(_("detected language"), max_length=8, blank=True)
    asr_model = models.CharField(_("speech recognition model"), max_length=300, blank=True)
    asr_settings = models.JSONField(_("speech recognition settings"), default=dict, blank=True)
    notice = models.CharField(_("notice"), max_length=300, blank=True)
    # One id per processing run: tasks of a superseded run (re-transcribe) stop quietly.
    pipeline_run = models.CharField(max_length=32, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last pipeline activity"), null=True, blank=True, editable=False)
    # Which worker process runs the current step ("node|host|pid"), so a restarted worker can tell a run whose
    # worker died from one that is merely busy (media_pipeline.ownership).
    pipeline_owner = models.CharField(max_length=255, blank=True, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, editable=False)

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("speaker"),
        index.FilterField("status"),
    ]

    PROCESSING_STATUSES = (
        Status.UPLOADED,
        Status.PROBING,
        Status.EXTRACTING,
        Status.TRANSCRIBING,
        Status.INDEXING,
    )

    class Meta:
        ordering = ["-recorded_on", "-created_at"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("content_library:talk-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.visibility == self.Visibility.SUBTREE and not self.org_unit_id:
            raise ValidationError({"org_unit": _("Choose the org unit whose subtree may see this talk.")})

    # URLs -----------------------------------------------------------------
    @property
    def media_url(self) -> str:
        return reverse("content_library:talk-media", args=[self.pk]) if self.source_file else ""

    @property
    def captions_url(self) -> str:
        return reverse("content_library:talk-captions", args=[self.pk])

    @property
    def poster_url(self) -> str:
        return reverse("content_library:talk-poster", args=[self.pk]) if self.poster else ""

    # State ----------------------------------------------------------------
    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_processing(self) -> bool:
        return self.status in self.PROCESSING_STATUSES

    @property
    def media_content_type(self) -> str:
        name = self.source_file.name if self.source_file else self.source_name
        guessed = mimetypes.guess_type(PurePosixPath(name or "").name)[0] if name else None
        if not guessed or not guessed.startswith(("audio/", "video/")):
            return "video/mp4" if self.has_video else "audio/mpeg"
        if not self.has_video and guessed.startswith("video/"):
            # An .mp4/.webm without a picture plays in an <audio> element.
            return "audio/" + guessed.split("/", 1)[1]
        return guessed

    @property
    def caption_language(self) -> str:
        code = self.detected_language or (self.language if self.language != self.Language.AUTO else "")
        return {"zh": "zh-Hans"}.get(code, code)


class TranscriptSegment(models.Model):
    """One time-coded line of a talk's transcript (times in seconds from the start)."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="segments", verbose_name=_("talk"))
    index = models.PositiveIntegerField(_("index"))
    start = models.FloatField(_("start (seconds)"))
    end = models.FloatField(_("end (seconds)"))
    text = models.TextField(_("text"))
    # What the recogniser heard, before pronunciation correction and trainers' edits ("" on older rows).
    raw_text = models.TextField(_("recognised text"), blank=True, default="")
    # [{"start": 1.2, "end": 1.5, "word": "党员", "probability": 0.93}, …]
    words = models.JSONField(_("words"), default=list, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)

    class Meta:
        ordering = ["talk", "index"]
        verbose_name = _("transcript segment")
        verbose_name_plural = _("transcript segments")
        constraints = [
            models.UniqueConstraint(fields=["talk", "index"], name="unique_talk_segment_index"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="segment_end_after_start"),
        ]
        indexes = [models.Index(fields=["talk", "start"], name="segment_talk_start")]

    def __str__(self):
        return f"{self.talk_id}#{self.index} [{self.start:.1f}–{self.end:.1f}] {self.text[:40]}"


class TranscriptEdit(models.Model):
    """A trainer's correction of a transcript, kept as history and re-applied after a re-transcription.

    A line edit names the line by its time and old text (line ids do not survive a re-transcription);
    a term edit replaces a word everywhere in the talk.
    """

    class Kind(models.TextChoices):
        LINE = "line", pgettext_lazy("transcript edit", "Line")
        TERM = "term", _("Term across the talk")

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="transcript_edits", verbose_name=_("talk"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    start = models.FloatField(_("start (seconds)"), null=True, blank=True)
    end = models.FloatField(_("end (seconds)"), null=True, blank=True)
    old_text = models.TextField(_("before"))
    new_text = models.TextField(_("after"))
    lines_changed = models.PositiveIntegerField(_("lines changed"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("edited by"))
    created_at = models.DateTimeField(_("edited at"), auto_now_add=True)
    # Set by a re-transcription: whether the edit still matched the new transcript.
    last_reapplied_at = models.DateTimeField(_("last re-applied at"), null=True, blank=True)
    still_matches = models.BooleanField(_("still matches"), default=True)

    class Meta:
        ordering = ["talk", "created_at", "id"]
        verbose_name = _("transcript edit")
        verbose_name_plural = _("transcript edits")

    def __str__(self):
        return f"{self.talk_id}: {self.old_text[:20]} → {self.new_text[:20]}"
