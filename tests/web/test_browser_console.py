"""The agent's console for a whole shift (issue 12), in Chromium against a real ``calmdesk
serve``, driven as two people in two browser contexts where it matters: the agent (Polish) and a
supervisor (Russian) on the board.

- who speaks is never ambiguous: Enter is the customer's line, Ctrl+Enter the agent's own, and
  an agent who never touches anything but the keys gets every line on the right side;
- one guidance card on screen (sticky on a desktop, first on a phone), whose ladder highlight
  and "current step" are the same stage;
- alerts stay (dimmed, with their time) until over; an alert about 200 swear words is short;
- one "End contact", with a confirmation naming what is recorded; a hang-up the coach did not
  allow reaches the board;
- the break loop: the agent asks, the supervisor grants it, the agent sees it at once.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Screenshot, SignedIn
from tests.web.test_browser import FIRST_TURN_TIMEOUT_MS, _start_contact

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INSULT = "Ty #$&^&%@! idioto, znowu mnie oszukujecie!"
AGENT_LINE = "Rozumiem, sprawdzę to od razu."
CALM_LINE = "Dobrze, to proszę sprawdzić fakturę FV/2026/11/42."


def _press(page: Page, text: str, keys: str) -> None:
    """Type a line and send it with ``keys`` (Enter or Control+Enter), then wait for the
    coach's guidance for it."""
    before = int(page.locator("body").get_attribute("data-guidance-seq") or "0")
    page.locator("#utterance-text").fill(text)
    page.locator("#utterance-text").press(keys)
    expect(page.locator("body")).to_have_attribute(
        "data-guidance-seq", str(before + 1), timeout=FIRST_TURN_TIMEOUT_MS
    )


def _one_truth(page: Page) -> None:
    """The ladder's highlighted rung (if the step is a rung) is the card's current step."""
    stage = page.locator("#stage").get_attribute("data-stage")
    current = page.locator("#ladder li.current")
    if page.locator(f"#ladder li[data-stage='{stage}']").count():
        expect(current).to_have_count(1)
        expect(current).to_have_attribute("data-stage", stage or "")
    else:
        expect(current).to_have_count(0)


