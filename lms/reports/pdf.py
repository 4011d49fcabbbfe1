"""Printable archive PDFs with an embedded (subsetted) Chinese font.

The font is found by ``lms.common.pdf_fonts`` (the ``pylopdf-fonts-zh-cn`` package,
``settings.LMS_PDF_FONT`` or a system CJK font), shared with the certificates.
"""

import datetime
import io
import logging
import zipfile
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, WrapMode, XPos, YPos

from lms.common.pdf_fonts import PdfFontMissing, font_path  # noqa: F401  (the views catch pdf.PdfFontMissing)

from .archive import Archive

# fontTools logs every subsetting step at INFO; one PDF would fill the server log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT = "cjk"
INK = (34, 34, 34)
MUTED = (110, 110, 110)
RED = (200, 22, 29)
HEAD_FILL = (246, 232, 233)


def _fmt_hours(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.isoformat()


class ArchivePDF(FPDF):
    """A4 portrait; header with the organization, footer with the member and page numbers."""

    def __init__(self, generated_at=None, *, orientation: str = "P", title: str | None = None):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", str(font_path()))
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(16, 16, 16)
        self.set_title(title or _("Education and training archive"))
        self.set_creator(str(settings.WAGTAIL_SITE_NAME))
        self.generated_at = generated_at or timezone.localtime()
        self.footer_text = ""

    def header(self):
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, settings.LMS_ORGANIZATION_NAME, align="L")
        self.cell(0, 5, _("Generated %(time)s") % {"time": self.generated_at.strftime("%Y-%m-%d %H:%M")},
                  align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RED)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text, align="L")
        self.cell(0, 5, _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}, align="R")
        self.set_text_color(*INK)

    # -- building blocks ------------------------------------------------------------------------------
    def heading(self, text: str, size: int = 12):
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_font(FONT, size=size)
        self.set_text_color(*RED)
        self.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FONT, size=9)

    def note(self, text: str):
        self.set_font(FONT, size=9)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
        self.set_text_color(*INK)

    def grid(self, headings: list[str], rows: list[list[str]], widths: list[float]):
        self.set_font(FONT, size=9)
        with self.table(col_widths=widths, width=self.epw, wrapmode=WrapMode.CHAR, text_align="LEFT",
                        headings_style=FontFace(emphasis="", fill_color=HEAD_FILL),
                        cell_fill_mode=TableCellFillMode.NONE, line_height=5, padding=1) as table:
            head = table.row()
            for text in headings:
                head.cell(text)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(str(value) if value is not None else "")
        self.ln(1)

    # -- the archive ----------------------------------------------------------------------------------
    def archive(self, archive: Archive):
        member = archive.member
        self.footer_text = f"{member.name} · {member.employee_no} · {archive.year}"
        self.add_page()
        self.set_font(FONT, size=18)
        self.cell(0, 11, _("Education and training archive"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=10)
        self.cell(0, 6, _("Period: %(start)s to %(end)s") % {"start": f"{archive.year}-01-01",
                                                             "end": f"{archive.year}-12-31"},
                  align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.grid(
            [_("Name"), _("Employee number"), _("Org unit"), _("Roles")],
            [[member.name, member.employee_no, member.org_unit.full_name,
              "、".join(r.name for r in member.roles.all())]],
            [22, 24, 80, 56],
        )
        self.heading(_("Study hours %(year)s") % {"year": archive.year})
        status = _("n/a") if archive.compliant is None else (
            _("Requirement met") if archive.compliant else
            _("Short by %(hours)s hours") % {"hours": _fmt_hours(archive.shortfall)})
        self.grid(
            [_("Required hours"), _("Earned hours"), *[g.label for g in archive.groups], _("Status")],
            [[_fmt_hours(archive.required), _fmt_hours(archive.total),
              *[_fmt_hours(g.hours) for g in archive.groups], status]],
            [18, 18, *[14] * len(archive.groups), 146 - 14 * len(archive.groups)],
        )
        for group in archive.groups:
            if not group.entries:
                continue
            self.heading(f"{group.label} · {_fmt_hours(group.hours)} {_('hours')}", size=10)
            rows = []
            for entry in group.entries:
                remark = ""
                if getattr(entry, "reversal", None) is not None:
                    remark = _("Reversed on %(date)s") % {"date": entry.reversal.date.isoformat()}
                rows.append([entry.date.isoformat(), entry.title, _fmt_hours(entry.hours), remark])
            self.grid([_("Date"), _("Title"), _("Hours"), _("Remark")], rows, [20, 114, 14, 34])
        if archive.assignments:
            self.heading(_("Assigned courses"))
            self.grid(
                [_("Course"), _("Assigned on"), _("Due"), _("Status"), _("Completed on")],
                [[a.course.title, _day(getattr(a, "assigned_at", None)), _day(a.due_on),
                  _assignment_status(a), _day(getattr(a, "completed_at", None))] for a in archive.assignments],
                [64, 30, 22, 30, 36],
            )
        if archive.quiz_results:
            from .sources import attempt_title

            self.heading(_("Quiz results"))
            self.grid(
                [_("Quiz"), _("Submitted"), _("Score"), _("Passed")],
                [[attempt_title(q), _date(q.submitted_at), _score(q), _yes_no(q.passed)]
                 for q in archive.quiz_results],
                [82, 40, 30, 30],
            )
        certificates = getattr(archive, "certificates", None)
        if certificates:
            self.heading(_("Certificates"))
            self.grid(
                [_("Certificate"), _("Issued on"), _("Hours"), _("Verification code"), _("Status")],
                [[c.title, _day(c.issued_on), _fmt_hours(c.hours), c.display_code,
                  pgettext("certificate", "Revoked") if c.is_revoked else pgettext("certificate", "Valid")]
                 for c in certificates],
                [70, 26, 16, 44, 26],
            )
        self.org_life(archive)
        self.heading(_("Corrections"))
        if archive.corrections:
            self.grid(
                [_("Date"), _("Reversed entry"), _("Hours"), _("Reason"), _("By")],
                [[c.date.isoformat(), f"#{c.reverses_id} {c.reverses.title if c.reverses else ''}",
                  _fmt_hours(c.hours), c.reason, c.created_by.get_username() if c.created_by else ""]
                 for c in archive.corrections],
                [20, 60, 14, 60, 28],
            )
        else:
            self.note(_("No corrections."))
        self.ln(6)
        self.note(_("This archive is generated from the study-hour ledger; entries cannot be edited, "
                    "corrections appear as reversing entries."))
        self.ln(10)
        self.set_font(FONT, size=10)
        self.cell(90, 6, _("Member signature:"))
        self.cell(0, 6, _("Reviewed by (seal):"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


    def org_life(self, archive: Archive):
        life = archive.org_life
        self.heading(_("Organizational life"))
        self.note(_("Expected at %(expected)s activities held: attended %(attended)s, excused leave %(leave)s, "
                    "absent %(absent)s.") % {"expected": life.expected, "attended": life.attended,
                                             "leave": life.leave, "absent": life.absent})
        if life.lines:
            self.grid(
                [_("Date"), _("Kind"), _("Activity"), _("Attendance"), _("Remark")],
                [[_date(a.starts_at), a.kind, a.title, a.status_label, a.note] for a in life.lines],
                [30, 26, 70, 22, 30],
            )
        else:
            self.note(_("No organizational life this year."))


def _score(attempt) -> str:
    if attempt.score is None:
        display = getattr(attempt, "get_status_display", None)
        return str(display()) if display else "—"
    return f"{_fmt_hours(attempt.score)} / {_fmt_hours(attempt.max_score)}"


def _yes_no(value) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def _assignment_status(assignment) -> str:
    return str(getattr(assignment, "status_label", "") or assignment.get_status_display())


def archive_pdf(archive: Archive) -> bytes:
    pdf = ArchivePDF(archive.generated_at)
    pdf.archive(archive)
    return bytes(pdf.output())


def archives_pdf(archives) -> bytes:
    """Several archives in one document, each starting on a new page."""
    pdf = ArchivePDF()
    any_page = False
    for archive in archives:
        pdf.archive(archive)
        any_page = True
    if not any_page:
        pdf.add_page()
        pdf.note(_("No members."))
    return bytes(pdf.output())


def archive_filename(archive: Archive) -> str:
    return f"{archive.member.employee_no}-{archive.member.name}-{archive.year}.pdf"


def archives_zip(archives, fileobj) -> int:
    """One PDF per member in a ZIP written to ``fileobj``; returns the number of PDFs."""
    count = 0
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for archive in archives:
            zf.writestr(archive_filename(archive), archive_pdf(archive))
            count += 1
    return count


def archives_zip_bytes(archives) -> tuple[bytes, int]:
    buf = io.BytesIO()
    count = archives_zip(archives, buf)
    return buf.getvalue(), count


# -- report runs --------------------------------------------------------------------------------------------
PDF_MAX_ROWS = 5000  # a printable document; the XLSX download has every row
WIDTH_BY_KIND = {"number": 1.2, "date": 2.0, "datetime": 2.8, "text": 2.6}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, datetime.datetime):
        return _date(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return _fmt_hours(value)
    return str(value)


class ReportPDF(ArchivePDF):
    """A4 landscape: a report as a table under its title, scope (or branch) and period, optionally signed."""

    def __init__(self, title: str):
        super().__init__(orientation="L", title=title)

    def section(self, title: str, lines: list[str], footer: str):
        self.add_page()  # prints the previous section's footer first
        self.footer_text = footer
        self.set_font(FONT, size=16)
        self.cell(0, 10, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=10)
        for line in lines:
            self.cell(0, 6, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def signature(self):
        if self.get_y() > self.h - 36:
            self.add_page()
        self.ln(10)
        self.set_font(FONT, size=11)
        self.cell(0, 7, _("Branch secretary's signature: ________________    Date: ________________"),
                  align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_report(run, language: str, *, max_rows: int = PDF_MAX_ROWS) -> tuple[bytes, int]:
    """A report run as a PDF in ``language``; returns (content, rows). A report may set ``pdf_group_by`` (a
    column key: one section per value, e.g. per branch, each on a new page), ``pdf_signature`` (the branch
    secretary's signature line under each section) and ``pdf_widths`` (relative widths by column key)."""
    with translation.override(language):
        report = run.report
        columns = run.columns
        title = str(report.title)
        keys = [c.key for c in columns]
        group_by = getattr(report, "pdf_group_by", "") or ""
        gi = keys.index(group_by) if group_by in keys else None
        shown = [i for i in range(len(columns)) if i != gi]
        head = [str(columns[i].label) for i in shown]
        widths_by_key = getattr(report, "pdf_widths", {}) or {}
        widths = [widths_by_key.get(columns[i].key, WIDTH_BY_KIND.get(columns[i].kind, 2.6)) for i in shown]
        displays = [(i, c.display) for i, c in enumerate(columns) if c.display is not None]
        period = _("Period: %(start)s to %(end)s") % {"start": run.period.start.isoformat(),
                                                     "end": run.period.end.isoformat()}
        signed = bool(getattr(report, "pdf_signature", False))
        pdf = ReportPDF(title)

        def flush(group, rows, note=""):
            if gi is not None and group:
                place = _("Branch: %(branch)s") % {"branch": group}
            else:
                place = _("Scope: %(scope)s") % {"scope": run.scope.label}
            pdf.section(title, [place, period], f"{title} · {group or run.scope.label} · {run.period.label}")
            if rows:
                pdf.grid(head, rows, widths)
            else:
                pdf.note(_("No rows"))
            if note:
                pdf.note(note)
            if signed:
                pdf.signature()

        group, rows, total, cut = None, [], 0, False
        for row in run.rows():
            if total >= max_rows:
                cut = True
                break
            for i, show in displays:
                row[i] = show(row[i])
            value = row[gi] if gi is not None else None
            if total and value != group:
                flush(group, rows)
                rows = []
            group = value
            rows.append([_cell(row[i]) for i in shown])
            total += 1
        flush(group, rows, _("Only the first %(n)d rows are shown; the XLSX download has all of them.")
              % {"n": max_rows} if cut else "")
        return bytes(pdf.output()), total


def report_pdf(run, language: str) -> bytes:
    return render_report(run, language)[0]


def write_report_pdf(run, language: str, fileobj) -> int:
    """The exporters' signature (``exporting.WRITERS``): write the PDF, return the number of rows."""
    content, rows = render_report(run, language)
    fileobj.write(content)
    return rows


def report_pdf_filename(run) -> str:
    return run.filename("pdf")
