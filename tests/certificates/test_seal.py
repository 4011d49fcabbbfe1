"""The seal image: PNG or JPEG that Pillow reads in full, within the size limit."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.certificates.demo import seal_png
from lms.certificates.seal import validate_seal
from tests.certificates.conftest import png_bytes


def upload(content: bytes, name="seal.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_png_and_jpeg_are_accepted(fmt):
    validate_seal(upload(png_bytes(fmt=fmt)))


@pytest.mark.parametrize("content", [
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"not an image at all",
    png_bytes()[:60],  # cut off
    png_bytes(fmt="GIF"),
])
def test_other_files_are_refused(content):
    with pytest.raises(ValidationError):
        validate_seal(upload(content))


def test_a_seal_over_the_size_limit_is_refused(settings):
    big = upload(b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="2 MB"):
        validate_seal(big)


def test_a_seal_too_many_pixels_across_is_refused():
    with pytest.raises(ValidationError):
        validate_seal(upload(png_bytes(size=(4001, 10))))


def test_the_demo_seal_is_a_valid_transparent_png():
    content = seal_png("示例集团有限公司党委", size=300)
    validate_seal(upload(content))
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(content))
    assert image.format == "PNG" and image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0
