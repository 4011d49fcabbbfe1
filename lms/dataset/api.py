"""GET /api/v1/dataset/export/: the dataset of the caller's scope as a ZIP, for HR (a superuser: everything)."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.common import exports

from . import services

ZIP = "application/zip"


class ZipRenderer(BaseRenderer):
    """Lets an Accept of application/zip through content negotiation; the view returns the file itself."""

    media_type = ZIP
    format = "zip"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class DatasetExportView(APIView):
    renderer_classes = [ZipRenderer, JSONRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON whatever was asked for (the API's one error shape).
        if isinstance(response, Response):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(operation_id="dataset_export", responses={(200, ZIP): OpenApiTypes.BINARY},
                   description="The data standard's ZIP (docs/data-standard.md) for the caller's org scope. HR only.")
    def get(self, request):
        scope = services.scope_for_user(request.user)
        if scope is None:
            raise PermissionDenied(_("Only HR may download the dataset."))
        out = tempfile.TemporaryFile()  # a large site's dataset is not held in memory
        manifest = services.export_dataset(out, scope)
        rows = sum(f["count"] for name, f in manifest["files"].items() if name.endswith(".jsonl"))
        exports.record(request.user, name="dataset", fmt="zip", rows=rows, units=scope.units or ())
        out.seek(0)
        name = f"dataset-{timezone.localdate():%Y%m%d}.zip"
        return FileResponse(out, as_attachment=True, filename=name, content_type=ZIP)
