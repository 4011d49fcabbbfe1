from django.core.management.base import BaseCommand

from lms.common.importing import read_upload_path, report_to_command
from lms.org.importer import import_members


class Command(BaseCommand):
    help = ("Import or update members from CSV/XLSX (employee_no, name, org_unit_path, roles, email, phone, "
            "joined_on). Any bad row: nothing is imported and every bad row is listed.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")

    def handle(self, *args, **options):
        data, name = read_upload_path(options["file"])
        report_to_command(self, import_members(data, name, dry_run=options["dry_run"]))
