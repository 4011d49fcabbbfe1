from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from content_library.models import Category, Talk
        from content_library.signals import transcript_ready, transcript_removed

        from . import (
            checks,  # noqa: F401 - registers the index freshness check
            navigation,
            talk_facts,
        )
        from .bootstrap import clear_orphaned_index
        from .handlers import on_talk_saved, on_transcript_ready, on_transcript_removed

        navigation.register_entries()
        transcript_ready.connect(on_transcript_ready, dispatch_uid="search.transcript_ready")
        transcript_removed.connect(on_transcript_removed, dispatch_uid="search.transcript_removed")
        post_save.connect(on_talk_saved, sender=Talk, dispatch_uid="search.talk_saved")
        post_migrate.connect(clear_orphaned_index, sender=self, dispatch_uid="search.clear_orphaned_index")
        # Search keeps every talk's visibility and facet values in memory (search.talk_facts).
        post_save.connect(talk_facts.on_talk_saved, sender=Talk, dispatch_uid="search.talk_facts.talk_saved")
        post_delete.connect(talk_facts.on_changed, sender=Talk, dispatch_uid="search.talk_facts.talk_deleted")
        for signal in (post_save, post_delete):
            signal.connect(talk_facts.on_changed, sender=Category,
                           dispatch_uid=f"search.talk_facts.category_{id(signal)}")
