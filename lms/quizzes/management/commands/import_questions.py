from django.core.management.base import BaseCommand

from lms.common.importing import read_upload_path, report_to_command
from lms.quizzes.importer import import_questions


class Command(BaseCommand):
    help = "Import questions into the bank from the XLSX template (all rows valid, or nothing is written)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="XLSX (or CSV) file in the question template's format")
        parser.add_argument("--dry-run", action="store_true", help="only check the file")

    def handle(self, *args, path, dry_run=False, **options):
        data, name = read_upload_path(path)
        report_to_command(self, import_questions(data, name, dry_run=dry_run))
