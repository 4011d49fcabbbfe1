"""Demo certificates (run by ``seed_demo`` after training, quizzes, activities and reports; safe to run twice).

A template of the demo organization with a seal drawn here with Pillow (a red ring, the star and the
organization's name around it; no file from outside), the demo's completed courses issue certificates, and the
programme 党性教育专题培训班 (党章党规学习 + 党史学习教育) issues one to those who completed both. Certificates
are issued for the completions the demo made before this step; one is revoked and re-issued, to show both."""

from __future__ import annotations

import io
import math

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from lms.catalog.models import CoursePage
from lms.common.pdf_fonts import PdfFontMissing, font_path
from lms.org.models import Member

from . import services
from .models import Certificate, CertificateProgramme, CertificateTemplate, CourseCertificate

DEMO_ORDER = 45
TEMPLATE_NAME = "示例：公司党委结业证书"
COURSES = ["党章党规学习", "党史学习教育", "廉洁从业警示教育", "支部书记履职能力培训", "安全生产专题培训",
           "入党积极分子培训"]
PROGRAMME = "党性教育专题培训班"
PROGRAMME_COURSES = ["党章党规学习", "党史学习教育"]
SEAL_RED = (200, 22, 29, 235)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def seal_png(text: str, size: int = 600) -> bytes:
    """A round red seal: ring, star in the middle and ``text`` around the upper arc."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    ring = size * 0.47
    draw.ellipse((c - ring, c - ring, c + ring, c + ring), outline=SEAL_RED, width=int(size * 0.035))
    _star(draw, c, c, size * 0.14)
    try:
        font = ImageFont.truetype(str(font_path()), int(size * 0.1))
    except (PdfFontMissing, OSError):
        return _png(image)
    chars = list(text)
    span = math.radians(min(250, 22 * len(chars)))
    radius = size * 0.34
    for index, char in enumerate(chars):
        angle = -math.pi / 2 - span / 2 + span * (index + 0.5) / len(chars)
        glyph = Image.new("RGBA", (int(size * 0.14), int(size * 0.14)), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=font, fill=SEAL_RED,
                                   anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(angle) - glyph.width / 2
        y = c + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed() -> dict:
    organization = getattr(settings, "LMS_ORGANIZATION_NAME", "") or "公司党委"
    template = CertificateTemplate.objects.filter(name=TEMPLATE_NAME).first()
    if template is None:
        template = CertificateTemplate(name=TEMPLATE_NAME, organization=organization, title="结业证书",
                                       signatory="党委组织部")
        template.seal.save("demo-seal.png", ContentFile(seal_png(organization)), save=False)
        template.save()
    courses = {c.title: c for c in CoursePage.objects.filter(title__in=COURSES)}
    for title in COURSES:
        if title in courses:
            CourseCertificate.objects.get_or_create(course=courses[title], defaults={"template": template})
    programme = CertificateProgramme.objects.filter(title=PROGRAMME).first()
    if programme is None and all(t in courses for t in PROGRAMME_COURSES):
        programme = CertificateProgramme.objects.create(title=PROGRAMME, template=template)
        programme.courses.set([courses[t] for t in PROGRAMME_COURSES])
    issued = services.issue_missing()
    # One certificate revoked (the name was misspelt) and re-issued, to show both states.
    revoked = 0
    hr = Member.objects.filter(employee_no="D9001").select_related("user").first()
    sample = (Certificate.objects.filter(member__employee_no="D2004", course__title="廉洁从业警示教育",
                                         revoked_at__isnull=True).first())
    if hr is not None and sample is not None and not Certificate.objects.filter(revoked_at__isnull=False).exists():
        services.revoke(sample, by=hr.user, reason="姓名有误，已重新颁发")
        services.reissue(sample, by=hr.user)
        revoked = 1
    return {"template": template.pk, "issued": issued, "revoked_and_reissued": revoked}
