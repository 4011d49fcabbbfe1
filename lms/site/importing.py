"""Shared plumbing for import commands and admin import views."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .tabular import ImportReport


def read_upload_path(path: str) -> tuple[bytes, str]:
    p = Path(path)
    if not p.is_file():
        raise CommandError(_("File not found: %(path)s") % {"path": path})
    return p.read_bytes(), p.name


def report_to_command(command, report: ImportReport) -> None:
    if report.errors:
        for err in report.errors:
            command.stderr.write(str(err))
        raise CommandError(
            _("%(n)d problem(s) found; nothing was imported.") % {"n": len(report.errors)}
        )
    command.stdout.write(
        _("Imported: %(c)d created, %(u)d updated, %(s)d unchanged.")
        % {"c": report.created, "u": report.updated, "s": report.unchanged}
    )
