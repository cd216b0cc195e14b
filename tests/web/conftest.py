"""Helpers for the page tests: the CSRF token of a rendered page; for the browser tests, a real
``calmdesk serve`` on a demo database and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx
import pytest

from tests.processes import free_port
from tests.servers import CHROMIUM, CHROMIUM_ARGS, require_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# --- Browser tests: a real `calmdesk serve` on a demo database, driven by Debian's Chromium ---

DEMO_PASSWORD = "demo-password-for-tests"
SOCIAL_WEBHOOK_SECRET = "social-webhook-secret-for-browser-tests"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``calmdesk demo`` then ``calmdesk serve`` in a subprocess, on a temporary SQLite file."""
    require_chromium()
    folder = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite:///{folder / 'calmdesk.sqlite3'}"
    port = free_port()
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": database_url,
        "CALMDESK_DATA_DIR": str(folder),
        "CALMDESK_SECRET_KEY": "browser-test-secret",
        "CALMDESK_EMBEDDED_WORKER": "false",
        "CALMDESK_PLAYBOOK": "pl",
        "CALMDESK_SOCIAL_WEBHOOK_SECRET": SOCIAL_WEBHOOK_SECRET,
    }
    env.pop("CALMDESK_REDIS_URL", None)
    calmdesk = str(Path(sys.executable).with_name("calmdesk"))
    subprocess.run(
        [calmdesk, "demo", "--password", DEMO_PASSWORD],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen(
        [calmdesk, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                pytest.fail(f"calmdesk serve exited: {(folder / 'serve.log').read_text()}")
            time.sleep(0.1)
        else:
            pytest.fail("calmdesk serve did not answer /healthz within 30 s")
        yield LiveServer(url=url, database_url=database_url)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


SignedIn = Callable[..., "Page"]


class Screenshot(Protocol):
    def __call__(self, page: Page, name: str, *, full_page: bool = True) -> None: ...


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """``screenshot(page, "agent-console.png", full_page=True)``: saves the README's picture in
    ``docs/screenshots/`` (tracked files) only when pytest runs with ``--screenshots``."""
    wanted = bool(request.config.getoption("screenshots"))

    def take(page: Page, name: str, *, full_page: bool = True) -> None:
        if wanted:
            page.screenshot(path=SCREENSHOTS / name, full_page=full_page)

    return take


@pytest.fixture
def signed_in(browser: Browser, live_server: LiveServer) -> Iterator[SignedIn]:
    """``signed_in("agent")``: a page in a fresh browser context, signed in through the form."""
    contexts: list[BrowserContext] = []

    def open_page(username: str, *, locale: str = "en-GB") -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label(re.compile("User name|Nazwa|Имя")).fill(username)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_url(re.compile(r"/(console|board|cases|playbook)"))
        return page

    yield open_page
    for context in contexts:
        context.close()
