"""Receivers of the quizzes app, connected in QuizzesConfig.ready()."""

from django.db import transaction


def package_deleted(sender, instance, **kwargs):
    from .h5p.package import delete_stored

    storage_dir = instance.storage_dir
    transaction.on_commit(lambda: delete_stored(storage_dir))
