"""`manage.py update_index` rebuilds everything searchable: Wagtail's index (courses, lessons …), then
the transcript-segment index. Overrides Wagtail's command of the same name (search comes first in
INSTALLED_APPS) and accepts its options."""

import json

from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from search.indexing import rebuild


class Command(WagtailUpdateIndex):
    help = "Rebuild Wagtail's search index and the transcript-segment index."

    def handle(self, *args, **options):
        super().handle(*args, **options)
        result = rebuild()
        if options.get("verbosity", 1):
            self.stdout.write("Transcript segments: " + json.dumps(result))
