"""A little of everything, made through the API as a client would make it, for the runs that
check the API contract (``tests/contract`` in process, ``benchmarks/api_contract.py`` against a
real server): a case with a pending compensation, a public post with an open promise and an
ended live contact, so that generated ids find something to answer about.

The client is any ``httpx.Client`` with the server's base URL (FastAPI's ``TestClient`` is one);
nothing here runs in the product itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

ROLES = ("agent", "supervisor", "handler", "admin")
"""Every role, in the order the contract runs take them."""

Headers = Mapping[str, str]


def _post(client: httpx.Client, path: str, body: dict[str, Any] | None, headers: Headers) -> Any:
    response = client.post(path, json=body, headers=dict(headers))
    if response.status_code not in (200, 201):
        raise AssertionError(f"POST {path}: {response.status_code} {response.text}")
    return response.json()


def seed(client: httpx.Client, headers: Mapping[str, Headers]) -> None:
    """Make the sample with ``headers[role]`` (an ``Authorization`` header) of an agent and a
    supervisor."""
    agent, supervisor = headers["agent"], headers["supervisor"]
    case = _post(
        client,
        "/api/cases",
        {
            "customer_contact": "jan.kowalski@example.pl",
            "description": "Faktura za marzec jest o 200 zł wyższa niż kwota z umowy.",
            "category": "invoice_error",
        },
        agent,
    )
    _post(
        client,
        f"/api/cases/{case['id']}/compensations",
        {"kind": "refund", "amount": "1500", "reason": "Podwójne obciążenie."},
        agent,
    )
    public = _post(
        client,
        "/api/social/posts",
        {"platform": "x", "author_handle": "@a", "text": "Order 7731 lost, nobody answers."},
        supervisor,
    )
    due = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    promise = {"text": "Call back", "due_at": due}
    _post(client, f"/api/social/posts/{public['id']}/promises", promise, supervisor)
    contact = _post(client, "/api/contacts", {"channel": "phone", "lang": "pl"}, agent)
    _post(client, f"/api/contacts/{contact['id']}/end", None, agent)
