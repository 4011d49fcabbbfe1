"""The certificate as a PDF (A4 landscape), drawn on demand: the member's name, the course or programme, hours,
date, issuing organization with its seal, the verification code and a QR code of the verification page.

Drawn from the certificate's stored facts each time it is downloaded (a fraction of a second), so nothing goes
stale: a revoked certificate prints with a 已撤销 mark. The Chinese font is the one the archives use
(``lms.common.pdf_fonts``)."""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from lms.common.pdf_fonts import PdfFontMissing, font_path
from lms.common.units import hours_label

from .models import Certificate

# fontTools logs every subsetting step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)

__all__ = ["PdfFontMissing", "render", "qr_png"]

FONT = "cjk"
RED = (200, 22, 29)
INK = (34, 34, 34)
MUTED = (89, 89, 89)
GOLD = (214, 170, 60)
W, H = 297, 210


def qr_png(url: str) -> io.BytesIO:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def _date(value) -> str:
    return dateformat.format(value, "Y年n月j日") if not _english() else dateformat.format(value, "j F Y")


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _seal(certificate: Certificate) -> io.BytesIO | None:
    template = certificate.template
    if not template or not template.seal:
        return None
    try:
        with template.seal.open("rb") as handle:
            return io.BytesIO(handle.read())
    except OSError:
        logger.warning("seal image of certificate template %s is missing", template.pk)
        return None


def render(certificate: Certificate) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(font_path()))
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{certificate.certificate_title} · {certificate.member_name}")
    pdf.set_creator(str(settings.WAGTAIL_SITE_NAME))
    pdf.set_author(certificate.organization)
    pdf.add_page()

    # Frame: a red outer line and a thin gold inner line.
    pdf.set_draw_color(*RED)
    pdf.set_line_width(2.2)
    pdf.rect(10, 10, W - 20, H - 20)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.rect(15, 15, W - 30, H - 30)

    pdf.set_text_color(*RED)
    pdf.set_font(FONT, size=34)
    pdf.set_xy(20, 30)
    pdf.cell(W - 40, 16, certificate.certificate_title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=26)
    pdf.set_xy(20, 62)
    pdf.cell(W - 40, 14, certificate.member_name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    values = {"title": certificate.title, "date": _date(certificate.issued_on),
              "hours": hours_label(certificate.hours).replace(" ", "\u00a0")}  # "8 学时" stays on one line
    if certificate.kind == Certificate.Kind.PROGRAMME:
        body = _("completed the training programme “%(title)s” on %(date)s, %(hours)s in all. "
                 "This certificate is hereby awarded.") % values
    else:
        body = _("completed the course “%(title)s” on %(date)s, %(hours)s in all. "
                 "This certificate is hereby awarded.") % values
    pdf.set_font(FONT, size=16)
    pdf.set_xy(45, 88)
    pdf.multi_cell(W - 90, 10, body, align=Align.C)

    # Issuer (bottom right) with the seal over it.
    seal = _seal(certificate)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=14)
    pdf.set_xy(165, 150)
    pdf.cell(105, 8, certificate.organization, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if certificate.signatory:
        pdf.set_font(FONT, size=11)
        pdf.set_xy(165, 158)
        pdf.cell(105, 7, certificate.signatory, align=Align.C)
    pdf.set_font(FONT, size=12)
    pdf.set_xy(165, 166)
    pdf.cell(105, 7, _date(certificate.issued_on), align=Align.C)
    if seal is not None:
        try:
            pdf.image(seal, x=197, y=133, w=40, h=40, keep_aspect_ratio=True)
        except (OSError, ValueError, RuntimeError):
            logger.warning("seal image of certificate template %s cannot be drawn", certificate.template_id)

    # Verification (bottom left): QR code of the public page, the code and the address.
    url = certificate.verification_url()
    pdf.image(qr_png(url), x=26, y=142, w=32, h=32)
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(62, 146)
    pdf.cell(100, 5, _("Verification code"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=13)
    pdf.set_text_color(*INK)
    pdf.set_xy(62, 152)
    pdf.cell(100, 7, certificate.display_code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(62, 160)
    pdf.multi_cell(95, 4, _("Scan the code or open %(url)s to check this certificate.") % {"url": url},
                   align=Align.L)

    if certificate.is_revoked:
        pdf.set_text_color(*RED)
        pdf.set_draw_color(*RED)
        pdf.set_line_width(1.2)
        with pdf.rotation(angle=18, x=W / 2, y=H / 2):
            pdf.rect(W / 2 - 60, H / 2 - 16, 120, 32)
            pdf.set_font(FONT, size=30)
            pdf.set_xy(W / 2 - 60, H / 2 - 12)
            pdf.cell(120, 14, _("REVOKED"), align=Align.C)
            pdf.set_font(FONT, size=10)
            pdf.set_xy(W / 2 - 60, H / 2 + 3)
            pdf.cell(120, 8, _date(timezone.localdate(certificate.revoked_at)), align=Align.C)
    return bytes(pdf.output())
