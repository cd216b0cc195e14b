"""The Chatwoot dashboard app in a real browser (Debian's Chromium through Playwright) inside an
iframe of a page that stands in for Chatwoot (Chatwoot cannot run here): the host page, on
another origin, posts the conversation with ``postMessage`` as Chatwoot's DashboardAppFrame does
(``{"event": "appContext", "data": {...}}`` as a JSON string, and again when the frame asks with
``chatwoot-dashboard-app:fetch-info``); the conversation's lines came through the signed webhook
from payloads recorded from Chatwoot's source. The card shows the step, the phrase (copied with
one click), the alerts, and the verdict once the conversation is resolved."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from calmdesk.web.i18n import gettext_for
from calmdesk.web.pages_labels import STAGES
from tests.chat.conftest import message, recorded, signed
from tests.processes import free_port, stop, wait_until_up
from tests.servers import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "browser-chatwoot-webhook-secret"
APP_KEY = "browser-dashboard-app-key-0123456789"
ABUSE = "Jesteś idiotką, banda złodziei, kurwa mać! Gdzie moja paczka?"

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Chatwoot (stand-in)</title></head>
<body>
<iframe id="dashboard-app--frame-0" src="{src}" style="width:420px;height:640px"></iframe>
<script>
  // As Chatwoot's DashboardAppFrame: the context after the frame loads, and on request.
  const frame = document.getElementById("dashboard-app--frame-0");
  const context = {context};
  const send = () => frame.contentWindow.postMessage(
    JSON.stringify({{event: "appContext", data: context}}), "{target}");
  frame.addEventListener("load", send);
  window.addEventListener("message", (event) => {{
    if (event.data === "chatwoot-dashboard-app:fetch-info") send();
  }});
</script>
</body></html>
"""


@dataclass(frozen=True)
class Setup:
    calmdesk: str
    chatwoot: str


def _context() -> dict[str, object]:
    conversation = recorded("message_created_incoming")["conversation"]
    conversation["account_id"] = 1  # the dashboard's conversation object carries its account
    return {
        "conversation": conversation,
        "contact": {"id": 55, "name": "Jan Kowalski", "email": "jan.kowalski@example.pl"},
        "currentAgent": {"id": 7, "name": "Anna Agent", "email": "anna@example.pl"},
    }


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    require_chromium()
    folder = tmp_path_factory.mktemp("chat-browser")
    port, host_port = free_port(), free_port()
    calmdesk_url, chatwoot_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{host_port}"
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": f"sqlite:///{folder / 'calmdesk.sqlite3'}",
        "CALMDESK_DATA_DIR": str(folder),
        "CALMDESK_SECRET_KEY": "browser-chat-test-secret",
        "CALMDESK_EMBEDDED_WORKER": "false",
        "CALMDESK_PLAYBOOK": "pl",
        "CALMDESK_CHATWOOT_URL": chatwoot_url,
        "CALMDESK_CHATWOOT_WEBHOOK_SECRET": SECRET,
        "CALMDESK_CHATWOOT_APP_KEY": APP_KEY,
    }
    env.pop("CALMDESK_REDIS_URL", None)
    calmdesk = str(Path(sys.executable).with_name("calmdesk"))
    for command in (
        ["users", "add", "anna", "--password", "a-long-browser-password-2026"],
        ["chat", "link-agent", "anna", "--agent-id", "7", "--account", "1"],
    ):
        subprocess.run([calmdesk, *command], env=env, check=True, capture_output=True, timeout=120)

    page = HOST_PAGE.format(
        src=f"{calmdesk_url}/chat/chatwoot/app?lang=pl#key={APP_KEY}",
        context=json.dumps(_context()),
        target=calmdesk_url,
    ).encode()

    class Host(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    host = ThreadingHTTPServer(("127.0.0.1", host_port), Host)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen(
        [calmdesk, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until_up(calmdesk_url, server, seconds=60)
        yield Setup(calmdesk=calmdesk_url, chatwoot=chatwoot_url)
    finally:
        stop([server])
        log.close()
        host.shutdown()
        host.server_close()


def _deliver(setup: Setup, payload: dict[str, object]) -> dict[str, object]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    answer = httpx.post(
        f"{setup.calmdesk}/api/chat/chatwoot/webhook",
        content=body,
        headers=signed(body, secret=SECRET),
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()
    return result


# The session's one Chromium (tests/web/conftest.py): a second sync Playwright in the same
# process would refuse to start inside the first one's event loop.


def test_the_dashboard_app_in_chatwoots_frame_shows_the_coachs_card(
    setup: Setup, browser: Browser
) -> None:
    assert (
        _deliver(setup, message("message_created_incoming", id=9001, content=ABUSE))["outcome"]
        == "fed"
    )
    context = browser.new_context(locale="pl-PL", viewport={"width": 900, "height": 800})
    for origin in (setup.calmdesk, setup.chatwoot):
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(setup.chatwoot)
        app = page.frame_locator("#dashboard-app--frame-0")
        pl = gettext_for("pl")
        stages = {pl(label) for label in STAGES.values()}
        stage = app.get_by_test_id("card-stage")
        expect(stage).not_to_be_empty()
        assert stage.inner_text().strip() in stages  # the step, in the agent's language
        phrase = app.get_by_test_id("card-phrase")
        expect(phrase).not_to_be_empty()
        expect(phrase).to_have_attribute("dir", "auto")
        alerts = app.get_by_test_id("card-alerts")
        expect(alerts.locator("li[data-kind=abuse]")).to_contain_text("idiotką")
        # One abusive line: not yet, and the coach's reason (a warning is due first).
        expect(app.get_by_test_id("card-verdict")).to_contain_text("Jeszcze nie kończ rozmowy.")
        app.get_by_test_id("copy-phrase").click()
        expect(app.get_by_test_id("copied")).to_have_text("Skopiowano")
        # Chatwoot's frame allows no Clipboard API (no allow= on its iframe): the page falls
        # back to copying the selected phrase; what is on the clipboard is the phrase.
        assert page.evaluate("navigator.clipboard.readText()") == phrase.inner_text()

        # A message from any other origin (here the frame itself) is not a conversation.
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.frames[1].evaluate(
            "window.postMessage(JSON.stringify({event: 'appContext', data: {conversation: "
            "{id: 43, account_id: 1}}}), '*')"
        )
        with page.expect_request(lambda request: "conversation=42" in request.url):
            pass  # the next poll still asks for conversation 42
        assert not [url for url in asked if "conversation=43" in url]

        # The agent answers in Chatwoot, then resolves: the card follows, then gives its verdict.
        _deliver(setup, recorded("message_created_outgoing"))
        _deliver(setup, recorded("conversation_status_changed_resolved"))
        expect(app.get_by_test_id("card-status")).to_have_text("Rozmowa zakończona.")
        expect(app.get_by_test_id("card-verdict")).to_contain_text(
            re.compile("przerwa|Przerwa nie jest potrzebna")
        )
    finally:
        context.close()


def test_the_app_refuses_a_wrong_key_and_any_other_framer(setup: Setup, browser: Browser) -> None:
    context = browser.new_context(locale="pl-PL")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(f"{setup.calmdesk}/chat/chatwoot/app?lang=pl")
        expect(page.get_by_test_id("card-status")).to_contain_text("#key=")
        answer = httpx.get(f"{setup.calmdesk}/chat/chatwoot/app")
        policy = answer.headers["content-security-policy"]
        assert f"frame-ancestors {setup.chatwoot};" in policy
        assert "set-cookie" not in answer.headers
    finally:
        context.close()
