"""The search page (/search/)."""

import logging
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services
from .backends.base import StaleIndexError
from .backends.elasticsearch import SearchEngineError

logger = logging.getLogger(__name__)


@login_required
def search_page(request):
    q = request.GET.get("q", "")
    error = ""
    try:
        filters = services.clean_filters({facet: request.GET.get(facet) for facet in services.FACETS})
    except ValueError:
        filters, error = {}, _("A filter had an invalid value and was ignored.")
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    unavailable = False
    try:
        result = services.search(request.user, q, filters, page)
    except (SearchEngineError, StaleIndexError):
        # The search engine is down or its index needs rebuilding: the page says so instead of failing.
        logger.exception("search failed for the search page")
        unavailable = True
        result = services.SearchResult(query=q, terms=[], hits=[], count=0, page=1, page_size=services.PAGE_SIZE,
                                       facets={}, filters=filters)

    def link(**changes) -> str:
        params = {"q": q, **{k: v for k, v in filters.items()}, "page": result.page}
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

    facet_groups = []
    titles = {"type": _("Type"), "category": _("Category"), "speaker": _("Speaker"), "year": _("Year"),
              "tier": _("Catalog tier"), "match": _("Match")}
    for facet in services.FACETS:
        values = result.facets.get(facet) or []
        if not values:
            continue
        options = []
        for v in values:
            selected = v["selected"]
            options.append({**v, "url": link(**{facet: None if selected else v["value"], "page": None})})
        facet_groups.append({"name": facet, "title": titles[facet], "options": options})
    context = {
        "q": q,
        "result": result,
        "facet_groups": facet_groups,
        "error": error,
        "unavailable": unavailable,
        "message": services.empty_message(result.empty_reason),
        "prev_url": link(page=result.page - 1) if result.page > 1 else "",
        "next_url": link(page=result.page + 1) if result.page < result.num_pages else "",
        "active_filters": [{"name": titles[k], "value": v, "url": link(**{k: None, "page": None})}
                           for k, v in filters.items()],
    }
    return render(request, "search/search.html", context)
