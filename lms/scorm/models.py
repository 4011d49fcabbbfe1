"""SCORM packages (validated, unpacked), their SCOs in the organization's order, and each member's CMI data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class ScormVersion(models.TextChoices):
    V12 = "1.2", "SCORM 1.2"
    V2004_3 = "2004-3", _("SCORM 2004 3rd Edition")
    V2004_4 = "2004-4", _("SCORM 2004 4th Edition")


class ScormPackage(index.Indexed, models.Model):
    """A validated, extracted SCORM package; its files live under `storage_dir` in the default storage."""

    title = models.CharField(_("title"), max_length=255, blank=True,
                             help_text=_("Leave empty to use the title in the package."))
    version = models.CharField(_("SCORM version"), max_length=10, choices=ScormVersion.choices, editable=False)
    identifier = models.CharField(_("manifest identifier"), max_length=200, blank=True, editable=False)
    storage_dir = models.CharField(_("storage folder"), max_length=200, unique=True, editable=False)
    source_name = models.CharField(_("uploaded file name"), max_length=255, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    file_count = models.PositiveIntegerField(_("files"), default=0, editable=False)
    total_bytes = models.BigIntegerField(_("unpacked size (bytes)"), default=0, editable=False)
    lesson = models.OneToOneField(
        "catalog.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="scorm_package",
        verbose_name=_("lesson"),
        help_text=_("Shown inside this lesson; completing every SCO completes the lesson when its completion "
                    "rule is the SCORM package."),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False, verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("lesson")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")

    def __str__(self):
        return self.title

    @property
    def is_2004(self) -> bool:
        return self.version != ScormVersion.V12

    def file_path(self, relative: str) -> str:
        return f"{self.storage_dir}/{relative}"


class ScormItem(models.Model):
    """An item of the package's organization, in manifest order: a heading, an asset or a SCO to launch."""

    package = models.ForeignKey(ScormPackage, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    identifier = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=255)
    depth = models.PositiveSmallIntegerField(default=0)
    launch = models.CharField(_("launch file"), max_length=1000, blank=True)
    is_sco = models.BooleanField(_("SCO"), default=False)
    mastery_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    scaled_passing_score = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    launch_data = models.TextField(blank=True)

    class Meta:
        ordering = ["package", "position"]
        verbose_name = _("SCORM item")
        verbose_name_plural = _("SCORM items")
        constraints = [models.UniqueConstraint(fields=["package", "position"], name="scorm_item_position_once")]

    def __str__(self):
        return self.title


class ScormAttempt(models.Model):
    """One member's run-time data of one SCO (resumed on every launch)."""

    item = models.ForeignKey(ScormItem, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="scorm_attempts")
    cmi = models.JSONField(_("CMI data"), default=dict)
    status = models.CharField(_("completion status"), max_length=20, blank=True,
                              help_text=_("1.2 lesson_status or 2004 completion_status."))
    success_status = models.CharField(_("success status"), max_length=20, blank=True)
    score_raw = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_min = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_max = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_scaled = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    total_time = models.CharField(_("total time"), max_length=40, blank=True)
    commits = models.PositiveIntegerField(default=0)
    # Set once, when the SCO first reports completed without a failure; later sessions never undo it.
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="scorm_attempt_once")]

    @property
    def passed(self) -> bool:
        return self.success_status == "passed"


class ScormResult(models.Model):
    """A member's summary of a package; its row is locked while deciding whether the lesson is complete."""

    package = models.ForeignKey(ScormPackage, on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="scorm_results")
    score_scaled = models.DecimalField(_("score (0–1)"), max_digits=7, decimal_places=4, null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCORM result")
        verbose_name_plural = _("SCORM results")
        constraints = [models.UniqueConstraint(fields=["package", "member"], name="scorm_result_once")]
