"""The Chinese font embedded (subsetted) in the PDFs the apps print (archives, certificates).

It comes from the ``pylopdf-fonts-zh-cn`` package (Noto Sans SC, SIL OFL) so a clean machine needs nothing else;
``settings.LMS_PDF_FONT`` may point to another TTF/OTF, and common system CJK fonts are tried last.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class PdfFontMissing(RuntimeError):
    pass


def font_path() -> Path:
    configured = getattr(settings, "LMS_PDF_FONT", "")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise PdfFontMissing(_("The PDF font %(path)s does not exist.") % {"path": configured})
        return path
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        pylopdf_fonts_zh_cn = None
    if pylopdf_fonts_zh_cn is not None:
        path = Path(pylopdf_fonts_zh_cn.sans_path())
        if path.is_file():
            return path
    for candidate in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise PdfFontMissing(_("No Chinese font is installed for PDF export (install pylopdf-fonts-zh-cn)."))
