"""The seal image HR uploads: PNG or JPEG only, within a size limit, and a picture Pillow can read in full."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from . import conf

FORMATS = {"PNG", "JPEG"}


def validate_seal(upload) -> None:
    if upload is None:
        return
    if getattr(upload, "size", 0) > conf.SEAL_MAX_MB * 1024 * 1024:
        raise ValidationError(_("The seal image is larger than %(mb)d MB.") % {"mb": conf.SEAL_MAX_MB},
                              code="too_large")
    if getattr(upload, "_committed", False):
        return  # the file already stored, not a new upload: it was checked when it came in
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The seal must be a PNG or JPEG image."), code="invalid_image") from None
    finally:
        upload.seek(0)
    if kind not in FORMATS:
        raise ValidationError(_("The seal must be a PNG or JPEG image."), code="invalid_image")
    if max(size) > conf.SEAL_MAX_PIXELS:
        raise ValidationError(_("The seal image is larger than %(px)d pixels across.") % {"px": conf.SEAL_MAX_PIXELS},
                              code="too_large")
