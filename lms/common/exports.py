"""The one way a table leaves the platform from a page: CSV (with a BOM, for Excel) or XLSX, every cell made safe
from formula injection (tabular.py), and a line in the audit log.

The audit log belongs to the reports app, above every app that exports; it registers its writer with
``set_auditor`` from its ``AppConfig.ready()``. An export with no auditor registered is refused: no table leaves
unrecorded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from openpyxl import Workbook

from .tabular import safe_row, xlsx_cells

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# auditor(user, *, name, fmt, rows, units, params)
Auditor = Callable[..., object]
_auditor: list[Auditor] = []


def set_auditor(auditor: Auditor) -> None:
    _auditor[:] = [auditor]


def record(user, *, name: str, fmt: str, rows: int, units=(), params: dict | None = None) -> None:
    """Record a download that is not a table (a dataset ZIP) in the same audit log; refused without an auditor."""
    if not _auditor:
        raise ImproperlyConfigured("No export auditor is registered (the reports app records every export).")
    _auditor[0](user, name=name, fmt=fmt, rows=rows, units=list(units), params=params or {})


def table_response(request, *, name: str, header: Sequence, rows: Sequence[Sequence], fmt: str, filename: str,
                   sheet_title: str, units=(), params: dict | None = None) -> HttpResponse:
    """The table as a download, recorded in the audit log (who, what, which units, how many rows)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if not _auditor:
        raise ImproperlyConfigured("No export auditor is registered (the reports app records every export).")
    table = [[str(h) for h in header], *rows]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM.
        csv.writer(buffer).writerows(safe_row(row) for row in table)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_title[:31])
        for row in table:
            sheet.append(xlsx_cells(sheet, row))
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _auditor[0](request.user, name=name, fmt=fmt, rows=len(rows), units=list(units), params=params or {})
    return response
