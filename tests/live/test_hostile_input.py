"""Hostile input at the live entry points: any text or frame gets guidance or a clear error,
never a server error, and the socket stays open."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.live.helpers import bearer, start

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)
frames = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"type": st.sampled_from(["utterance", "action", "end", "ping", "sing", ""])},
        optional={
            "speaker": st.one_of(st.sampled_from(["customer", "agent"]), json_values),
            "text": st.one_of(st.text(max_size=200), json_values),
            "action": st.one_of(st.sampled_from(["warning_given", "call_ended"]), json_values),
            "ref": json_values,
        },
    ),
)


@FUZZ
@given(
    speaker=st.sampled_from(["customer", "agent"]),
    text=st.text(max_size=300),
)
def test_any_text_gets_guidance_or_a_clear_error(
    client: TestClient, tokens: dict[str, str], speaker: str, text: str
) -> None:
    contact_id = start(client, tokens["agent"])
    response = client.post(
        f"/api/contacts/{contact_id}/utterances",
        json={"speaker": speaker, "text": text},
        headers=bearer(tokens["agent"]),
    )
    assert response.status_code in (200, 422), response.text
    body = response.json()
    assert body["type"] == "guidance" if response.status_code == 200 else body["code"]


@FUZZ
@given(frame=frames)
def test_any_frame_gets_an_answer_and_the_socket_stays_open(
    client: TestClient, tokens: dict[str, str], frame: Any
) -> None:
    contact_id = start(client, tokens["agent"])
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={tokens['agent']}") as ws:
        ws.receive_json()  # the snapshot
        ws.send_text(json.dumps(frame))
        answer = ws.receive_json()
        assert answer["type"] in ("guidance", "summary", "pong", "error"), answer
        if answer["type"] == "error":
            assert answer["code"] != "internal_error" and answer["message"]
        ws.send_json({"type": "ping"})
        while (message := ws.receive_json())["type"] != "pong":
            assert message["type"] in ("guidance", "summary", "error")
