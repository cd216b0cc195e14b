"""Every role's screens in a real browser (Chromium), after the scripts have run, in Polish,
Russian and English: on the Polish and Russian ones no English text of our catalogs and on all
three no internal key or raw ISO moment (customer text and names, isolated with ``<bdi>`` or
``dir=auto``, left out); and at a phone's width (390 px) no page wider than the screen: tables
scroll inside their panels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.web.conftest import SignedIn
from tests.web.crawl import INTERNAL_KEY, ISO_MOMENT, problems

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE: ViewportSize = {"width": 390, "height": 844}
MAX_PAGES = 14
SKIPPED = ("/static", "/api", "/ws", "/logout", "/docs", "/redoc", "/openapi", "/playbook/export")
HOME_LANGUAGE = {"agent": "pl", "supervisor": "ru", "handler": "en", "admin": "pl"}

# The words a person sees once the scripts have run: text nodes and the attributes read aloud,
# outside customer text (bdi, dir=auto, .customer-text), scripts and the language picker.
VISIBLE_TEXT = """() => {
  const isolated = (node) => {
    for (let el = node.parentElement; el; el = el.parentElement) {
      const tag = el.tagName.toLowerCase();
      if (["script", "style", "template", "noscript", "bdi"].includes(tag)) return true;
      if (el.getAttribute("dir") === "auto" || el.classList.contains("customer-text")) return true;
      if (tag === "option" && el.hasAttribute("lang")) return true;
      // an identifier for integrators (a webhook's event name), marked as not to translate
      if (tag === "code" && el.getAttribute("translate") === "no") return true;
    }
    return false;
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text && !isolated(node)) texts.push(text);
  }
  for (const el of document.body.querySelectorAll("[title], [placeholder], [aria-label]")) {
    if (isolated(el.firstChild || el)) continue;
    for (const name of ["title", "placeholder", "aria-label"]) {
      const value = el.getAttribute(name);
      if (value) texts.push(value.trim());
    }
  }
  return texts;
}"""


def _links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
    )
    return [h.split("#")[0] for h in hrefs]


def _choose_language(page: Page, lang: str) -> None:
    page.goto("/playbook")
    if page.locator("html").get_attribute("lang") != lang:
        page.locator("#language-picker").select_option(lang)
        page.wait_for_function(f"document.documentElement.lang === '{lang}'")


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
@pytest.mark.parametrize("username", ["agent", "supervisor", "handler", "admin"])
def test_each_screen_speaks_the_readers_language_and_fits_a_phone(
    signed_in: SignedIn, username: str, lang: str
) -> None:
    page = signed_in(username)
    page.set_viewport_size(PHONE)
    _choose_language(page, lang)
    try:
        queue = ["/", "/console", "/board", "/cases", "/social", "/cases/999999", "/no-such"]
        seen: set[str] = set()
        found: dict[str, list[str]] = {}
        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            if path in seen or path.startswith(SKIPPED) or "?" in path:
                continue
            seen.add(path)
            page.goto(path)
            page.wait_for_load_state("networkidle")
            texts: list[str] = page.evaluate(VISIBLE_TEXT)
            if lang == "en":
                bad = [t for t in texts if INTERNAL_KEY.search(t) or ISO_MOMENT.search(t)]
            else:
                bad = problems(texts, lang)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > PHONE["width"]:
                bad.append(f"{wide} px wide at a {PHONE['width']} px screen")
            if bad:
                found[page.url] = bad
            queue.extend(link for link in _links(page) if link not in seen)
        assert len(seen) >= 5
        assert found == {}
    finally:
        _choose_language(page, HOME_LANGUAGE[username])


def test_a_polish_agents_alert_reads_in_russian_for_the_russian_supervisor(
    signed_in: SignedIn,
) -> None:
    """The same stored guidance, opened by its Polish agent and by a Russian supervisor: each
    reads the coach's words in their own language."""
    agent = signed_in("agent")
    agent.goto("/console")
    agent.locator("#lang").select_option("pl")
    agent.locator("[data-testid=start-contact] button[type=submit]").click()
    agent.wait_for_url(re.compile(r"/console/\d+$"))
    contact = agent.url.rsplit("/", 1)[1]
    agent.wait_for_selector("#connection[data-status=open]")
    agent.locator("#utterance-text").fill("Ty idioto, trzeci raz dzwonię w sprawie faktury!")
    agent.locator("#utterance-text").press("Enter")
    agent.wait_for_selector("#alerts li[data-kind=abuse]", timeout=60_000)
    assert "Obraźliwa wypowiedź klienta" in agent.locator("#alerts").inner_text()
    # the customer's line is isolated, so a right-to-left override in it cannot flip the page
    expect(agent.locator("#transcript li bdi").last).to_contain_text("trzeci raz dzwonię")

    supervisor = signed_in("supervisor")
    supervisor.goto(f"/console/{contact}")
    supervisor.wait_for_selector("#alerts li[data-kind=abuse]")
    alerts = supervisor.locator("#alerts").inner_text()
    # the monitor shows the alert by its Russian label; the agent's Polish words never
    assert "Оскорбления" in alerts or "Оскорбительное высказывание клиента" in alerts
    assert "Obraźliwa" not in alerts
    reason = supervisor.locator("#end-call-why").inner_text()
    assert re.search("[а-яё]", reason) and not re.search("[ąęłńóśźż]", reason)
