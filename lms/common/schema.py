def only_public_api(endpoints, **kwargs):
    """Keep the OpenAPI document to our /api/v1/ (Wagtail's admin API is internal)."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


ERROR_SCHEMA = {
    "type": "object",
    "description": "The API's one error shape (lms.common.api_errors).",
    "properties": {
        "error": {"type": "string", "description": "A message for people, in the request's language."},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "A stable code for programs (e.g. not_found, invalid)."},
        "fields": {"type": "object", "description": "Per-field messages of a validation error.",
                   "additionalProperties": True},
    },
    "required": ["error", "status"],
}
# What any operation may answer besides its success: bad input, not logged in, not allowed, no such object,
# an Accept header we cannot serve, too many calls (throttled, with Retry-After); writes may also conflict with
# the current state, be too large or be in a format we do not read.
COMMON_ERRORS = {"400": "Bad input.", "401": "Not authenticated.", "403": "Not allowed.", "404": "Not found.",
                 "406": "Unacceptable Accept header.",
                 "429": "Too many requests (code throttled): try again after Retry-After seconds."}
WRITE_ERRORS = {"409": "Conflicts with the current state.", "413": "Too large.", "415": "Unsupported media type."}


def error_responses(result, generator, request, public):
    """Document the error answers of every operation with the error shape, so clients and the schema fuzz test
    in make test can rely on them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON_ERRORS)
            if method in ("post", "put", "patch"):
                errors.update(WRITE_ERRORS)
            for status, text in errors.items():
                answer = {"description": text, "content": ref}
                if status == "429":
                    answer["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                         "description": "Seconds to wait before the next call."}}
                operation["responses"].setdefault(status, answer)
    return result
