"""Writing report runs as CSV (streamed), XLSX (write-only workbook) and JSON.

Both writers hold one chunk of rows at a time: CSV goes out line by line,
XLSX rows are written by openpyxl's write-only mode into a temporary file that
is then streamed to the client. Every cell goes through lms.common.tabular's
safe_cell / xlsx_cells, so text is never taken for a formula.
"""

import csv
import datetime
import itertools
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lms.common.tabular import safe_row, xlsx_cells

from . import pdf
from .registry import ReportRun

FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
XLSX_MAX_ROWS = 1_048_576 - 1  # per sheet, after the header
CSV_BOM = "\ufeff"  # lets Excel open UTF-8 Chinese text correctly


def headers(run: ReportRun, language: str) -> list[str]:
    with translation.override(language):
        return [str(c.label) for c in run.columns]


def display_rows(run: ReportRun, language: str) -> Iterator[list]:
    """Rows with each value shown as the column displays it, in ``language`` (lists joined)."""
    columns = run.columns
    displays = [(i, c.display) for i, c in enumerate(columns) if c.display is not None]
    with translation.override(language):
        for row in run.rows():
            for i, show in displays:
                row[i] = show(row[i])
            yield row


class _Echo:
    def write(self, value):
        return value


def csv_chunks(run: ReportRun, language: str, batch: int = 500) -> Iterator[str]:
    """CSV text in chunks of ``batch`` lines, starting with a BOM and the header line."""
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(safe_row(headers(run, language)))
    buffer = []
    # csv writes None as "", dates as ISO text and the naive local datetimes as "YYYY-MM-DD HH:MM:SS".
    for row in display_rows(run, language):
        buffer.append(writer.writerow(safe_row(row)))
        if len(buffer) >= batch:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def write_csv(run: ReportRun, language: str, fileobj) -> int:
    """Write CSV (UTF-8 with BOM) to a binary file; returns the number of data rows."""
    count = -1
    for chunk in csv_chunks(run, language, batch=1):
        fileobj.write(chunk.encode("utf-8"))
        count += 1
    return count


def _xlsx_value(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(run: ReportRun, language: str, fileobj) -> int:
    """Write an XLSX workbook (write-only, new sheet every 1,048,575 rows); returns the number of data rows."""
    wb = Workbook(write_only=True)
    head = headers(run, language)
    bold = Font(bold=True)
    kinds = [c.kind for c in run.columns]
    with translation.override(language):
        title = str(run.report.title)[:28]

    def new_sheet(n):
        ws = wb.create_sheet(title=title if n == 1 else f"{title} {n}")
        ws.freeze_panes = "A2"
        for i in range(len(head)):
            width = 12 if kinds[i] in ("number", "date") else 20 if kinds[i] == "datetime" else 24
            ws.column_dimensions[_col_letter(i)].width = width
        cells = xlsx_cells(ws, head)
        for cell in cells:
            cell.font = bold
        ws.append(cells)
        return ws

    sheet_no, in_sheet, total = 1, 0, 0
    ws = new_sheet(sheet_no)
    # Plain values: openpyxl gives dates and datetimes their number format itself.
    for row in display_rows(run, language):
        if in_sheet >= XLSX_MAX_ROWS:
            sheet_no += 1
            ws, in_sheet = new_sheet(sheet_no), 0
        ws.append(xlsx_cells(ws, [_xlsx_value(v) for v in row]))
        in_sheet += 1
        total += 1
    if total == 0:
        with translation.override(language):
            ws.append([_("No rows")])
    wb.save(fileobj)
    return total


def _col_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_tempfile(run: ReportRun, language: str):
    """A rewound temporary file holding the workbook, and the row count."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, which closes it
    rows = write_xlsx(run, language, tmp)
    tmp.seek(0)
    return tmp, rows


def json_value(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def json_rows(run: ReportRun, offset: int = 0, limit: int | None = None) -> tuple[list[dict], int]:
    """Raw rows as dicts (codes, not labels) from ``offset``; returns (rows, total)."""
    keys = [c.key for c in run.columns]
    if run.report.row_per_record:
        total = run.count()
        rows = run.report.page(run, offset, limit) if limit is not None else itertools.islice(run.rows(), offset,
                                                                                                None)
        return [{k: json_value(v) for k, v in zip(keys, row, strict=True)} for row in rows], total
    out, total = [], 0
    for row in run.rows():
        if total >= offset and (limit is None or len(out) < limit):
            out.append({k: json_value(v) for k, v in zip(keys, row, strict=True)})
        total += 1
    return out, total


def write_json(run: ReportRun, fileobj) -> int:
    import json

    rows, total = json_rows(run)
    fileobj.write(json.dumps({"report": run.report.name, "period": run.period.to_params(),
                              "scope": run.scope.label, "count": total, "results": rows},
                             ensure_ascii=False, indent=1).encode("utf-8"))
    return total


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "pdf": pdf.write_report_pdf}


def write(run: ReportRun, fmt: str, language: str, fileobj) -> int:
    if fmt == "json":
        return write_json(run, fileobj)
    return WRITERS[fmt](run, language, fileobj)
