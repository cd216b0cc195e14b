"""CPU time of the rule-based analysis, detector by detector, with the tone model switched off.

    .venv/bin/python benchmarks/analysis_rules.py [--messages 2000]

Timed with ``time.process_time`` (CPU time of this process), so other work on a shared machine
inflates the figures less than wall-clock time would. End-to-end latency with the model is
``calmdesk bench``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from calmdesk.analysis import pipeline, registry
from calmdesk.analysis.base import Detector, Document
from calmdesk.analysis.language import detect_language
from calmdesk.analysis.normalize import tokenize

MESSAGES = [
    "Dzień dobry, od trzech tygodni czekam na zwrot 200 zł za zamówienie 12345 i nikt nie "
    "oddzwania, to skandal!!!",
    "Вы все идиоты, я уже две недели жду возврат 300 рублей по заказу № 123456, позовите старшего",
    "This is the third time I call about order #A-12345, you people are useless and I will post "
    "this online",
    "k***a, ile można czekać na tę fakturę FV/2025/03/123, jesteście bandą złodziei, pozwę was do "
    "sądu",
    "Hello, my invoice is £20 higher than the contract says, could you please check it for me?",
]


def per_call_us(count: int, call: Callable[[int], object]) -> float:
    start = time.process_time()
    for index in range(count):
        call(index)
    return (time.process_time() - start) / count * 1e6


def detect_nth(detector: Detector[Any], docs: list[Document], index: int) -> object:
    return detector.detect(docs[index])


def analyze_ignoring_index(text: str, _index: int) -> object:
    return pipeline.analyze(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    count = parser.parse_args().messages
    pipeline._tone_model = lambda: None  # type: ignore[assignment]  # rules only
    registry.load_all()
    texts = [f"{MESSAGES[i % len(MESSAGES)]} {i}" for i in range(count)]
    pipeline.analyze_many(texts[:50])  # warm-up
    tokens = [tokenize(text) for text in texts]
    docs = [
        Document.build(text, detect_language(text, words).lang, words)
        for text, words in zip(texts, tokens, strict=True)
    ]
    rows = [
        ("tokenize", per_call_us(count, lambda i: tokenize(texts[i]))),
        ("language", per_call_us(count, lambda i: detect_language(texts[i], tokens[i]))),
    ]
    for group in (registry.ABUSE, registry.CUES, registry.INTENTS, registry.FACTS, registry.PII):
        for detector in group:
            rows.append((detector.name, per_call_us(count, partial(detect_nth, detector, docs))))
    single = sorted(
        per_call_us(1, partial(analyze_ignoring_index, text)) for text in texts[: min(count, 2000)]
    )
    start = time.process_time()
    pipeline.analyze_many(texts)
    batch_rate = count / (time.process_time() - start)
    for name, micros in rows:
        print(f"{name:<20} {micros:8.1f} us")
    print(f"{'sum of parts':<20} {sum(m for _, m in rows):8.1f} us")
    print(
        f"analyze p50 {single[len(single) // 2] / 1000:.3f} ms, "
        f"p99 {single[int(len(single) * 0.99)] / 1000:.3f} ms (CPU)"
    )
    print(f"analyze_many {batch_rate:,.0f} messages/s (CPU)")


if __name__ == "__main__":
    main()
