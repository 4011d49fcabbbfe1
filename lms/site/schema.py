def only_public_api(endpoints, **kwargs):
    """Keep the OpenAPI document to our /api/v1/ (Wagtail's admin API is internal)."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
