"""A walk over the app's OpenAPI document: every operation says what each of its answers looks
like, every example is one the model (and the document's own JSON schema) accepts, every enum
is the server's, and every integer and string the server reads is bounded."""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

import calmdesk
from calmdesk.errors import CalmDeskError
from calmdesk.settings import Settings
from calmdesk.users.deps import (
    check_cookie_write,
    get_current_user,
    get_optional_user,
    get_session,
)
from calmdesk.web.app import create_app

Document = dict[str, Any]
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> Document:
    openapi: Document = create_app(Settings(env="test", database_url="sqlite://")).openapi()
    return openapi


def operations(document: Document) -> Iterator[tuple[str, str, Document]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def resolve(document: Document, schema: Document) -> Document:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def test_every_operation_is_walked(document: Document) -> None:
    labels = {f"{method} {path}" for method, path, _ in operations(document)}
    assert {"POST /api/cases", "GET /healthz", "GET /playbook/export", "POST /api/contacts"} <= (
        labels
    )
    assert len(labels) >= 49


def test_the_playbook_export_documents_html_and_markdown(document: Document) -> None:
    content = document["paths"]["/playbook/export"]["get"]["responses"]["200"]["content"]
    assert content == {
        "text/html": {"schema": {"type": "string"}},
        "text/markdown": {"schema": {"type": "string"}},
    }


def test_every_error_answer_is_the_error_body(document: Document) -> None:
    wrong = []
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema != {"$ref": "#/components/schemas/ErrorBody"}:
                wrong.append(f"{method} {path} {status}: {schema}")
    assert not wrong, "\n".join(wrong)
    assert "HTTPValidationError" not in document["components"]["schemas"]
    body = document["components"]["schemas"]["ErrorBody"]
    assert body["required"] == ["code", "message"]


def _statuses(operation: Document) -> set[int]:
    return {int(status) for status in operation["responses"]}


@pytest.mark.parametrize(
    ("label", "statuses"),
    [
        ("POST /api/auth/login", {401, 403, 422, 429}),
        ("POST /api/cases/{case_id}/transitions", {409}),
        ("POST /api/compensations/{compensation_id}/approve", {409}),
        ("POST /api/social/posts/{post_id}/escalate", {409}),
        ("POST /api/social/authors/erase", {404}),
        ("PATCH /api/users/{user_id}", {403, 404, 409}),
    ],
)
def test_statuses_only_the_route_knows_are_documented(
    document: Document, label: str, statuses: set[int]
) -> None:
    method, path = label.split(" ")
    assert statuses <= _statuses(document["paths"][path][method.lower()])


def test_signed_in_operations_declare_their_security_schemes(document: Document) -> None:
    open_ = {"/api/auth/login", "/api/auth/logout", "/healthz"}
    for method, path, operation in operations(document):
        expected: list[dict[str, list[str]]] | None = (
            None if path in open_ else [{"bearer": []}, {"session": []}]
        )
        assert operation.get("security") == expected, f"{method} {path}"
    assert set(document["components"]["securitySchemes"]) == {"bearer", "session"}


def _models() -> dict[str, type[BaseModel]]:
    """Every pydantic model of the package, by name (the document's component names)."""
    for module in pkgutil.walk_packages(calmdesk.__path__, "calmdesk."):
        importlib.import_module(module.name)
    models: dict[str, type[BaseModel]] = {}
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub.__module__.startswith("calmdesk."):
                models.setdefault(sub.__name__, sub)
            stack.append(sub)
    return models


def _component_examples(document: Document) -> Iterator[tuple[str, Any]]:
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            yield name, example


def _named_examples(document: Document) -> Iterator[tuple[str, str, Any]]:
    for method, path, operation in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        for body in content.values():
            schema_ref = body["schema"].get("$ref") or next(
                (v["$ref"] for v in body["schema"].get("anyOf", []) if "$ref" in v), ""
            )
            for name, example in body.get("examples", {}).items():
                yield f"{method} {path} ({name})", schema_ref.rsplit("/", 1)[-1], example["value"]


def test_the_main_models_have_an_example_per_language(document: Document) -> None:
    schemas = document["components"]["schemas"]
    main = [
        "CaseCreate",
        "CaseUpdate",
        "TransitionRequest",
        "CustomerUpdate",
        "CompensationCreate",
        "ApprovalDecision",
        "PostCreate",
        "ReplyCreate",
        "PromiseCreate",
        "NoteCreate",
        "AuthorErase",
        "UserCreate",
        "UserUpdate",
        "MeUpdate",
        "UserRead",
        "MeRead",
        "CaseRead",
        "CompensationRead",
        "PostRead",
    ]
    few = {name: len(schemas[name].get("examples", [])) for name in main}
    assert all(count >= 3 for count in few.values()), few
    operation = document["paths"]["/api/cases"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert list(examples) == ["pl", "ru", "en"]


def test_every_example_validates_against_its_model_and_its_schema(document: Document) -> None:
    models = _models()
    refused = []
    examples = [(name, name, example) for name, example in _component_examples(document)]
    examples += list(_named_examples(document))
    assert len(examples) > 60
    for label, name, example in examples:
        model = models[name]
        try:
            model.model_validate(example)
        except ValueError as error:
            refused.append(f"{label}: {error}")
        validator = jsonschema_rs.validator_for(
            {**document["components"]["schemas"][name], "components": document["components"]},
            validate_formats=True,
        )
        for problem in validator.iter_errors(example):
            refused.append(f"{label} against the document: {problem.message}")
    assert not refused, "\n".join(refused)


def _enums() -> dict[str, set[set[str]] | list[set[str]]]:
    found: dict[str, list[set[str]]] = {}
    stack: list[type[enum.Enum]] = [enum.StrEnum]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub.__module__.startswith("calmdesk."):
                found.setdefault(sub.__name__, []).append({str(m.value) for m in sub})
            stack.append(sub)
    return dict(found)


def test_every_documented_enum_is_the_servers(document: Document) -> None:
    _models()  # imports every module, so every enum is loaded
    enums = _enums()
    differ = []
    for name, schema in document["components"]["schemas"].items():
        if "enum" in schema and set(schema["enum"]) not in enums.get(name, []):
            differ.append(f"{name}: {schema['enum']} is no enum of the server's")
    assert not differ, "\n".join(differ)
    schemas = document["components"]["schemas"]
    assert set(schemas["Language"]["enum"]) == {"pl", "ru", "en"}
    assert set(schemas["Role"]["enum"]) == {"agent", "supervisor", "handler", "admin"}


@pytest.mark.parametrize(
    ("schema", "field", "enum"),
    [
        ("CaseCreate", "channel", "Channel"),
        ("CaseCreate", "language", "Language"),
        ("CaseFilters", "status", "CaseStatus"),
        ("PostCreate", "platform", "Platform"),
        ("PostCreate", "lang", "Language"),
        ("UserCreate", "role", "Role"),
        ("UserCreate", "language", "Language"),
        ("TransitionRequest", "to", "CaseStatus"),
    ],
)
def test_the_constrained_fields_are_enums(
    document: Document, schema: str, field: str, enum: str
) -> None:
    schemas = document["components"]["schemas"]
    if schema not in schemas:  # query models are expanded into parameters
        operation = document["paths"]["/api/cases"]["get"]
        parameter = next(p for p in operation["parameters"] if p["name"] == field)
        assert f"#/components/schemas/{enum}" in str(parameter["schema"])
        return
    assert f"#/components/schemas/{enum}" in str(schemas[schema]["properties"][field])


def test_moments_say_they_need_an_offset(document: Document) -> None:
    occurred_at = document["components"]["schemas"]["CaseCreate"]["properties"]["occurred_at"]
    moment = next(v for v in occurred_at["anyOf"] if v.get("type") == "string")
    assert moment["format"] == "date-time"
    assert moment["pattern"].endswith("([Zz]|[+-][0-9]{2}:[0-9]{2})$")
    assert "Not in the future" in moment["description"]


def test_every_success_answer_has_a_schema(document: Document) -> None:
    """A 2xx names what it carries: a JSON schema, or a typed body such as HTML or Markdown
    text; a 204 carries nothing."""
    bare = []
    for method, path, operation in operations(document):
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert successes, f"{method} {path} has no success answer"
        for status, response in successes.items():
            content = response.get("content", {})
            if status == "204":
                if content:
                    bare.append(f"{method} {path} 204 has a body: {content}")
                continue
            if not content:
                bare.append(f"{method} {path} {status}: no content")
            for media_type, body in content.items():
                schema = resolve(document, body.get("schema") or {})
                if not schema or schema == {"type": "object"} or schema.get("type") == "null":
                    bare.append(f"{method} {path} {status} {media_type}: {body.get('schema')}")
                elif media_type == "application/json" and not (
                    {"type", "anyOf", "enum", "properties", "items"} & set(schema)
                ):
                    bare.append(f"{method} {path} {status}: untyped {schema}")
    assert not bare, "\n".join(bare)


# What each route can answer, read from the code: its dependencies, its path and its body, and
# every domain error that the endpoint, its dependencies and the calmdesk functions they call
# (a few levels down) raise.

_DEPTH = 6


def _resolve_call(func: ast.expr, namespace: dict[str, Any]) -> Any:
    """The object a call's ``name`` or ``module.name`` (or ``a.b.c``) names, if any."""
    if isinstance(func, ast.Name):
        return namespace.get(func.id)
    if isinstance(func, ast.Attribute):
        owner = _resolve_call(func.value, namespace)
        return getattr(owner, func.attr, None) if owner is not None else None
    return None


def _status_of(raised: ast.expr, namespace: dict[str, Any]) -> int | None:
    call = raised if isinstance(raised, ast.Call) else None
    target = _resolve_call(call.func if call else raised, namespace)
    target = getattr(target, "__self__", target)  # a class method making the error: .of(...)
    if not (isinstance(target, type) and issubclass(target, CalmDeskError)):
        return None
    status = target.http_status
    for keyword in call.keywords if call else []:
        value = keyword.value
        if keyword.arg == "http_status" and isinstance(value, ast.Constant):
            assert isinstance(value.value, int), ast.dump(value)
            status = value.value
    return status


def _local_names(tree: ast.AST) -> set[str]:
    names = {arg.arg for node in ast.walk(tree) if isinstance(node, ast.arg) for arg in [node]}
    names |= {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    return names


def _raised_statuses(function: Any, depth: int, seen: set[Any]) -> set[int]:
    function = inspect.unwrap(function)
    if depth == 0 or function in seen or not callable(function):
        return set()
    seen.add(function)
    if isinstance(
        function, type
    ):  # a model or an exception: its constructor raises nothing of ours
        return set()
    if not (getattr(function, "__module__", None) or "").startswith("calmdesk."):
        return set()
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError):
        return set()
    namespace = {**getattr(function, "__globals__", {})}
    closure = inspect.getclosurevars(function).nonlocals if hasattr(function, "__code__") else {}
    namespace.update(closure)
    for local in _local_names(tree):  # a parameter named like a module's function is not it
        namespace.pop(local, None)
    statuses: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            status = _status_of(node.exc, namespace)
            if status is not None:
                statuses.add(status)
        elif isinstance(node, ast.Name | ast.Attribute):
            # Called or handed on (``say = service.customer_says``, ``step=...``): walked.
            referred = _resolve_call(node, namespace)
            if inspect.isfunction(referred) or inspect.ismethod(referred):
                statuses |= _raised_statuses(referred, depth - 1, seen)
    return statuses


def _can_answer(route: Any, method: str) -> set[int]:
    """Every error status the route's code can give, read from the code, not from the
    document; 500 is no answer (``ConfigurationError`` is a broken deployment)."""
    statuses: set[int] = set()
    dependants = list(_walk(route.dependant))
    seen: set[Any] = {check_cookie_write}  # it checks writes only: the method rule below
    for dependant in dependants:
        if dependant.call is not None:
            statuses |= _raised_statuses(dependant.call, _DEPTH, seen)
    if any(d.call is get_session for d in dependants):
        statuses.add(503)  # web/errors.py: the database's lock timeout is database_busy
    if any(d.path_params for d in dependants):
        statuses |= {404, 422}  # an id that names nothing, or one the database cannot hold
    if any(d.query_params or d.body_params or d.header_params for d in dependants):
        statuses.add(422)
    if any(d.body_params for d in dependants):
        statuses.add(400)  # a body that is not UTF-8 JSON
    signed_in = any(d.call is get_current_user for d in dependants)
    if signed_in:
        statuses.add(401)
    if method != "GET" and any(d.call is get_optional_user for d in dependants):
        statuses.add(403)  # origin_rejected
        if method == "POST":
            statuses.add(415)  # json_required
    return statuses - {500}


def _walk(dependant: Any) -> Iterator[Any]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def test_every_status_an_operation_can_give_is_documented(document: Document) -> None:
    app = create_app(Settings(env="test", database_url="sqlite://"))
    missing = []
    walked = 0
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            walked += 1
            operation = document["paths"][route.path_format][method.lower()]
            undocumented = _can_answer(route, method) - _statuses(operation)
            if undocumented:
                missing.append(f"{method} {route.path_format}: {sorted(undocumented)}")
    assert walked >= 49
    assert not missing, "\n".join(missing)


def test_the_walk_reads_statuses_from_the_code(document: Document) -> None:
    """The reading above finds what the live routes raise deep in their services."""
    app = create_app(Settings(env="test", database_url="sqlite://"))
    found = {
        f"{method} {route.path_format}": _can_answer(route, method)
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        for method in route.methods or ()
    }
    assert {401, 403, 404, 409, 415, 422, 429, 503} <= found[
        "POST /api/contacts/{contact_id}/utterances"
    ]
    assert {403, 409} <= found["POST /api/contacts/{contact_id}/break"]
    assert {403, 404} <= found["POST /api/contacts"]
    assert {401, 403, 429, 503} <= found["POST /api/auth/login"]
    assert 403 not in found["GET /api/users/me"]
