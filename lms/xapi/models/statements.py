"""Statements as stored, with the columns the GET filters need, and the canonical activity definitions.

A statement's JSON is kept as stored (id, stored, timestamp, authority, version filled in); everything a query
filters on is copied into narrow indexed columns. IRIs and agent identifiers are long and unbounded, so the
columns hold a 40-character SHA-1 of their canonical text ("keys", see lms.xapi.statement_keys): every index
entry stays small at millions of rows, and equality is all the filters need. ``seq`` (the primary key) orders
statements by arrival, which keeps ``more`` paging stable where ``stored`` values can tie.
"""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

KEY = 40  # sha1 hex of a canonical identifier


def key_of(text: str) -> str:
    """The indexed key of an identifier's canonical text (an IRI, or an agent's canonical IFI)."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class Statement(models.Model):
    seq = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(_("statement id"), unique=True)
    data = models.JSONField(_("statement"))
    stored = models.DateTimeField(_("stored"))
    timestamp = models.DateTimeField(_("timestamp"))
    actor_key = models.CharField(max_length=KEY)
    verb_key = models.CharField(max_length=KEY)
    # Exactly one of these three names the object, by kind.
    object_activity_key = models.CharField(max_length=KEY, blank=True, default="")
    object_agent_key = models.CharField(max_length=KEY, blank=True, default="")
    object_ref = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    voided = models.BooleanField(default=False)
    is_voiding = models.BooleanField(default=False)
    member = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               db_index=False)
    client = models.ForeignKey("xapi.LrsClient", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_index=False)
    # Whether the stored body carries attachments whose content came in the request.
    has_attachments = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [
            # The common report query: this agent did this verb to this activity, newest first.
            models.Index(fields=["actor_key", "verb_key", "object_activity_key", "-seq"], name="xapi_st_avo"),
            models.Index(fields=["verb_key", "-seq"], name="xapi_st_verb"),
            models.Index(fields=["object_activity_key", "-seq"], name="xapi_st_activity"),
            models.Index(fields=["object_agent_key", "-seq"], name="xapi_st_objagent"),
            # Few statements target statements: a partial index keeps the StatementRef rule of queries cheap.
            models.Index(fields=["object_ref"], name="xapi_st_ref", condition=models.Q(object_ref__isnull=False)),
            models.Index(fields=["registration", "-seq"], name="xapi_st_reg"),
            models.Index(fields=["stored"], name="xapi_st_stored"),
            models.Index(fields=["member", "-seq"], name="xapi_st_member"),
            models.Index(fields=["client", "-seq"], name="xapi_st_client"),
        ]

    def __str__(self):
        return str(self.statement_id)


class StatementAgent(models.Model):
    """Every agent a statement mentions (actor, object, authority, instructor, team, and theirs inside a
    SubStatement): the ``related_agents`` filter."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+", db_index=False)
    agent_key = models.CharField(max_length=KEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent_key", "statement"], name="xapi_stagent_uniq")]
        indexes = [models.Index(fields=["statement"], name="xapi_stagent_st")]


class StatementActivity(models.Model):
    """Every activity a statement mentions (object, context activities, and a SubStatement's): the
    ``related_activities`` filter."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+", db_index=False)
    activity_key = models.CharField(max_length=KEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity_key", "statement"], name="xapi_stact_uniq")]
        indexes = [models.Index(fields=["statement"], name="xapi_stact_st")]


class AttachmentContent(models.Model):
    """The raw content of an attachment sent in a multipart request, once per hash."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255, blank=True, default="")
    content = models.BinaryField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Activity(models.Model):
    """The LRS's canonical definition of an activity, kept from the statements that define it (GET
    /xapi/activities answers it)."""

    activity_key = models.CharField(max_length=KEY, unique=True)
    activity_id = models.TextField(_("activity id"))
    definition = models.JSONField(_("definition"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.activity_id

    @classmethod
    def lookup(cls, activity_id: str):
        """The stored activity with this id, or None."""
        return cls.objects.filter(activity_key=key_of(activity_id)).first()

    def as_json(self) -> dict:
        out = {"objectType": "Activity", "id": self.activity_id}
        if self.definition:
            out["definition"] = self.definition
        return out
