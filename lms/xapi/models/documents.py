from django.db import models
from django.utils.translation import gettext_lazy as _


class XapiDocument(models.Model):
    """A State, Activity Profile or Agent Profile document, stored as the bytes it was sent with its type.

    IRIs and document ids have no length limit, so rows are found by hashes: ``key`` names the one document
    (unique), ``scope`` the set a list or a State "delete all" works on (kind + activity + agent).
    """

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
        AGENT_PROFILE = "agent_profile", _("Agent profile")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=64, editable=False)
    activity_id = models.TextField(_("activity id"), blank=True)
    agent = models.JSONField(_("agent"), null=True, blank=True)
    agent_ifi = models.TextField(blank=True, editable=False)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    document_id = models.TextField(_("document id"))
    content = models.BinaryField(_("content"))
    content_type = models.CharField(_("content type"), max_length=255)
    etag = models.CharField(max_length=40, editable=False)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("LRS document")
        verbose_name_plural = _("LRS documents")
        indexes = [models.Index(fields=["scope", "updated_at"], name="xapi_doc_scope_updated")]

    def __str__(self):
        return self.document_id
