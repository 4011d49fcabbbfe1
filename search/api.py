"""GET /api/v1/search/ and /api/v1/search/suggest/."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services

SEARCH_PARAMS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words to find (Chinese or English)."),
    OpenApiParameter("type", OpenApiTypes.STR, enum=list(services.TYPE_ORDER)),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category slug."),
    OpenApiParameter("speaker", OpenApiTypes.STR),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("tier", OpenApiTypes.STR, description="Catalog tier of courses and lessons."),
    OpenApiParameter("match", OpenApiTypes.STR, enum=list(services.MATCH_LABELS)),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


def _int_param(request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: [_("A whole number is required.")]})
    if value < 1 or value > maximum:
        raise exceptions.ValidationError({name: [_("Must be between 1 and %(max)s.") % {"max": maximum}]})
    return value


def parse_filters(params) -> dict:
    try:
        return services.clean_filters({facet: params.get(facet) for facet in services.FACETS})
    except ValueError as exc:
        facet = str(exc)
        raise exceptions.ValidationError({facet: [_("Not a valid value for this filter.")]})


class SearchAPIView(APIView):
    @extend_schema(parameters=SEARCH_PARAMS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        filters = parse_filters(request.query_params)
        page = _int_param(request, "page", 1, 10_000)
        page_size = _int_param(request, "page_size", services.PAGE_SIZE, services.MAX_PAGE_SIZE)
        result = services.search(request.user, request.query_params.get("q", ""), filters, page, page_size)
        return Response(result.as_dict())


class SuggestAPIView(APIView):
    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        q = request.query_params.get("q", "")
        return Response({"query": q, "suggestions": services.suggest(request.user, q)})
