"""Pages: my certificates, a certificate's PDF, and the public verification page with its form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.org.scope import require_member

from . import access, codes, pdf, services


@login_required
def my_certificates(request):
    member = require_member(request.user, _("Only members have certificates."))
    certificates = services.certificates_for(member)
    return render(request, "certificates/my_certificates.html", {"member": member, "certificates": certificates})


@login_required
@require_GET
def certificate_pdf(request, pk):
    certificate = access.visible_certificates(request.user).select_related("template").filter(pk=pk).first()
    if certificate is None:
        raise Http404(_("No such certificate."))
    try:
        content = pdf.render(certificate)
    except pdf.PdfFontMissing as exc:
        messages.error(request, str(exc))
        return redirect("certificates:mine")
    response = HttpResponse(content, content_type="application/pdf")
    inline = request.GET.get("inline") == "1"
    response["Content-Disposition"] = content_disposition_header(not inline, f"certificate-{certificate.code}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


class VerifyForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=64,
                           help_text=gettext_lazy("The 16 letters and digits under the QR code, e.g. "
                                                  "ABCD-EFGH-JKLM-NPQR."))

    def clean_code(self):
        code = codes.normalize(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("A verification code has 16 letters and digits (A–Z, 2–7)."))
        return code


@require_GET
def verify_form(request):
    """Type a code (who received a certificate on paper and has no QR scanner)."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    status = 400 if form.is_bound else 200
    return render(request, "certificates/verify_form.html", {"form": form}, status=status)


@never_cache
@require_GET
def verify(request, code):
    """Public: the printed facts of one certificate and whether it is valid, nothing else."""
    canonical = codes.normalize(code)
    if canonical is None:
        raise Http404(_("No certificate has this verification code."))
    if canonical != code:
        return redirect("certificates:verify", code=canonical)
    certificate = services.find(canonical)
    if certificate is None:
        raise Http404(_("No certificate has this verification code."))
    return render(request, "certificates/verify.html", {"certificate": certificate})
