"""The web app in a real browser (Debian's Chromium through Playwright) against a real
``calmdesk serve``: the seed 001 dialogue climbing the ladder live on the agent's console and the
supervisor's board, a case opened from the contact, three languages, and hostile text that stays
inert. ``pytest tests/web/test_browser.py --screenshots`` (``make screenshots``) also saves the
README's pictures in ``docs/screenshots/``; a plain run writes nothing there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.web.conftest import Screenshot, SignedIn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Seed 001: Marian's lines (with the article's grawlix) and the agent's answers, turn by turn.
MARIAN_DIALOGUE: list[tuple[str, str]] = [
    (
        "customer",
        "Czy wy do końca #$&^&%@! w tym HelpDesku? Ile #*&^a mam czekać, "
        "aż dostanę tego @#$@# laptopa?",
    ),
    (
        "agent",
        "Witam panie Marianie. Nazywam się Bartek. Słyszę, że jest pan mocno zdenerwowany. "
        "Proszę spokojnie opowiedzieć mi w czym jest rzecz.",
    ),
    (
        "customer",
        "Słuchaj $#%^&, nie interesuje mnie jak się nazywasz. Chcę dostać swojego laptopa",
    ),
    (
        "agent",
        "Jestem tutaj by Panu pomóc, ale nie rozwiążemy sprawy, jeżeli będzie mnie Pan obrażał",
    ),
    ("customer", "Słuchaj $#%^$, ty (taki i owaki), jesteście (terefere) i #$&^&%@!"),
]
FIRST_TURN_TIMEOUT_MS = 60_000
LADDER = ["acknowledge", "set_boundary", "warn", "silent_record", "transfer", "end_call"]


def _start_contact(page: Page, *, lang: str = "pl") -> int:
    page.goto("/console")
    page.locator("#lang").select_option(lang)
    page.locator("[data-testid=start-contact] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/console/\d+$"))
    expect(page.locator("#connection")).to_have_attribute("data-status", "open")
    return int(page.url.rsplit("/", 1)[1])


def _say(page: Page, speaker: str, text: str) -> None:
    """Type a line as the agent would and wait until the coach's guidance for it is shown."""
    before = page.locator("body").get_attribute("data-guidance-seq") or "0"
    page.locator("#utterance-text").fill(text)
    # Two speakers, two keys: Enter for the customer's line, Ctrl+Enter for the agent's own.
    page.locator("#utterance-text").press("Enter" if speaker == "customer" else "Control+Enter")
    # Generous: the first line in a fresh server also loads the analysis models.
    expect(page.locator("body")).to_have_attribute(
        "data-guidance-seq", str(int(before) + 1), timeout=FIRST_TURN_TIMEOUT_MS
    )


