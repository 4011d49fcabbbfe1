from django.core.management.base import BaseCommand

from lms.common.importing import read_upload_path, report_to_command
from lms.records.importer import import_training_records


class Command(BaseCommand):
    help = ("Record offline training from CSV/XLSX (employee_no, title, date, hours, kind, optional record_id) into "
            "the study-hour ledger. Any bad row: nothing is recorded. Re-importing the same file records nothing "
            "twice; a changed row with the same record_id reverses the earlier credit and credits the new values.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")

    def handle(self, *args, **options):
        data, name = read_upload_path(options["file"])
        report_to_command(self, import_training_records(data, name, dry_run=options["dry_run"]))
