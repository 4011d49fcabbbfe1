"""Uploaded H5P packages and the xAPI statements members' players send back."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class H5PPackage(index.Indexed, models.Model):
    """A validated, extracted .h5p package; its files live under `storage_dir` in the default storage."""

    title = models.CharField(_("title"), max_length=255, blank=True,
                             help_text=_("Leave empty to use the title in the package."))
    main_library = models.CharField(_("main library"), max_length=255, editable=False,
                                    help_text=_("Machine name and version, e.g. H5P.MultiChoice 1.16."))
    h5p_json = models.JSONField(_("h5p.json"), default=dict, editable=False)
    storage_dir = models.CharField(_("storage folder"), max_length=200, unique=True, editable=False)
    source_name = models.CharField(_("uploaded file name"), max_length=255, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    file_count = models.PositiveIntegerField(_("files"), default=0, editable=False)
    total_bytes = models.BigIntegerField(_("unpacked size (bytes)"), default=0, editable=False)
    lesson = models.OneToOneField(
        "catalog.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="h5p_package",
        verbose_name=_("lesson"),
        help_text=_("Shown inside this lesson; completing the content completes the lesson when its completion "
                    "rule is the interactive content."),
    )
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("0: the content decides success itself. Otherwise the score needed to complete."),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False, verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("lesson"), FieldPanel("pass_percent")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")

    def __str__(self):
        return self.title

    def file_path(self, relative: str) -> str:
        return f"{self.storage_dir}/{relative}"


class H5PStatement(models.Model):
    """An xAPI statement emitted by the content for one member, as received."""

    package = models.ForeignKey(H5PPackage, on_delete=models.PROTECT, related_name="statements")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="h5p_statements")
    # The statement's own "id" (or one given on receipt when it had none), unique as in any LRS: a statement
    # posted again is recognized instead of being stored and credited twice. Empty for duplicates from before.
    statement_id = models.UUIDField(_("statement id"), unique=True, null=True, blank=True, editable=False)
    verb = models.CharField(_("verb"), max_length=40, db_index=True)
    object_id = models.CharField(_("object"), max_length=500)
    is_main = models.BooleanField(_("about the whole content"), default=True,
                                  help_text=_("False for statements about a part (sub-content)."))
    score_raw = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    completion = models.BooleanField(null=True, blank=True)
    duration = models.CharField(max_length=40, blank=True)
    statement = models.JSONField()
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [models.Index(fields=["package", "member"])]


class H5PResult(models.Model):
    """A member's summary for one package: best and last score, completion."""

    package = models.ForeignKey(H5PPackage, on_delete=models.PROTECT, related_name="results")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="h5p_results")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_score = models.FloatField(_("last score (0–1)"), null=True, blank=True)
    best_score = models.FloatField(_("best score (0–1)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [models.UniqueConstraint(fields=["package", "member"], name="h5p_result_once")]


class H5PUserData(models.Model):
    """The content's saved state for a member (H5P "content user data"), so they resume where they left off."""

    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="user_data")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="h5p_user_data")
    data_type = models.CharField(max_length=60)
    sub_content_id = models.CharField(max_length=60)
    data = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P saved state")
        verbose_name_plural = _("H5P saved states")
        constraints = [models.UniqueConstraint(fields=["package", "member", "data_type", "sub_content_id"],
                                               name="h5p_user_data_once")]