def test_the_marian_dialogue_climbs_the_ladder_live_for_agent_and_supervisor(
    signed_in: SignedIn, screenshot: Screenshot
) -> None:
    board = signed_in("supervisor")
    board.goto("/board")
    expect(board.locator("#connection")).to_have_attribute("data-status", "open")
    board.evaluate("window.__sameDocument = true")

    console = signed_in("agent")
    contact_id = _start_contact(console)
    row = board.locator(f"#live-contacts tr[data-contact-id='{contact_id}']")

    rung = -1
    for speaker, text in MARIAN_DIALOGUE:
        _say(console, speaker, text)
        if speaker != "customer":
            continue
        rung += 1
        expected = LADDER[rung]
        expect(console.locator("#ladder")).to_have_attribute("data-rung", expected)
        expect(console.locator(f"#ladder li[data-stage={expected}]")).to_have_class(
            re.compile("current")
        )
        expect(console.locator("#alerts li[data-kind=abuse]")).to_have_count(1)
        expect(row).to_have_attribute("data-rung", expected)
    expect(board.locator("#alert-feed li[data-kind=abuse]").first).to_be_visible()
    assert board.evaluate("window.__sameDocument") is True  # updated without a reload
    expect(console.locator("#suggestions li").first).to_be_visible()
    expect(console.locator("#end-call")).to_have_attribute("data-allowed", "false")
    screenshot(console, "agent-console.png")
    screenshot(board, "supervisor-board.png")

    console.locator("#end-contact").click()
    expect(console.locator("#end-dialog")).to_be_visible()
    console.locator("#end-confirm").click()
    expect(console.locator("[data-testid=summary]")).to_be_visible()
    expect(console.locator("#break-recommendation")).to_have_attribute(
        "data-minutes", re.compile(r"\d+")
    )
    expect(console.locator("#break-recommendation")).not_to_be_empty()
    # The board's reader is Russian, the agent Polish: the alert is in the reader's words.
    abuse_alert = board.locator("#alert-feed li[data-kind=abuse]").first
    expect(abuse_alert).to_contain_text(re.compile(r"#\d+ Оскорбления — \w+"))
    expect(board.locator("#alert-feed")).not_to_contain_text(
        re.compile("klient|obraź", re.IGNORECASE)
    )
    console.locator("#open-case").click()
    console.wait_for_url(re.compile(rf"/cases/new\?contact={contact_id}$"))
    expect(console.locator("[data-testid=intake-questions] li").first).to_be_visible()
    expect(console.locator("#description")).to_have_value(re.compile("laptopa"))
    console.locator("#customer_name").fill("Marian")
    console.locator("#customer_contact").fill("+48 601 234 567")
    console.locator("[data-testid=new-case] button[type=submit]").click()
    console.wait_for_url(re.compile(r"/cases/\d+$"))
    case_id = console.url.rsplit("/", 1)[1]
    expect(console.locator("[data-testid=timeline] li").first).to_be_visible()
    screenshot(console, "case-page.png")

    console.goto("/cases")
    queued = console.locator(f"[data-testid=case-row][data-case-id='{case_id}']")
    # as the Polish agent writes a moment and a day: "8 gru 2026, 16:00", "18 gru 2026"
    expect(queued.locator("[data-testid=resolution-due]")).to_have_text(
        re.compile(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d")
    )
    expect(queued.locator("[data-testid=legal-due]")).to_have_text(
        re.compile(r"\d{1,2} \w{3} \d{4}")
    )


def test_hostile_customer_text_renders_as_text(signed_in: SignedIn) -> None:
    page = signed_in("agent")
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    _start_contact(page, lang="en")
    script = "<script>window.__injected = 1; alert('script')</script>"
    image = "<img src=x onerror=\"window.__injected = 2; alert('img')\">"
    _say(page, "customer", f"You fools {script}")
    _say(page, "customer", f"Refund me now {image}")
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text(script)
    expect(transcript).to_contain_text(image)
    assert transcript.locator("script, img").count() == 0
    assert page.evaluate("window.__injected") is None
    page.reload()  # the same lines rendered again from the stored state
    expect(page.locator("#transcript")).to_contain_text(image)
    assert page.locator("#transcript img, #transcript script").count() == 0
    assert page.evaluate("window.__injected") is None
    assert dialogs == []


@pytest.mark.parametrize(
    ("lang", "cases_label", "heading"),
    [
        ("pl", "Zgłoszenia", "Zgłoszenia reklamacyjne"),
        ("ru", "Претензии", "Претензии"),
        ("en", "Cases", "Complaint cases"),
    ],
)
def test_the_interface_switches_language(
    signed_in: SignedIn, lang: str, cases_label: str, heading: str
) -> None:
    page = signed_in("handler")
    page.goto("/cases")
    page.locator("#language-picker").select_option(lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("header nav")).to_contain_text(cases_label)
    expect(page.locator("h1")).to_have_text(heading)


def test_the_sign_in_page_follows_the_browser_language_and_the_keyboard(
    signed_in: SignedIn, browser: object, live_server: object
) -> None:
    from playwright.sync_api import Browser

    from tests.web.conftest import DEMO_PASSWORD, LiveServer

    assert isinstance(browser, Browser) and isinstance(live_server, LiveServer)
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto("/login")
        expect(page.locator("h1")).to_have_text("Вход в CalmDesk")
        page.get_by_label("Имя пользователя").fill("agent")
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("/console$"))
    finally:
        context.close()


def test_the_playbook_page_shows_the_policy(signed_in: SignedIn, screenshot: Screenshot) -> None:
    page = signed_in("handler")
    page.goto("/playbook")
    expect(
        page.locator("[data-testid=playbook] h1, [data-testid=playbook] h2").first
    ).to_be_visible()
    screenshot(page, "playbook.png", full_page=False)


def test_a_supervisor_grants_the_recommended_break_from_the_board(signed_in: SignedIn) -> None:
    # The demo's breaks may be granted already by another test: Agata asks for one first.
    agent = signed_in("agent").context.request
    started = agent.post("/api/contacts", data={"lang": "pl"})
    assert started.ok, started.text()
    contact = started.json()["id"]
    assert agent.post(f"/api/contacts/{contact}/end", data={}).ok
    assert agent.post(f"/api/contacts/{contact}/break-request", data={}).ok
    board = signed_in("supervisor")
    board.goto("/board")
    button = board.locator("#breaks li[data-agent=agent] [data-grant-break]")
    contact_id = button.get_attribute("data-grant-break")
    button.click()
    item = board.locator(f"#breaks li[data-contact-id='{contact_id}']")
    expect(item.locator("button")).to_have_count(0)
    expect(item).to_contain_text("Agata")


def test_a_line_streamed_by_an_integration_appears_on_the_console(signed_in: SignedIn) -> None:
    page = signed_in("agent")
    contact_id = _start_contact(page, lang="ru")
    response = page.context.request.post(
        f"/api/contacts/{contact_id}/utterances",
        data={"speaker": "customer", "text": "Вы там совсем #$&^&%@!? Верните деньги!"},
    )
    assert response.ok, response.text()
    expect(page.locator("#transcript li.customer")).to_contain_text(
        "Верните деньги", timeout=FIRST_TURN_TIMEOUT_MS
    )
    expect(page.locator("#ladder")).to_have_attribute("data-rung", "acknowledge")
    expect(page.locator("#transcript li")).to_have_count(1)


def test_the_queue_filters_in_place_and_keeps_the_address(signed_in: SignedIn) -> None:
    page = signed_in("handler")
    page.goto("/cases")
    page.evaluate("window.__sameDocument = true")
    every = page.locator("[data-testid=case-row]").count()
    page.locator("#f-status").select_option("closed")
    expect(page).to_have_url(re.compile(r"status=closed"))
    rows = page.locator("[data-testid=case-row]")
    expect(rows.first).to_be_visible()
    assert 0 < rows.count() < every
    assert page.evaluate("window.__sameDocument") is True
