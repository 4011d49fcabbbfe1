from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.dataset import services


class Command(BaseCommand):
    help = ("Export the platform's data in the published data standard (docs/data-standard.md): one JSON Lines file "
            "per entity, people.xlsx and manifest.json in one ZIP.")

    def add_arguments(self, parser):
        parser.add_argument("--scope", default="", help="Only this unit's subtree: a unit code (or path:A/B/C).")
        parser.add_argument("--output", default="dataset.zip", help="The ZIP to write (default dataset.zip).")

    def handle(self, *args, **options):
        scope = services.scope_of_units(None)
        if options["scope"]:
            ident = options["scope"]
            unit = services.find_unit(ident)
            if unit is None:
                raise CommandError(_("There is no unit %(code)s.") % {"code": ident})
            scope = services.scope_of_units([unit])
        with open(options["output"], "wb") as out:
            manifest = services.export_dataset(out, scope)
        for name, info in manifest["files"].items():
            self.stdout.write(f"{name}: {info['count']}")
        self.stdout.write(_("Written: %(path)s") % {"path": options["output"]})
