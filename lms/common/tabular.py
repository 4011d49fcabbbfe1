"""Reading CSV and XLSX uploads as rows of dicts with their line numbers, and making cells safe to export.

Imports validate every row first and write nothing unless all rows are
valid, so users see all their mistakes at once and no half-import happens.

Every CSV and XLSX export passes its cells through ``safe_cell`` (CSV) or
``xlsx_cells`` (XLSX), so that text such as a member called
``=HYPERLINK(...)`` is shown as text and never run as a formula.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext as _


class TabularError(ValueError):
    pass


@dataclass
class RowError:
    line: int
    reason: str

    def __str__(self):
        return _("line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean_header(value) -> str:
    return str(value or "").strip().lstrip("\ufeff").lower().replace(" ", "_")


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(data: bytes, filename: str, limit: int | None = None) -> list[list]:
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(data, limit=limit)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(data)
    else:
        raise TabularError(_("Unsupported file type %(suffix)s: upload a .csv or .xlsx file.") % {"suffix": suffix})
    if not rows:
        raise TabularError(_("The file is empty."))
    return rows


def read_rows(data: bytes, filename: str, aliases: dict[str, str] | None = None) -> list[tuple[int, dict]]:
    """Return [(line_number, {column: text})]; line numbers count the header as line 1."""
    aliases = aliases or {}
    rows = _raw_rows(data, filename)
    header = [aliases.get(_clean_header(h), _clean_header(h)) for h in rows[0]]
    result = []
    for offset, raw in enumerate(rows[1:], start=2):
        values = [_cell(v) for v in raw]
        if not any(values):
            continue
        result.append((offset, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}))
    return result


def load_import_rows(data: bytes, filename: str, aliases: dict[str, str],
                     required: list[str]) -> list[tuple[int, dict]]:
    """Rows of an import file, after checking its required columns and that it has data."""
    missing = [c for c in required if c not in header_of(data, filename, aliases)]
    if missing:
        raise TabularError(_("Missing column(s): %(cols)s") % {"cols": ", ".join(missing)})
    rows = read_rows(data, filename, aliases)
    if not rows:
        raise TabularError(_("The file has no data rows."))
    return rows


def header_of(data: bytes, filename: str, aliases: dict[str, str] | None = None) -> list[str]:
    aliases = aliases or {}
    return [aliases.get(_clean_header(h), _clean_header(h)) for h in _raw_rows(data, filename, limit=1)[0]]


def _csv_rows(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TabularError(_("The CSV file is neither UTF-8 nor GB18030 encoded."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes, limit: int | None = None) -> list[list]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise TabularError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if limit and len(rows) >= limit:
                break
        return rows
    finally:
        workbook.close()


# Text starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as an exported cell: text that a spreadsheet would run as a formula gets a leading ``'``.

    Only text is changed (OWASP's advice against CSV/formula injection): numbers, dates and booleans stay as
    they are, so the number -4.0 is still a number, while the text "-2+3" becomes "'-2+3".
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A CSV row with every cell passed through ``safe_cell``."""
    return [safe_cell(v) for v in values]


def xlsx_cells(sheet, values) -> list:
    """Cells for ``sheet.append()`` (a write-only sheet too): text is neutralized and typed as a string.

    openpyxl takes any text starting with "=" for a formula; a cell typed "s" is written as plain text
    whatever it holds. Characters XML cannot carry are dropped instead of failing the whole export.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for value in values:
        if isinstance(value, Promise):
            value = str(value)
        if isinstance(value, str):
            value = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
        elif isinstance(value, Decimal):
            value = float(value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells
