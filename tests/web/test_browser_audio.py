"""The console plays the demo call into the customer's channel (Chromium, a real ``calmdesk
serve``): the audio is streamed over /ws/media/twilio, transcribed, and the customer's lines and
the coach's alert appear in the console like typed ones."""

from __future__ import annotations

import re

import pytest

from calmdesk.audio.model import asr_available
from tests.web.conftest import SignedIn

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_demo_call_plays_into_the_console(signed_in: SignedIn) -> None:
    if not asr_available():
        pytest.skip("the asr extra is not installed")
    from playwright.sync_api import expect

    page = signed_in("agent")
    page.goto("/console")
    page.locator("#lang").select_option("en")
    page.locator("[data-testid=start-contact] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/console/\d+$"))
    expect(page.locator("#connection")).to_have_attribute("data-status", "open")
    page.locator("[data-testid=play-demo-call]").click()
    # The first line also waits for the speech worker to load its model: generous.
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text(re.compile("internet", re.I), timeout=180_000)
    expect(transcript).to_contain_text(re.compile("manager", re.I), timeout=120_000)
    expect(page.locator("#alerts li[data-kind=supervisor_requested]")).to_have_count(1)
    expect(transcript).to_contain_text(re.compile("moron", re.I), timeout=120_000)
    expect(page.locator("#alerts li[data-kind=abuse]")).to_have_count(1)
