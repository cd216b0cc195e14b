"""A handler's morning on the social page in a real browser (Chromium against ``calmdesk serve``),
in Russian and Polish: a post arrives by the signed generic webhook, the unedited draft is
flagged as a pasted template with the typed text kept, the reply is put in own words and
recorded signed with the handler's name, and a promise is made and kept."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from calmdesk.social.connectors.signing import sign
from tests.web.conftest import SOCIAL_WEBHOOK_SECRET, LiveServer, SignedIn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASES = {
    "ru": (
        "supervisor",
        "Sergey Volkov",
        "Курьер второй раз не привёз заказ 5521, а поддержка молчит. Верните 700 рублей!",
        "Иван, мы проверили заказ 5521: курьер приедет завтра до 12:00, деньги вернём сегодня.",
        (
            "вставленный шаблон",
            "Опубликовать как есть",
            "Сохранить ответ",
            "Отметить как выполненное",
        ),
    ),
    "pl": (
        "handler",
        "Hannah Price",
        "Trzeci tydzień czekam na zwrot 120 zł za zamówienie 48213. Skandal!",
        "Pani Marto, zwrot 120 zł za 48213 utknął w banku; ponowiliśmy go dziś, będzie do piątku.",
        ("wklejony szablon", "Opublikuj bez zmian", "Zapisz odpowiedź", "Oznacz jako spełnioną"),
    ),
}


def deliver(live_server: LiveServer, author: str, text: str, lang: str) -> None:
    change = {"id": f"browser-{uuid.uuid4()}", "author": author, "text": text, "lang": lang}
    body = json.dumps({"changes": [change]}).encode()
    answer = httpx.post(
        f"{live_server.url}/api/social/webhooks/generic",
        content=body,
        headers={"X-CalmDesk-Signature": sign(SOCIAL_WEBHOOK_SECRET, body)},
    )
    assert answer.status_code == 200 and answer.json()["created"] == 1, answer.text


@pytest.mark.parametrize("lang", ["ru", "pl"])
def test_a_handlers_morning_on_the_social_page(
    signed_in: SignedIn, live_server: LiveServer, lang: str
) -> None:
    username, name, complaint, own_words, words = CASES[lang]
    warning, confirm, record, keep = words
    author = f"@klient-{uuid.uuid4().hex[:8]}"
    deliver(live_server, author, complaint, lang)
    page = signed_in(username)
    if lang == "pl":  # Hannah reads English: the picker switches her pages to Polish
        page.goto("/social")
        with page.expect_navigation():
            page.select_option("#language-picker", "pl")
    try:
        page.goto("/social")
        page.locator("tr", has_text=author).get_by_role("link").first.click()
        reply_box = page.locator("#reply-text")
        draft = reply_box.input_value()
        assert author in draft
        page.get_by_role("button", name=record).click()
        expect(page.locator("[data-testid=template-warning]")).to_contain_text(warning)
        expect(page.get_by_role("button", name=confirm)).to_be_visible()
        assert page.locator("#reply-text").input_value().strip() == draft.strip()

        page.locator("#reply-text").fill(own_words)
        page.get_by_role("button", name=record).click()
        replied = page.locator("[data-event-kind=replied]")
        expect(replied).to_contain_text(own_words)
        expect(replied).to_contain_text(f"— {name}")

        page.locator("#promise-text").fill(own_words[:60])
        due = (datetime.now() + timedelta(days=1)).replace(hour=10, minute=0)
        page.locator("#promise-due").fill(due.strftime("%Y-%m-%dT%H:%M"))
        page.locator("#promise-due").press("Enter")
        promise = page.locator("[data-testid=social-promises] li").first
        promise.get_by_role("button", name=keep).click()
        expect(page.locator("[data-event-kind=promise_kept]")).to_have_count(1)
    finally:
        if lang == "pl":
            with page.expect_navigation():
                page.select_option("#language-picker", "en")
