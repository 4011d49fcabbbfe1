from pathlib import Path

from django.core.management.base import BaseCommand

from lms.quizzes.importer import template_workbook


class Command(BaseCommand):
    help = "Write the question import template (XLSX, Chinese headers) to a file."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="题库导入模板.xlsx")

    def handle(self, *args, path, **options):
        Path(path).write_bytes(template_workbook())
        self.stdout.write(path)
