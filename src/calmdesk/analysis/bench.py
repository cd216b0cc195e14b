"""Speed of the analysis (``calmdesk bench --suite analysis``).

Figures: single-message latency p50/p99 after a warm-up (wall clock, and the thread's CPU
time, which leaves out waiting for a core on a busy machine), batch throughput of
``analyze_many`` (after one warm-up chunk of 512 messages), the model's load time in a fresh
interpreter, and resident memory. The messages are ~20-word
customer-service sentences in pl, ru and en, assembled deterministically from fragments below,
so every run measures the same text.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from calmdesk.analysis.signals import Signals

WARM_UP_MESSAGES = 50
BATCH_WARM_UP = 512

_FRAGMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "pl": (
        (
            "Dzień dobry, dzwonię w sprawie faktury za październik,",
            "To już trzeci raz piszę do was,",
            "Kurier znowu nie przyjechał z paczką,",
            "Od tygodnia nie działa mi internet w mieszkaniu,",
        ),
        (
            "kwota jest o 200 zł wyższa niż w umowie",
            "i nikt nie potrafi mi powiedzieć dlaczego",
            "a konsultant obiecał oddzwonić do piątku",
            "więc proszę o pilny kontakt kierownika",
        ),
        (
            "i czekam na wyjaśnienie.",
            "KURWA, ILE MOŻNA CZEKAĆ!!!",
            "bo inaczej zgłaszam sprawę do rzecznika konsumentów.",
            "jesteście bandą złodziei.",
        ),
    ),
    "ru": (
        (
            "Здравствуйте, пишу по поводу счёта за октябрь,",
            "Я уже третий раз обращаюсь к вам,",
            "Курьер опять не привёз мой заказ,",
            "Неделю не работает интернет в квартире,",
        ),
        (
            "сумма на 500 рублей больше, чем в договоре",
            "и никто не может объяснить почему",
            "а оператор обещал перезвонить до пятницы",
            "поэтому прошу соединить меня с руководителем",
        ),
        (
            "и жду объяснений.",
            "БЛЯДЬ, СКОЛЬКО МОЖНО ЖДАТЬ!!!",
            "иначе пишу жалобу в Роспотребнадзор.",
            "вы все идиоты.",
        ),
    ),
    "en": (
        (
            "Hello, I am writing about my October invoice,",
            "This is the third time I have contacted you,",
            "The courier failed to deliver my parcel again,",
            "My broadband has been down for a week now,",
        ),
        (
            "the amount is forty pounds higher than the contract",
            "and nobody can tell me why this keeps happening",
            "and your agent promised to call me back by Friday",
            "so please put me through to a manager",
        ),
        (
            "and I am waiting for an explanation.",
            "WHAT THE FUCK IS WRONG WITH YOU!!!",
            "or I will take this to the ombudsman.",
            "you people are useless.",
        ),
    ),
}


def sample_messages(count: int, seed: int = 7) -> list[str]:
    """``count`` ~20-word messages, cycling through pl, ru and en."""
    rng = random.Random(seed)  # noqa: S311 - test text, not security
    langs = sorted(_FRAGMENTS)
    out = []
    for i in range(count):
        opening, middle, ending = _FRAGMENTS[langs[i % len(langs)]]
        out.append(f"{rng.choice(opening)} {rng.choice(middle)} {rng.choice(ending)}")
    return out


@dataclass(frozen=True, slots=True)
class AnalysisBench:
    messages: int
    mean_words: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float
    batch_messages: int
    batch_seconds: float
    batch_per_second: float
    model_load_s: float | None
    first_analysis_s: float | None
    rss_mb: float
    peak_rss_mb: float
    # Share of the batch the cascade sent to the sentence encoder (1.0 for the full variant).
    encoder_share: float

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


_LOAD_PROBE = """
import json, time
start = time.perf_counter()
from calmdesk.analysis.model import load_default_model
model = load_default_model()
loaded = time.perf_counter()
from calmdesk.analysis import analyze
analyze("Dzień dobry, faktura jest o 200 zł wyższa niż w umowie.")
done = time.perf_counter()
print(json.dumps({"model": None if model is None else loaded - start, "first": done - start}))
"""


def measure_load() -> tuple[float | None, float | None]:
    """Model load and first-analysis time in a fresh interpreter (nothing cached in memory)."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", _LOAD_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        return None, None
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures["model"], figures["first"]


def _rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_analysis_bench(
    n: int = 2000,
    batch: int = 10_000,
    *,
    measure_load_time: bool = True,
    on_step: Callable[[str], None] | None = None,
) -> AnalysisBench:
    """Measure the full pipeline (``analyze`` / ``analyze_many``)."""
    from calmdesk.analysis import pipeline  # the pipeline imports this package's model

    step = on_step or (lambda _: None)
    messages = sample_messages(n)
    step("warm-up")
    for text in sample_messages(WARM_UP_MESSAGES, seed=1):
        pipeline.analyze(text)
    step(f"latency over {n} messages")
    timings, cpu_timings = [], []
    for text in messages:
        start, cpu_start = time.perf_counter_ns(), time.thread_time_ns()
        pipeline.analyze(text)
        timings.append((time.perf_counter_ns() - start) / 1e6)
        cpu_timings.append((time.thread_time_ns() - cpu_start) / 1e6)
    timings.sort()
    cpu_timings.sort()
    step(f"batch of {batch} messages")
    # One chunk of warm-up first: the first large batch in a process pays for growing its
    # buffers (the encoder's micro-batches, numpy's allocations) and runs 10-20% slower.
    pipeline.analyze_many(sample_messages(BATCH_WARM_UP, seed=5))
    batch_texts = sample_messages(batch, seed=3)
    start_batch = time.perf_counter()
    results = pipeline.analyze_many(batch_texts)
    batch_seconds = time.perf_counter() - start_batch
    encoder_share = sum(map(_scored_by_full_model, results)) / max(len(results), 1)
    del results  # the caller's data, not the analyser's: resident memory is measured without it
    load_s, first_s = measure_load() if measure_load_time else (None, None)
    return AnalysisBench(
        messages=n,
        mean_words=round(sum(len(m.split()) for m in messages) / max(n, 1), 1),
        p50_ms=round(percentile(timings, 0.50), 3),
        p99_ms=round(percentile(timings, 0.99), 3),
        mean_ms=round(sum(timings) / max(len(timings), 1), 3),
        cpu_p50_ms=round(percentile(cpu_timings, 0.50), 3),
        cpu_p99_ms=round(percentile(cpu_timings, 0.99), 3),
        batch_messages=batch,
        batch_seconds=round(batch_seconds, 3),
        batch_per_second=round(batch / batch_seconds, 1) if batch_seconds else 0.0,
        model_load_s=None if load_s is None else round(load_s, 3),
        first_analysis_s=None if first_s is None else round(first_s, 3),
        rss_mb=round(_rss_mb(), 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        encoder_share=round(encoder_share, 3),
    )


def _scored_by_full_model(signals: Signals) -> bool:
    return any(
        e.source == "model" and e.reason.startswith("tone model:") for e in signals.explanations
    )
