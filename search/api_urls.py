from django.urls import path

from .api import SearchAPIView, SuggestAPIView

urlpatterns = [
    path("search/", SearchAPIView.as_view(), name="api-search"),
    path("search/suggest/", SuggestAPIView.as_view(), name="api-search-suggest"),
]
