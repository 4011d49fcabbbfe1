from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.common.importing import read_upload_path, report_to_command
from lms.quizzes.importer import import_qti, import_questions, is_qti


class Command(BaseCommand):
    help = ("Import questions into the bank from the XLSX template, or from QTI 2.1/2.2 items (.xml or .zip); "
            "all rows or items valid, or nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="XLSX (or CSV) file in the question template's format, or a QTI item "
                                         "(.xml) or content package (.zip)")
        parser.add_argument("--dry-run", action="store_true", help="only check the file")
        parser.add_argument("--qti", action="store_true",
                            help="read the file as QTI 2.1/2.2 (the default for .xml and .zip files)")
        parser.add_argument("--category", default="",
                            help="category of the QTI items (default: the one named “Imported from QTI”)")

    def handle(self, *args, path, dry_run=False, qti=False, category="", **options):
        data, name = read_upload_path(path)
        if qti or is_qti(name):
            if not is_qti(name):  # --qti on a file named otherwise: go by its content
                name += ".zip" if data[:4] == b"PK\x03\x04" else ".xml"
            report = import_qti(data, name, dry_run=dry_run, category=category)
        elif category:
            raise CommandError(_("--category applies to QTI files only; an XLSX file names its categories."))
        else:
            report = import_questions(data, name, dry_run=dry_run)
        report_to_command(self, report)
