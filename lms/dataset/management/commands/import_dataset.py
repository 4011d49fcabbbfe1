from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.dataset import services


class Command(BaseCommand):
    help = ("Import a dataset ZIP of the published data standard. The whole file is checked first; any problem "
            "and nothing is imported. Importing the same file again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path.name})
        result = services.import_dataset(path, dry_run=options["dry_run"])
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(n)d problem(s) found; nothing was imported.") % {"n": len(result.errors)})
        if options["dry_run"]:
            self.stdout.write(_("The dataset is valid; nothing was imported (dry run)."))
            return
        for entity, counts in result.counts.items():
            self.stdout.write(_("%(entity)s: %(c)d created, %(u)d updated, %(s)d unchanged.") % {
                "entity": entity, "c": counts["created"], "u": counts["updated"], "s": counts["unchanged"]})
