"""The live models on the wire: each one's pl/ru/en examples validate against it; every live
operation in the OpenAPI schema answers a named model with examples, and every REST answer
validates against the model its operation names; docs/api.md shows the models' current
schemas."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from calmdesk.live import frames, schemas, wire, wire_docs
from calmdesk.live.localize import localized
from calmdesk.live.wire_examples import GUIDANCE_RECORDS
from tests.live.helpers import DIALOGUE, bearer, post_turn, start

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = {"pl", "ru", "en"}


def live_models() -> dict[str, type[BaseModel]]:
    """Every model the live modules define (a new one is covered without being listed)."""
    found: dict[str, type[BaseModel]] = {}
    for module in (wire, schemas, frames):
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and value is not wire.WireModel
                and not name.startswith("_")
            ):
                found[name] = value
    return found


MODELS = live_models()


def examples_of(model: type[BaseModel]) -> list[Any]:
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict), f"{model.__name__} has no examples"
    found = extra.get("examples")
    assert isinstance(found, list)
    return found


def languages_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("lang"), str):
            yield value["lang"]
        for item in value.values():
            yield from languages_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from languages_in(item)


def test_the_live_modules_define_the_models_the_wire_needs() -> None:
    expected = {"GuidanceMessage", "SummaryMessage", "ContactUpdateMessage", "AlertMessage"}
    expected |= {"BreakGrantedMessage", "ContactSnapshot", "BoardSnapshot", "ErrorMessage"}
    expected |= {"UtteranceFrame", "ActionFrame", "ContactRead", "ContactDetail"}
    assert expected <= set(MODELS)


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS.keys())
def test_each_models_examples_validate_and_are_exactly_what_it_would_send(
    model: type[BaseModel],
) -> None:
    """What the server sends (a ``WireModel``) round-trips exactly; what it reads validates."""
    found = examples_of(model)
    assert len(found) >= 3
    for example in found:
        read = model.model_validate(example)
        if issubclass(model, wire.WireModel):
            assert read.model_dump(mode="json") == example
    schema_examples = model.model_json_schema(mode="serialization").get("examples")
    assert schema_examples == found


@pytest.mark.parametrize(
    "model",
    [m for m in MODELS.values() if any(languages_in(examples_of(m)))],
    ids=lambda m: m.__name__,
)
def test_examples_that_name_a_language_cover_polish_russian_and_english(
    model: type[BaseModel],
) -> None:
    assert set(languages_in(examples_of(model))) >= LANGUAGES


def live_operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in app.openapi()["paths"].items():
        if path.startswith(("/api/contacts", "/api/alerts")):
            for method, operation in operations.items():
                yield method.upper(), path, operation


def answer_schema(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The 2xx status of an operation and its JSON schema."""
    answers = [(s, r) for s, r in operation["responses"].items() if s.startswith("2")]
    assert len(answers) == 1, operation["operationId"]
    status, response = answers[0]
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return status, schema


def model_of(schema: dict[str, Any]) -> tuple[type[BaseModel], bool]:
    """The model a schema names, and whether it is a list of it."""
    many = schema.get("type") == "array"
    ref = (schema["items"] if many else schema).get("$ref")
    assert ref, f"a bare schema: {schema}"
    name = ref.rsplit("/", 1)[-1].removesuffix("-Output")
    return MODELS[name], many


def test_every_live_operation_answers_a_named_model_whose_examples_validate(app: FastAPI) -> None:
    openapi = app.openapi()
    components = openapi["components"]["schemas"]
    operations = list(live_operations(app))
    assert len(operations) >= 10
    for method, path, operation in operations:
        _, schema = answer_schema(operation)
        model, _ = model_of(schema)
        component = components[model.__name__]
        assert component.get("examples"), f"{method} {path}: {model.__name__} has no examples"
        for example in component["examples"]:
            model.model_validate(example)


