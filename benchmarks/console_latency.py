"""How long from sending a line on the agent's console to the coach's guidance rendered there.

Starts ``calmdesk demo`` + ``calmdesk serve`` on a temporary SQLite file, signs in as the demo
agent in headless Chromium (Debian's ``/usr/bin/chromium``), and for each line measures, inside the
page, from the form's submit (the WebSocket send) to the next animation frame after the guidance
was rendered. Lines mix Polish, Russian and English, calm and abusive; each contact takes
``--lines`` of them, then a new contact starts (the ladder tops out otherwise).

    .venv/bin/python benchmarks/console_latency.py --contacts 6 --lines 10

Target: a guidance update on the agent's page within 100 ms of the utterance.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from live_server import free_port, wait_until_up
from playwright.sync_api import Page, sync_playwright
from tests.servers import CHROMIUM, CHROMIUM_ARGS

PASSWORD = "benchmark-password"
TARGET_MS = 100.0
WARM_UP = 3

LINES = [
    ("customer", "Dzień dobry, na fakturze FV/2026/11/42 mam 200 zł więcej niż w umowie."),
    ("agent", "Rozumiem, sprawdzę to od razu. Proszę podać numer umowy."),
    ("customer", "Ile #$&^&%@! mam jeszcze czekać na ten laptop?!"),
    ("customer", "Здравствуйте, мне второй месяц выставляют счёт на 1500 рублей больше."),
    ("agent", "Понимаю, это неприятно. Уточните, пожалуйста, номер договора."),
    ("customer", "Вы там совсем #$&^&%@!? Третью неделю жду возврат!"),
    ("customer", "This is the third time I'm calling about order 3391, get me a manager."),
    ("agent", "I'm sorry you've had to call again; I'll sort this out now."),
    ("customer", "You useless idiots, I'll post this everywhere and see you in court!"),
    ("customer", "Słuchaj $#%^&, nie interesuje mnie jak się nazywasz."),
]

MEASURE = """
([speaker, text]) => new Promise((resolve) => {
  const body = document.body;
  const before = Number(body.dataset.guidanceSeq || 0);
  let start = 0;
  const observer = new MutationObserver(() => {
    if (Number(body.dataset.guidanceSeq || 0) <= before) return;
    observer.disconnect();
    requestAnimationFrame(() => resolve(performance.now() - start));
  });
  observer.observe(body, { attributes: true, attributeFilter: ["data-guidance-seq"] });
  document.querySelector(`input[name=speaker][value=${speaker}]`).checked = true;
  document.getElementById("utterance-text").value = text;
  start = performance.now();
  document.getElementById("utterance-form").requestSubmit();
})
"""


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": f"sqlite:///{folder / 'calmdesk.sqlite3'}",
        "CALMDESK_DATA_DIR": str(folder),
        "CALMDESK_SECRET_KEY": "benchmark-secret",
        "CALMDESK_EMBEDDED_WORKER": "false",
    }
    calmdesk = str(Path(sys.executable).with_name("calmdesk"))
    subprocess.run(
        [calmdesk, "demo", "--password", PASSWORD], env=env, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [calmdesk, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, 30)
    except AssertionError as failed:
        server.terminate()
        raise SystemExit(str(failed)) from None
    return server, url


def new_contact(page: Page) -> None:
    page.goto("/console")
    page.locator("[data-testid=start-contact] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/console/\d+$"))
    page.wait_for_selector("#connection[data-status=open]")


def measure(url: str, contacts: int, lines: int) -> list[float]:
    samples: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(base_url=url).new_page()
        page.goto("/login")
        page.fill("#username", "agent")
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(re.compile("/console$"))
        for _ in range(contacts):
            new_contact(page)
            for index in range(lines):
                speaker, text = LINES[index % len(LINES)]
                samples.append(float(page.evaluate(MEASURE, [speaker, text])))
        browser.close()
    return samples


def measure_api(url: str, contacts: int, lines: int) -> list[float]:
    """The same lines over ``POST /api/contacts/{id}/utterances``: the server's share (analysis,
    coach, storage, publishing) without the browser and the WebSocket."""
    samples: list[float] = []
    with httpx.Client(base_url=url, timeout=30) as client:
        login = client.post("/api/auth/login", json={"username": "agent", "password": PASSWORD})
        login.raise_for_status()
        for _ in range(contacts):
            contact = client.post("/api/contacts", json={"channel": "phone"}).json()
            for index in range(lines):
                speaker, text = LINES[index % len(LINES)]
                start = time.perf_counter()
                response = client.post(
                    f"/api/contacts/{contact['id']}/utterances",
                    json={"speaker": speaker, "text": text},
                )
                samples.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
    return samples


def p95_of(samples: list[float]) -> float:
    timed = sorted(samples[WARM_UP:])
    return timed[min(len(timed) - 1, round(0.95 * (len(timed) - 1)))]


def summary(samples: list[float]) -> str:
    timed = sorted(samples[WARM_UP:])
    return (
        f"median {statistics.median(timed):.1f}, p95 {p95_of(samples):.1f}, "
        f"max {timed[-1]:.1f}, min {timed[0]:.1f} ({len(timed)} lines after {WARM_UP} warm-up)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=6)
    parser.add_argument("--lines", type=int, default=10)
    options = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="calmdesk-bench-") as folder:
        server, url = start_server(Path(folder))
        try:
            samples = measure(url, options.contacts, options.lines)
            api_samples = measure_api(url, options.contacts, options.lines)
        finally:
            server.terminate()
            server.wait(timeout=10)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"load average (1 min) before: {load_before:.2f}, after: {os.getloadavg()[0]:.2f}")
    print(f"{options.contacts} contacts x {options.lines} lines")
    print(f"console, send -> guidance rendered (ms): {summary(samples)}")
    print(f"API only, POST utterance round trip (ms): {summary(api_samples)}")
    verdict = "meets" if p95_of(samples) <= TARGET_MS else "misses"
    print(f"target {TARGET_MS:.0f} ms at p95 on the console: {verdict}")


if __name__ == "__main__":
    main()
