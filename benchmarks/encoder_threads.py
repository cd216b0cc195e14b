"""The sentence encoder's speed with one or two BLAS threads: a live line (one text a call) and a
batch of 1,024 texts, each in a fresh process with ``CALMDESK_ENCODER_THREADS`` set.

    .venv/bin/python benchmarks/encoder_threads.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

WORDS = [
    "Dzień",
    "dobry",
    "za",
    "październik",
    "naliczyliście",
    "mi",
    "więcej",
    "niż",
    "w",
    "umowie",
    "trzeci",
    "raz",
    "dzwonię",
    "w",
    "tej",
    "sprawie",
    "bo",
    "nikt",
    "nie",
    "oddzwania",
]


def measure() -> str:
    from calmdesk.analysis.features import shared_encoder

    encoder = shared_encoder()
    texts = [" ".join(WORDS[: i % len(WORDS) + 1]) + f" {i}" for i in range(1024)]
    encoder.encode(texts[:512])  # load and warm up
    batch = min(_timed(encoder.encode, texts) for _ in range(3))
    singles = [f"{text} (line)" for text in texts[:300]]  # not in the encoder's recent texts
    start = time.perf_counter()
    for text in singles:
        encoder.encode([text])
    single = (time.perf_counter() - start) / len(singles)
    return (
        f"| {os.environ['CALMDESK_ENCODER_THREADS']} | {single * 1000:.2f} ms | "
        f"{batch * 1000:.0f} ms ({len(texts) / batch:,.0f} texts/s) |"
    )


def _timed(encode: object, texts: list[str]) -> float:
    start = time.perf_counter()
    encode(texts)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(measure())
        return
    print(f"machine: {os.uname().machine}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print("| threads | one live line | a batch of 1,024 |\n|---|---|---|")
    for threads in ("1", "2"):
        env = {**os.environ, "CALMDESK_ENCODER_THREADS": threads}
        result = subprocess.run(
            [sys.executable, __file__, "--measure"], env=env, capture_output=True, text=True
        )
        print(result.stdout.strip() or result.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
