"""manage.py rebuild_search_index: rebuild the transcript-segment index from the content library
(all or nothing) and print {"talks", "segments", "seconds"}. `manage.py update_index` also does this
after rebuilding Wagtail's index of pages."""

import json

from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the transcript-segment search index."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=1,
                            help="Processes that analyse text in parallel (default 1).")

    def handle(self, *args, workers=1, **options):
        verbosity = options.get("verbosity", 1)

        def progress(talks, segments):
            if verbosity > 1 and talks % 100 == 0:
                self.stderr.write(f"{talks} talks, {segments} segments")

        self.stdout.write(json.dumps(rebuild(progress=progress, workers=max(1, workers))))
