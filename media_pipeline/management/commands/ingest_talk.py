"""manage.py ingest_talk PATH_OR_URL --title T [--language zh|en|auto] [--speaker S] [--glossary "a,b"] [--sync]

Prints one JSON object {"id", "status", "duration", "segments", …}. With --sync the whole
pipeline runs in this process and the exit code is non-zero when the talk ends failed;
without it the work is queued for the Celery worker (media queue).
"""

import json
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from content_library.models import Category, Talk
from content_library.services import ALLOWED_EXTENSIONS
from lms.org.models import OrgUnit
from media_pipeline.pipeline import submit


class Command(BaseCommand):
    help = "Create a talk from a media file or URL (MP4/M4A, HLS .m3u8) and transcribe it."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path of a media file, or an http(s) URL of a replay.")
        parser.add_argument("--title", help="Title (default: the file name).")
        parser.add_argument("--language", choices=[c for c, _label in Talk.Language.choices], default="auto")
        parser.add_argument("--speaker", default="")
        parser.add_argument("--glossary", default="", help="Domain terms, comma-separated.")
        parser.add_argument("--category", help="Category slug.")
        parser.add_argument("--org-unit", help="Owning org unit path, e.g. 集团党委/机关党支部.")
        parser.add_argument("--visibility", choices=[c for c, _label in Talk.Visibility.choices],
                            default=Talk.Visibility.ORGANIZATION)
        parser.add_argument("--sync", action="store_true", help="Run the pipeline here and wait for the result.")

    def handle(self, *args, source, title=None, language="auto", speaker="", glossary="", category=None,
               org_unit=None, visibility=Talk.Visibility.ORGANIZATION, sync=False, **options):
        is_url = source.lower().startswith(("http://", "https://"))
        talk = Talk(language=language, speaker=speaker, glossary=glossary, visibility=visibility)
        if category:
            talk.category = Category.objects.filter(slug=category).first()
            if talk.category is None:
                raise CommandError(f"Unknown category slug: {category}")
        if org_unit:
            talk.org_unit = OrgUnit.ensure_path(org_unit)
        if visibility == Talk.Visibility.SUBTREE and not talk.org_unit:
            raise CommandError("--visibility subtree needs --org-unit.")

        if is_url:
            talk.source_url = source
            talk.title = title or PurePosixPath(source.split("?", 1)[0]).stem or source
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"No such file: {source}")
            if path.suffix.lower().lstrip(".") not in ALLOWED_EXTENSIONS:
                raise CommandError(f"Not a supported media file type: {path.suffix or path.name}")
            talk.title = title or path.stem
            talk.source_name = path.name
            talk.source_size = path.stat().st_size
        talk.title = talk.title[:200]

        with transaction.atomic():
            if not is_url:
                with path.open("rb") as fh:
                    talk.source_file.save(path.name, File(fh, name=path.name), save=False)
            talk.save()
            if not sync:
                submit(talk)  # queued once the transaction commits
        if sync:
            submit(talk, sync=True)

        talk.refresh_from_db()
        result = {
            "id": talk.pk,
            "status": talk.status,
            "duration": talk.duration,
            "segments": talk.segments.count(),
            "language": talk.detected_language or talk.language,
            "error": talk.error,
            "url": talk.get_absolute_url(),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if sync and talk.status != Talk.Status.READY:
            raise CommandError(f"Talk {talk.pk} ended {talk.status}: {talk.error}", returncode=1)
