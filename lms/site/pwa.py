"""The installable app: manifest, service worker and offline page (placeholder; being built)."""

from django.http import HttpResponse, JsonResponse


def manifest(request):
    return JsonResponse({})


def service_worker(request):
    return HttpResponse("", content_type="application/javascript")


def offline(request):
    return HttpResponse("")