def test_the_keys_put_every_line_on_its_side_and_the_card_stays_on_screen(
    signed_in: SignedIn, screenshot: Screenshot
) -> None:
    page = signed_in("agent")
    _start_contact(page)
    text_box = page.locator("#utterance-text")
    expect(text_box).to_be_focused()  # ready to type when the contact starts
    assert page.locator("input[type=radio]").count() == 0, "no speaker mode to forget"
    expect(page.locator("#send-customer")).to_contain_text("Enter")
    expect(page.locator("#send-agent")).to_contain_text("Ctrl+Enter")

    _press(page, INSULT, "Enter")
    # "I said this" records the suggestion as the agent's line.
    phrase = page.locator("#suggestions .phrase").first
    said = phrase.text_content() or ""
    before = int(page.locator("body").get_attribute("data-guidance-seq") or "0")
    page.locator("#suggestions [data-said]").first.click()
    expect(page.locator("body")).to_have_attribute("data-guidance-seq", str(before + 1))
    expect(page.locator("#transcript li.agent").last).to_contain_text(said.strip())
    expect(text_box).to_be_focused()

    _press(page, AGENT_LINE, "Control+Enter")
    _press(page, INSULT, "Enter")  # after the agent's line, Enter is the customer's again
    sides = page.locator("#transcript li").evaluate_all("items => items.map(i => i.className)")
    assert sides == ["customer", "agent", "agent", "customer"]
    expect(page.locator("#alerts li[data-kind=abuse]")).to_have_count(1)
    _one_truth(page)
    expect(text_box).to_be_focused()

    # An action button hands the focus back to the text box.
    page.locator("[data-action=boundary_stated]").click()
    expect(page.locator("#transcript li.action")).to_have_count(1)
    expect(text_box).to_be_focused()
    _one_truth(page)

    # The card stays on screen however far the page scrolls.
    card = page.locator("#guidance-card")
    page.mouse.wheel(0, 5000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = card.bounding_box()
    assert box is not None and 0 <= box["y"] <= 5, box
    for part in ("#stage", "#heat", "#end-call", "#ladder", "#suggestions"):
        expect(card.locator(part)).to_be_in_viewport()
    screenshot(page, "agent-console-card.png", full_page=False)


def test_an_alert_stays_dimmed_until_over_and_a_wall_of_insults_gives_a_short_alert(
    signed_in: SignedIn,
) -> None:
    page = signed_in("agent")
    _start_contact(page)
    _press(page, INSULT, "Enter")
    abuse = page.locator("#alerts li[data-kind=abuse]")
    expect(abuse).to_have_attribute("data-held", "false")

    _press(page, AGENT_LINE, "Control+Enter")  # the agent speaks: the alert is not over
    expect(abuse).to_have_attribute("data-held", "true")
    expect(abuse.locator(".when")).to_have_text(re.compile(r"od \d\d?:\d\d"))
    page.reload()  # and it is still there when the page is opened again
    expect(page.locator("#alerts li[data-kind=abuse]")).to_have_attribute("data-held", "true")

    _press(page, CALM_LINE, "Enter")  # the customer calms down: over
    expect(page.locator("#alerts li[data-kind=abuse]")).to_have_count(0)

    _press(page, INSULT, "Enter")
    page.locator("#suggestions [data-copy-target]").first.click()
    expect(page.locator("#utterance-text")).to_be_focused()  # back to typing after "Copy"
    _press(page, AGENT_LINE, "Control+Enter")
    held = page.locator("#alerts li[data-kind=abuse][data-held=true]")
    held.locator("[data-handled]").click()  # the agent says it is dealt with
    expect(page.locator("#alerts li[data-kind=abuse]")).to_have_count(0)
    expect(page.locator("#utterance-text")).to_be_focused()

    wall = " ".join(["idioto", "debilu", "kretynie", "#$&^&%@!"] * 50)  # 200 insults
    _press(page, wall, "Enter")
    alert = page.locator("#alerts li[data-kind=abuse]")
    expect(alert).to_be_visible()
    box = alert.bounding_box()
    assert box is not None and box["height"] < 80, box


def test_a_supervisor_request_stays_until_a_transfer_is_offered(signed_in: SignedIn) -> None:
    page = signed_in("agent")
    _start_contact(page)
    _press(page, "Proszę mnie połączyć z przełożonym, natychmiast.", "Enter")
    request = page.locator("#alerts li[data-kind=supervisor_requested]")
    expect(request).to_have_attribute("data-held", "false")
    _one_truth(page)  # the step is the transfer, and so is the ladder's highlight
    _press(page, "Dobrze, poczekam.", "Enter")  # calmer, but the request is not answered yet
    expect(request).to_have_attribute("data-held", "true")
    page.locator("[data-action=transfer_offered]").click()
    expect(page.locator("#transcript li.action")).to_have_count(1)
    expect(request).to_have_count(0)


def test_ending_names_what_is_recorded_and_the_board_hears_of_an_early_hang_up(
    signed_in: SignedIn,
) -> None:
    board = signed_in("supervisor")
    board.goto("/board")
    expect(board.locator("#connection")).to_have_attribute("data-status", "open")
    page = signed_in("agent")
    contact_id = _start_contact(page)
    _press(page, INSULT, "Enter")
    expect(page.locator("#end-call")).to_have_attribute("data-allowed", "false")

    page.locator("#end-contact").click()
    records = page.locator("#end-dialog-records")
    expect(records).to_have_attribute("data-outcome", "hang_up")
    expect(records).to_contain_text("Rozłączenie po obelgach")
    expect(page.locator("#end-dialog-verdict")).to_have_attribute("data-allowed", "false")
    page.locator("#end-cancel").click()  # changed my mind: nothing recorded
    expect(page.locator("#end-dialog")).to_be_hidden()
    expect(page.locator("#utterance-text")).to_be_focused()

    page.locator("#end-contact").click()
    page.locator("#end-confirm").click()
    expect(page.locator("[data-testid=summary-outcome]")).to_have_text("Rozłączenie po obelgach")
    expect(page.locator("[data-testid=summary-verdict]")).to_contain_text("nie było")
    early = board.locator(
        f"#alert-feed li[data-kind=ended_without_permission][data-contact-id='{contact_id}']"
    )
    expect(early).to_be_visible()
    expect(early).to_contain_text("Звонок завершён раньше")  # in the supervisor's words


def test_the_break_loop_closes_between_the_agent_and_the_supervisor(
    signed_in: SignedIn, screenshot: Screenshot
) -> None:
    board = signed_in("supervisor")
    board.goto("/board")
    expect(board.locator("#connection")).to_have_attribute("data-status", "open")
    page = signed_in("agent")
    _start_contact(page)
    _press(page, CALM_LINE, "Enter")
    page.locator("#end-contact").click()
    expect(page.locator("#end-dialog-records")).to_have_attribute("data-outcome", "closed")
    page.locator("#end-confirm").click()
    expect(page.locator("[data-testid=summary-outcome]")).to_have_text("Zakończona zwyczajnie")

    page.locator("#ask-break").click()  # a draining contact, even if not a hard one
    expect(page.locator("#ask-break-status")).not_to_be_empty()
    row = board.locator("#breaks li[data-agent=agent]")
    expect(row).to_have_count(1)  # one row per agent, however many contacts wait
    expect(row.locator("[data-testid=break-requested]")).to_be_visible()
    expect(row.locator("[data-testid=insults-today]")).to_contain_text(re.compile(r"\d+"))
    screenshot(board, "board-breaks.png", full_page=False)

    start = signed_in("agent")  # the same agent on the console's start page, in another tab
    start.goto("/console")
    row.locator("[data-grant-break]").click()
    notice = page.locator("#break-notice")
    expect(notice).to_be_visible()
    minutes = notice.get_attribute("data-minutes")
    assert minutes and int(minutes) > 0
    expect(notice).to_contain_text(f"{minutes} min")
    expect(page.locator("#break-recommendation")).to_contain_text(f"{minutes} min")
    expect(start.locator("#break-notice")).to_contain_text(f"{minutes} min")
    start.reload()  # still shown while the break runs
    expect(start.locator("#break-notice")).to_be_visible()


def test_on_a_phone_the_card_comes_first_and_nothing_is_wider_than_the_screen(
    signed_in: SignedIn, screenshot: Screenshot
) -> None:
    page = signed_in("agent")
    page.set_viewport_size({"width": 390, "height": 844})
    _start_contact(page)
    _press(page, INSULT, "Enter")
    screenshot(page, "agent-console-phone.png", full_page=False)
    card = page.locator("#guidance-card").bounding_box()
    transcript = page.locator("#transcript").bounding_box()
    assert card is not None and transcript is not None and card["y"] < transcript["y"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
