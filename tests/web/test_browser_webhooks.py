"""The admin's webhooks page in a real browser (Chromium against ``calmdesk serve``): a webhook
made through the form shows its secret once, then only its hint; a bad address is explained in
the page's language; disabling it shows at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SignedIn

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_admin_makes_and_disables_a_webhook(signed_in: SignedIn) -> None:
    page = signed_in("admin")  # Adam reads Polish
    page.goto("/webhooks")
    form = page.locator("[data-testid=new-webhook]")
    form.locator("#webhook-name").fill("Zespół prawny <b>")
    form.locator("#webhook-url").fill("https://legal.example.pl/calmdesk")
    form.locator("input[value='case.legal_deadline_missed']").check()
    form.locator("button[type=submit]").click()
    secret = page.locator("[data-testid=webhook-secret]").input_value()
    assert secret.startswith("whsec_") and len(secret) == 49

    page.get_by_role("link", name="Gotowe, wróć do webhooków").click()
    row = page.locator("[data-testid=webhook-row]").filter(has_text="Zespół prawny <b>")
    expect(row).to_contain_text(f"whsec_…{secret[-4:]}")
    expect(row).to_contain_text("Niedotrzymany termin ustawowy")
    assert secret not in page.content()

    row.get_by_role("button", name="Wyłącz").click()
    expect(row).to_contain_text("Wyłączony")

    form = page.locator("[data-testid=new-webhook]")
    form.locator("#webhook-name").fill("Wewnętrzny")
    form.locator("#webhook-url").fill("ftp://files.example.pl/")
    form.locator("input[value='case.created']").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=webhook-problem]")).to_have_text(
        "Adres musi zaczynać się od http:// lub https://."
    )
