"""The demo step: a template with a drawn seal, the demo's courses issue certificates for completions made
before it ran; running it twice changes nothing."""

import pytest

from lms.certificates import demo
from lms.certificates.models import Certificate, CertificateProgramme, CertificateTemplate
from tests.certificates.conftest import course_with_lessons


@pytest.mark.django_db
def test_demo_issues_certificates_for_earlier_completions(people, complete):
    first = course_with_lessons("党章党规学习")
    second = course_with_lessons("党史学习教育")
    complete(people["m1"], first)
    complete(people["m1"], second)
    complete(people["m2"], first)
    result = demo.seed()
    assert result["issued"] == 4  # two courses for m1, one for m2, the programme for m1
    template = CertificateTemplate.objects.get(name=demo.TEMPLATE_NAME)
    assert template.seal and template.seal.size > 1000
    assert CertificateProgramme.objects.get(title=demo.PROGRAMME).certificates.count() == 1
    again = demo.seed()
    assert again["issued"] == 0 and Certificate.objects.count() == 4
    assert CertificateTemplate.objects.filter(name=demo.TEMPLATE_NAME).count() == 1
