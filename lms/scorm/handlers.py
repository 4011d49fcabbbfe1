"""Receivers of the SCORM app, connected in ScormConfig.ready()."""

from django.db import transaction


def package_deleted(sender, instance, **kwargs):
    from .package.store import delete_stored

    storage_dir = instance.storage_dir
    transaction.on_commit(lambda: delete_stored(storage_dir))
