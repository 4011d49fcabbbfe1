"""Signal receivers of the content library (connected in ContentLibraryConfig.ready())."""

import logging

from django.db import transaction

from .models import Talk
from .signals import transcript_removed

logger = logging.getLogger(__name__)


def talk_deleted(sender, instance: Talk, **kwargs):
    talk_id = instance.pk
    names = [(f, getattr(instance, f).name) for f in ("source_file", "captions", "poster") if getattr(instance, f)]

    def after_commit():
        transcript_removed.send(sender=Talk, talk_id=talk_id)
        for field_name, name in names:
            storage = Talk._meta.get_field(field_name).storage
            try:
                storage.delete(name)
            except OSError:
                # A missing or locked file must not break the deletion; the row is gone either way.
                logger.warning("Could not delete %s of deleted talk %s", name, talk_id, exc_info=True)

    transaction.on_commit(after_commit)
