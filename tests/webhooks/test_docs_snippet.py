"""The signature check published in docs/api.md, run as written against a real delivery."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from calmdesk.outbox import service as outbox
from calmdesk.webhooks import signing
from calmdesk.webhooks.delivery import WebhookChannel
from tests.conftest import TEST_SECRET_KEY
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import breach, subscribe

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SNIPPET = re.compile(
    r"<!-- webhook verification snippet -->\n```python\n(.*?)```\n"
    r"<!-- end of webhook verification snippet -->",
    re.DOTALL,
)

Check = Callable[..., bool]


def published_check() -> Check:
    match = SNIPPET.search(API_MD.read_text(encoding="utf-8"))
    assert match, "docs/api.md lost its verification snippet"
    namespace: dict[str, object] = {}
    exec(compile(match.group(1), str(API_MD), "exec"), namespace)
    check = namespace["calmdesk_signature_ok"]
    assert callable(check)
    return check


def test_the_published_snippet_verifies_a_real_delivery_and_refuses_forgeries(
    session: Session, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    check = published_check()
    created = subscribe(session, receiver.url)
    breach(session)
    channel = WebhookChannel(server_key=TEST_SECRET_KEY, timeout=5, allow_private=True)
    report = outbox.deliver_due(session_factory, channels={"webhook": channel})
    assert report.delivered == 1
    [request] = receiver.requests
    header = request.headers["CalmDesk-Signature"]
    assert check(created.secret, request.body, header)
    assert not check(created.secret, request.body + b" ", header)
    assert not check("whsec_not-the-secret", request.body, header)
    old = signing.header(created.secret, request.body, timestamp=int(time.time()) - 3600)
    assert not check(created.secret, request.body, old)  # a replayed capture, an hour old
    assert not check(created.secret, request.body, "v1=deadbeef")
    assert not check(created.secret, request.body, "")
