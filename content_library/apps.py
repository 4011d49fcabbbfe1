from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class ContentLibraryConfig(AppConfig):
    name = "content_library"
    label = "content_library"
    verbose_name = _("Content library")

    def ready(self):
        from .handlers import talk_deleted
        from .models import Talk

        post_delete.connect(talk_deleted, sender=Talk, dispatch_uid="content_library.talk_deleted")
