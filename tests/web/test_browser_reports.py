"""The reports page in a real browser (Chromium against ``calmdesk serve`` on the demo data):
each chart is drawn with its title and description, its numbers in a table under it, on a
desktop and at a phone's 390 px where nothing is wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Screenshot, SignedIn

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _charts_with_tables(page: Page) -> int:
    sections = page.locator("section.report")
    charted = 0
    for i in range(sections.count()):
        report = sections.nth(i)
        chart = report.locator("svg.chart")
        if chart.count() == 0:
            continue
        charted += 1
        expect(chart).to_be_visible()
        labelled = chart.get_attribute("aria-labelledby") or ""
        title_id, desc_id = labelled.split()
        assert chart.locator(f"title#{title_id}").text_content()
        assert chart.locator(f"desc#{desc_id}").count() == 1
        assert chart.get_attribute("role") == "img"
        box = chart.bounding_box()
        assert box is not None and box["height"] > 20
        table = report.locator("table")
        expect(table).to_be_visible()
        table_box = table.bounding_box()
        # beside the chart on a wide screen, under it on a narrow one
        assert table_box is not None
        assert (
            table_box["x"] >= box["x"] + box["width"] - 1
            or table_box["y"] >= box["y"] + box["height"] - 1
        )
        assert table.locator("tbody tr").count() >= 1
    return charted


def test_the_reports_page_draws_its_charts_on_a_desktop_and_a_phone(
    signed_in: SignedIn, screenshot: Screenshot
) -> None:
    page = signed_in("supervisor")  # Sergey reads Russian
    page.get_by_role("link", name="Отчёты").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Отчёты")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator(".reports").get_attribute("dir") == "ltr"
    weekly = page.locator("[data-testid=chart-weeks]")
    expect(weekly).to_be_visible()
    expect(weekly.locator("polyline")).to_have_count(1)
    assert _charts_with_tables(page) >= 4
    screenshot(page, "reports-page.png")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert _charts_with_tables(page) >= 4
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    for i in range(page.locator("svg.chart").count()):
        box = page.locator("svg.chart").nth(i).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390

    # A period that ends before it starts: explained in Russian, the dates kept as typed.
    page.locator("#from").fill("2026-05-01")
    page.locator("#to").fill("2026-04-01")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("[data-testid=period-problem]")).to_have_text(
        "Начало периода позже его конца."
    )
    expect(page.locator("#from")).to_have_value("2026-05-01")
    expect(page.locator("#to")).to_have_value("2026-04-01")
