"""The Statements resource (PUT, POST, GET, voiding, attachments, paging)."""

from django.http import HttpResponse

from .http import endpoint


@endpoint(methods={"GET", "PUT", "POST"})
def statements(xreq):
    return HttpResponse(status=501)
