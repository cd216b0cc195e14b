"""What routers document themselves with: the error statuses a route answers beyond those its
dependencies imply (:func:`errors`, see ``web/openapi.py``) and one named example per language
for a request body (:func:`named_examples`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from calmdesk.errors import ErrorBody
from calmdesk.languages import LANGUAGES

Responses = dict[int | str, dict[str, Any]]

STATUS_TEXT: dict[int, str] = {
    400: "The body cannot be read: not UTF-8 JSON (`bad_request`)",
    401: "Not signed in, or a bad bearer token or session (`not_authenticated`, `invalid_token`)",
    403: "The caller's role, or the resource's owner, does not allow this (`permission_denied`); "
    "a write with the session cookie from another site's page (`origin_rejected`)",
    404: "Nothing has this id or name (`not_found`, or a code naming the kind)",
    409: "Refused in the resource's current state (the code names why)",
    415: "A write with the session cookie must send its body as JSON (`json_required`), even "
    "when the route reads no body",
    422: "Invalid input: `validation_error` names each bad field in `fields`; other codes name "
    "the problem",
    429: "Too many requests: try again after `Retry-After` seconds (`too_many_attempts`, "
    "`rate_limited`)",
    503: "The database could not take the write lock in time (`database_busy`); nothing was "
    "stored: send it again after `Retry-After` seconds",
}


def errors(*statuses: int | tuple[int, str]) -> Responses:
    """``responses=`` for a route or router: ``errors(404, (409, "`invalid_transition` ..."))``.
    A bare status gets the common description."""
    responses: Responses = {}
    for item in statuses:
        status, description = item if isinstance(item, tuple) else (item, STATUS_TEXT[item])
        responses[status] = {"model": ErrorBody, "description": description}
    return responses


def named_examples(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    """The model's examples (Polish, Russian, English, in that order) as OpenAPI named examples,
    for ``Body(openapi_examples=...)``."""
    extra = model.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    if not isinstance(examples, list):
        examples = []
    return {
        lang: {"summary": lang, "value": example}
        for lang, example in zip(LANGUAGES, examples, strict=False)
    }
