"""The console's "heard in my words" panel in a real browser: a warning the agent typed is
shown with its words, and the Undo button takes it back on the contact's socket."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SignedIn
from tests.web.test_browser import _say, _start_contact

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_spoken_warning_is_shown_and_can_be_undone(signed_in: SignedIn) -> None:
    page = signed_in("agent")
    _start_contact(page, lang="pl")
    _say(page, "customer", "Ty idioto, gdzie jest mój laptop?!")
    warning = "Przy kolejnej obeldze będę zmuszony zakończyć rozmowę."
    _say(page, "agent", warning)
    heard = page.locator("#heard li[data-step=warning]")
    expect(heard).to_contain_text(warning)
    expect(heard).to_have_attribute("data-undone", "false")
    before = page.locator("body").get_attribute("data-guidance-seq") or "0"
    heard.locator("button").click()
    expect(page.locator("body")).to_have_attribute("data-guidance-seq", str(int(before) + 1))
    expect(heard).to_have_attribute("data-undone", "true")
    expect(heard.locator("button")).to_have_count(0)
    expect(page.locator("#transcript li.action")).to_have_count(1)
    # the coach asks for the warning again, since it was taken back
    expect(page.locator("#stage")).to_have_attribute("data-stage", "acknowledge")
    page.reload()
    expect(page.locator("#heard li[data-step=warning]")).to_have_attribute("data-undone", "true")