def call_every_live_route(client: TestClient, tokens: dict[str, str]) -> dict[str, httpx.Response]:
    agent, supervisor = bearer(tokens["agent"]), bearer(tokens["supervisor"])
    answers: dict[str, httpx.Response] = {}
    answers["POST /api/contacts"] = client.post("/api/contacts", json={"lang": "pl"}, headers=agent)
    contact_id = answers["POST /api/contacts"].json()["id"]
    base = f"/api/contacts/{contact_id}"
    answers["POST /api/contacts/{contact_id}/utterances"] = client.post(
        f"{base}/utterances",
        json={"speaker": "customer", "text": DIALOGUE[2]["customer"]},
        headers=agent,
    )
    answers["POST /api/contacts/{contact_id}/actions"] = client.post(
        f"{base}/actions", json={"action": "boundary_stated"}, headers=agent
    )
    heard = client.post(
        f"{base}/utterances",
        json={"speaker": "agent", "text": "Proszę zwracać się do mnie z szacunkiem."},
        headers=agent,
    )
    answers["POST /api/contacts/{contact_id}/undo"] = client.post(
        f"{base}/undo", json={"seq": heard.json()["seq"], "step": "boundary"}, headers=agent
    )
    for turn in DIALOGUE[4:]:
        post_turn(client, tokens["agent"], contact_id, turn)
    answers["POST /api/contacts/{contact_id}/whisper"] = client.post(
        f"{base}/whisper", json={"text": "Zaproponuj korektę faktury."}, headers=supervisor
    )
    answers["POST /api/contacts/{contact_id}/take-over"] = client.post(
        f"{base}/take-over", headers=supervisor
    )
    answers["GET /api/alerts"] = client.get("/api/alerts", headers=supervisor)
    first_alert = answers["GET /api/alerts"].json()[0]["alert_id"]
    answers["POST /api/alerts/{alert_id}/acknowledge"] = client.post(
        f"/api/alerts/{first_alert}/acknowledge", headers=supervisor
    )
    answers["GET /api/contacts"] = client.get("/api/contacts", headers=supervisor)
    answers["POST /api/contacts/{contact_id}/end"] = client.post(f"{base}/end", headers=agent)
    answers["POST /api/contacts/{contact_id}/break-request"] = client.post(
        f"{base}/break-request", headers=agent
    )
    answers["GET /api/contacts/breaks"] = client.get("/api/contacts/breaks", headers=supervisor)
    answers["POST /api/contacts/{contact_id}/break"] = client.post(
        f"{base}/break", json={"minutes": 5}, headers=supervisor
    )
    answers["POST /api/contacts/{contact_id}/redact"] = client.post(
        f"{base}/redact", headers=supervisor
    )
    answers["GET /api/contacts/{contact_id}"] = client.get(base, headers=supervisor)
    answers["POST /api/contacts/{contact_id}/erase"] = client.post(
        f"{base}/erase", headers=supervisor
    )
    # The replay after an erasure: the stored guidance and summary in their erased form.
    answers["GET /api/contacts/{contact_id} (erased)"] = client.get(base, headers=supervisor)
    return answers


def test_every_rest_answer_validates_against_the_model_its_operation_names(
    app: FastAPI, client: TestClient, tokens: dict[str, str]
) -> None:
    answers = call_every_live_route(client, tokens)
    operations = {f"{method} {path}": op for method, path, op in live_operations(app)}
    assert set(operations) <= {key.removesuffix(" (erased)") for key in answers}
    for key, response in answers.items():
        status, schema = answer_schema(operations[key.removesuffix(" (erased)")])
        assert response.status_code == int(status), (key, response.text)
        model, many = model_of(schema)
        body = response.json()
        for item in body if many else [body]:
            assert model.model_validate(item).model_dump(mode="json") == item, key
    erased = answers["GET /api/contacts/{contact_id} (erased)"].json()
    coached = [e for e in erased["events"] if e["kind"] not in ("whisper", "taken_over")]
    assert all(set(e["guidance"]) == set(wire.ErasedGuidance.model_fields) for e in coached)
    # The supervisor's whisper is erased with the call's words; only that it happened is kept.
    assert [e["text"] for e in erased["events"] if e["kind"] == "whisper"] == [None]
    assert set(erased["summary"]) == set(wire.CallSummaryCounts.model_fields)
    assert erased["events"][0]["guidance"]["alerts"] == [{"kind": "abuse"}]


def test_a_rest_guidance_is_the_pushed_one_byte_for_byte(
    client: TestClient, tokens: dict[str, str]
) -> None:
    contact_id = start(client, tokens["agent"])
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        ws.receive_text()  # the snapshot
        answered = client.post(
            f"/api/contacts/{contact_id}/utterances",
            json={"speaker": "customer", "text": DIALOGUE[0]["customer"]},
            headers=bearer(tokens["agent"]),
        )
        pushed = ws.receive_text()
    assert answered.text == pushed


def test_the_websocket_schemas_in_the_api_doc_are_the_models_current_ones() -> None:
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert wire_docs.START in doc and wire_docs.END in doc
    assert wire_docs.rewrite(doc) == doc, "run: python -m calmdesk.live.wire_docs"
    assert wire_docs.main([str(ROOT / "docs" / "api.md"), "--check"]) == 0


def test_the_doc_check_fails_on_a_stale_doc(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    stale = tmp_path / "api.md"
    stale.write_text(doc.replace('"const": "guidance"', '"const": "advice"'), encoding="utf-8")
    assert wire_docs.main([str(stale), "--check"]) == 1
    assert wire_docs.main([str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == doc


def test_the_examples_words_are_their_messages_in_the_examples_language() -> None:
    """Each example's ``message``/``why``/``end_call_reason`` is its key rendered in the
    customer's language of the example (the three languages, one each)."""
    for guidance in GUIDANCE_RECORDS:
        lang = guidance["lang"]
        record = wire.GuidanceRecord.model_validate(guidance)
        assert localized(record, lang) == record
        assert record.end_call_text is not None
        assert all(a.text is not None for a in record.alerts)
        assert all(s.why_texts for s in record.suggestions)
