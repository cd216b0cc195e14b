"""The OpenAPI document names every answer an operation gives, errors included.

FastAPI documents the 2xx answer and its own 422; the rest is added here, in one place, from what
each route depends on, so a new route is documented by being written:

- a database session (every route that reads or writes) may answer 503 ``database_busy``;
- the caller's identity (a bearer token or the session cookie) may answer 401, and a route that
  needs it declares the ``bearer`` and ``session`` security schemes; a write signed in with the
  cookie may answer 403 ``origin_rejected`` and, for a POST, 415 ``json_required``
  (``users.deps.check_cookie_write``, checked after the sign-in);
- ``require_permission`` may answer 403; routers whose routes check a permission themselves
  declare 403 with ``errors(403)``;
- the rate limit on heavy work (an analysis) may answer 429;
- a path parameter may name nothing: 404;
- a parameter or a body may be invalid: 422, and a body may not be JSON at all: 400.

Statuses only a route knows (409 on a state conflict, 429 on a throttle, a particular 403 or
404) are declared on the route with :func:`calmdesk.api_docs.errors`. Every error answer has
the one body :class:`calmdesk.errors.ErrorBody` (``web/errors.py`` renders it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel

from calmdesk.api_docs import STATUS_TEXT
from calmdesk.errors import ErrorBody
from calmdesk.playbook.deps import app_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.users.deps import READ_METHODS, get_current_user, get_optional_user, get_session
from calmdesk.users.limits import heavy_work


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def api_routes(routes: list[Any]) -> Iterator[RouteContext]:
    """Every API route of the app, with the dependencies and responses of the routers that
    include it (FastAPI keeps included routers as such in ``app.routes``)."""
    for route in iter_route_contexts(routes):
        if isinstance(route.original_route, APIRoute):
            yield route


def _all_dependants(route: RouteContext) -> list[Dependant]:
    dependant: Dependant | None = route.dependant
    return list(_dependants(dependant)) if dependant is not None else []


def _calls(route: RouteContext) -> set[Callable[..., Any]]:
    return {d.call for d in _all_dependants(route) if d.call is not None}


def _is_permission_check(call: Callable[..., Any]) -> bool:
    return getattr(call, "__qualname__", "").startswith("require_permission.")


def derived_statuses(route: RouteContext, method: str) -> set[int]:
    """The error statuses a route's dependencies and parameters can answer to ``method``."""
    calls = _calls(route)
    dependants = _all_dependants(route)
    statuses: set[int] = set()
    if get_session in calls:
        statuses.add(503)
    if get_optional_user in calls or get_current_user in calls:
        statuses.add(401)
        if method not in READ_METHODS and (route.path_format or "").startswith("/api/"):
            statuses.add(403)  # origin_rejected: a cookie write from another site's page
            if method == "POST":
                statuses.add(415)  # json_required: a cookie POST whose body is not JSON
    if any(_is_permission_check(call) for call in calls):
        statuses.add(403)
    if heavy_work in calls:
        statuses.add(429)  # the caller's share of analyses is spent
    if any(d.path_params for d in dependants):
        statuses.add(404)
    if any(d.path_params or d.query_params or d.header_params or d.body_params for d in dependants):
        statuses.add(422)
    if any(d.body_params for d in dependants):
        statuses.add(400)  # a body that is not UTF-8 JSON
    return statuses


def requires_sign_in(route: RouteContext) -> bool:
    return get_current_user in _calls(route)


SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (`calmdesk users token USERNAME`), as "
        "`Authorization: Bearer cdk_...`",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "calmdesk_session",
        "description": "The browser's session, set by `POST /api/auth/login`",
    },
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


def _error_schemas() -> dict[str, Any]:
    schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {**definitions, "ErrorBody": schema}


def _models_with_examples() -> dict[str, list[Any]]:
    """Our models' examples by model name (the component's name in the document)."""
    found: dict[str, list[Any]] = {}
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        for model in stack.pop().__subclasses__():
            stack.append(model)
            extra = model.model_config.get("json_schema_extra")
            if model.__module__.startswith("calmdesk.") and isinstance(extra, dict):
                examples = extra.get("examples")
                if isinstance(examples, list):
                    found[model.__name__] = examples
    return found


def _restore_examples(schemas: dict[str, Any]) -> None:
    """FastAPI drops every ``null`` from the document, the examples' too, which leaves them
    without fields the schema requires: put each model's examples back as written."""
    examples = _models_with_examples()
    for name, schema in schemas.items():
        if "examples" in schema and name in examples:
            schema["examples"] = examples[name]


PLAYBOOK_KEYS = {
    "category": (("CaseCreate", "CaseUpdate", "EscalateRequest"), "categories"),
    "severity": (("CaseCreate", "CaseUpdate", "EscalateRequest"), "severities"),
}
"""Body fields the server checks against the running playbook: their keys are enums there."""


def _playbook_enums(schemas: dict[str, Any], playbook: Playbook) -> None:
    keys = {
        "categories": sorted(c.key for c in playbook.categories),
        "severities": sorted({s.key for c in playbook.categories for s in c.severities}),
    }
    for field, (models, kind) in PLAYBOOK_KEYS.items():
        for model in models:
            prop = schemas[model]["properties"][field]
            for variant in prop.get("anyOf", [prop]):
                if variant.get("type") == "string":
                    variant.clear()
                    variant.update(type="string", enum=keys[kind])
            prop["description"] = f"One of the running playbook's {kind}"


def complete(
    document: dict[str, Any], routes: list[Any], playbook: Playbook | None = None
) -> dict[str, Any]:
    """Add every derived error status, the one error body and the security schemes; with the
    app's playbook, its category and severity keys as enums."""
    for route in api_routes(routes):
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            responses: dict[str, Any] = operation["responses"]
            for status in derived_statuses(route, method):
                responses.setdefault(str(status), {"description": STATUS_TEXT[status]})
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400:
                    response["content"] = {"application/json": {"schema": _ERROR_REF}}
                    if response.get("description") == "Validation Error":
                        response["description"] = STATUS_TEXT[422]
            operation["responses"] = dict(sorted(responses.items()))
            if requires_sign_in(route):
                operation["security"] = [{"bearer": []}, {"session": []}]
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    schemas.update(_error_schemas())
    _restore_examples(schemas)
    if playbook is not None:
        _playbook_enums(schemas, playbook)
    components["schemas"] = dict(sorted(schemas.items()))
    components["securitySchemes"] = SECURITY_SCHEMES
    return document


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and ``/openapi.json``) the completed document."""
    generate = app.openapi
    completed: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = generate()
        if not any(document is done for done in completed):
            completed[:] = [complete(document, app.routes, app_playbook(app))]
        return document

    app.openapi = openapi  # type: ignore[method-assign]
