from django.http import JsonResponse

from . import versions
from .wire import endpoint


@endpoint(methods={"GET"}, auth=False, version_required=False)
def about(xreq):
    return JsonResponse({"version": versions.SUPPORTED, "extensions": {}})
