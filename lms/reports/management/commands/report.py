"""manage.py report <name> --year 2026 [--org ID] [--role CODE] --format json|csv|xlsx --output FILE"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from lms.reports import audit, exporting, services
from lms.reports.registry import REPORTS


class Command(BaseCommand):
    help = "Run an HR report for an org unit subtree (default: the whole organization) and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(REPORTS), help="Report to run.")
        parser.add_argument("--year", help="Calendar year (default: this year).")
        parser.add_argument("--quarter", help="1-4, within --year.")
        parser.add_argument("--month", help="1-12, within --year.")
        parser.add_argument("--start", help="Custom range start, YYYY-MM-DD (with --end).")
        parser.add_argument("--end", help="Custom range end, YYYY-MM-DD.")
        parser.add_argument("--org", help="Org unit id: the report covers its subtree.")
        parser.add_argument("--role", default="", help="Only members holding this role code.")
        parser.add_argument("--format", default="csv", choices=exporting.FORMATS)
        parser.add_argument("--lang", default="zh-hans", help="Language of column headers and labels.")
        parser.add_argument("--output", "-o", help="File to write; '-' or omitted writes CSV/JSON to stdout.")

    def handle(self, *args, **opts):
        params = {k: opts[k] for k in ("year", "quarter", "month", "start", "end", "org", "role") if opts[k]}
        try:
            language = services.report_language(opts["lang"])
            with translation.override(language):
                run = services.build_run(None, opts["name"], params, shell=True)
        except (services.UnknownReport, *services.INPUT_ERRORS) as exc:
            raise CommandError(str(exc)) from exc
        fmt, output = opts["format"], opts.get("output")
        with translation.override(language):
            if not output or output == "-":
                if fmt == "xlsx":
                    raise CommandError("XLSX needs --output FILE.")
                rows = exporting.write(run, fmt, language, sys.stdout.buffer)
                sys.stdout.flush()
            else:
                rows = self._write_file(run, fmt, language, Path(output))
        audit.record(None, audit.Action.EXPORT, run.report.name, params=run.params(), scope=run.scope, fmt=fmt,
                     rows=rows, channel=audit.Channel.SHELL, username=f"shell:{os.environ.get('USER', '')}")
        if output and output != "-":
            self.stderr.write(f"{run.report.name}: {rows} rows written to {output}")

    def _write_file(self, run, fmt, language, path: Path) -> int:
        """Write next to the target and rename, so a failure never leaves a half-written file behind."""
        if not path.parent.exists():
            raise CommandError(f"Folder {path.parent} does not exist.")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                rows = exporting.write(run, fmt, language, fh)
            os.replace(tmp_name, path)
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
        return rows
