"""CalmDesk's abuse detection side by side with the offline peers on PyPI.

Installs nothing: the peers are the ``bench`` extra (``pip install -e '.[bench]'``); a peer that
is not installed is reported as missing. Data: the held-out dev split of the public sets
(``calmdesk.analysis.train_data``, the same split the shipped model never trained on) per
language, and ``datasets/customer_service/test.jsonl``.

    .venv/bin/python benchmarks/peers.py --data ../shared/data [--limit 1500] [--json OUT]

Prints a Markdown table: precision, recall and F1 of the abuse class per data set and tool, and
each tool's speed (messages per second, single-threaded).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.analysis.train_data import PUBLIC_SETS, load_public_set, read_jsonl

ROOT = Path(__file__).resolve().parent.parent
Detector = Callable[[Sequence[str], str], list[bool]]


@dataclass
class Sample:
    name: str
    lang: str
    texts: list[str]
    labels: list[bool]


def dev_samples(data_dir: Path, limit: int, seed: int) -> list[Sample]:
    samples = []
    for spec in PUBLIC_SETS:
        if spec.head != "abuse":
            continue
        rows = [ex for ex in load_public_set(data_dir, spec, seed) if ex.is_dev]
        rows = rows[:limit]
        samples.append(
            Sample(
                name=f"{spec.folder} (dev)",
                lang=rows[0].lang,
                # The pipeline refuses messages over its limit; every tool sees the same cut.
                texts=[ex.text[:MAX_TEXT_CHARS] for ex in rows],
                labels=[bool(ex.abuse) for ex in rows],
            )
        )
    return samples


def customer_service_samples(path: Path) -> list[Sample]:
    by_lang: dict[str, Sample] = {}
    for _, row in read_jsonl(path):
        lang = row["lang"]
        sample = by_lang.setdefault(lang, Sample(f"customer_service test {lang}", lang, [], []))
        sample.texts.append(row["text"])
        sample.labels.append(bool(row["abuse"]))
    return [by_lang[lang] for lang in sorted(by_lang)]


# --- the tools ---------------------------------------------------------------------------------


def calmdesk_pipeline() -> Detector:
    from calmdesk.analysis import analyze_many

    def detect(texts: Sequence[str], lang: str) -> list[bool]:
        return [s.level == "abusive" for s in analyze_many(list(texts), langs=[lang] * len(texts))]

    return detect


def calmdesk_model_only() -> Detector:
    from calmdesk.analysis.model import load_default_model

    model = load_default_model()
    if model is None:
        raise ImportError("no shipped weights")

    def detect(texts: Sequence[str], lang: str) -> list[bool]:
        return [s.abuse >= 0.5 for s in model.predict(list(texts), [lang] * len(texts))]

    return detect


GLIN_LANGS = {"pl": "polish", "ru": "russian", "en": "english"}


def glin() -> Detector:
    from glin_profanity import Filter

    filters = {
        lang: Filter({"languages": [name], "detect_leetspeak": True})
        for lang, name in GLIN_LANGS.items()
    }

    def detect(texts: Sequence[str], lang: str) -> list[bool]:
        return [bool(filters[lang].is_profane(t)) for t in texts]

    return detect


def better() -> Detector:
    from better_profanity import profanity

    profanity.load_censor_words()
    return lambda texts, lang: [bool(profanity.contains_profanity(t)) for t in texts]


def alt_check() -> Detector:
    from profanity_check import predict

    return lambda texts, lang: [bool(x) for x in predict(list(texts))]


def detected() -> Detector:
    from detected_profanity import contains_profanity

    return lambda texts, lang: [bool(contains_profanity(t)) for t in texts]


def safetext() -> Detector:
    from safetext import SafeText

    checkers: dict[str, SafeText] = {}

    def detect(texts: Sequence[str], lang: str) -> list[bool]:
        if lang not in checkers:
            checkers[lang] = SafeText(language=lang)
        return [bool(checkers[lang].check_profanity(t)) for t in texts]

    return detect


# Which languages each tool claims to cover (the others are still run, and marked).
TOOLS: dict[str, tuple[Callable[[], Detector], frozenset[str]]] = {
    "CalmDesk (pipeline)": (calmdesk_pipeline, frozenset({"pl", "ru", "en"})),
    "CalmDesk (model only)": (calmdesk_model_only, frozenset({"pl", "ru", "en"})),
    "glin-profanity": (glin, frozenset({"pl", "ru", "en"})),
    "better-profanity": (better, frozenset({"en"})),
    "alt-profanity-check": (alt_check, frozenset({"en"})),
    "detected-profanity": (detected, frozenset({"ru", "en"})),
    "safetext": (safetext, frozenset({"ru", "en"})),
}


@dataclass
class Score:
    tool: str
    sample: str
    lang: str
    covered: bool
    precision: float
    recall: float
    f1: float
    per_second: float
    tp: int = 0
    fp: int = 0
    fn: int = 0


def counts(predicted: Sequence[bool], actual: Sequence[bool]) -> tuple[int, int, int]:
    tp = sum(p and a for p, a in zip(predicted, actual, strict=True))
    fp = sum(p and not a for p, a in zip(predicted, actual, strict=True))
    fn = sum(a and not p for p, a in zip(predicted, actual, strict=True))
    return tp, fp, fn


def prf_from_counts(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run(samples: list[Sample], tools: Sequence[str]) -> list[Score]:
    scores = []
    for tool in tools:
        factory, covered = TOOLS[tool]
        try:
            detect = factory()
        except Exception as error:  # a missing or broken peer is reported, not fatal
            print(f"skipping {tool}: {error}", file=sys.stderr)
            continue
        detect(["warm-up"], "en")
        for sample in samples:
            start = time.perf_counter()
            try:
                predicted = detect(sample.texts, sample.lang)
            except Exception as error:
                print(f"{tool} failed on {sample.name}: {error}", file=sys.stderr)
                continue
            seconds = time.perf_counter() - start
            tp, fp, fn = counts(predicted, sample.labels)
            p, r, f = prf_from_counts(tp, fp, fn)
            rate = len(sample.texts) / seconds if seconds else 0.0
            scores.append(
                Score(
                    tool,
                    sample.name,
                    sample.lang,
                    sample.lang in covered,
                    p,
                    r,
                    f,
                    rate,
                    tp,
                    fp,
                    fn,
                )
            )
            print(f"{tool:24} {sample.name:44} F1={f:.3f}", file=sys.stderr)
    return scores


def markdown(samples: list[Sample], scores: list[Score], tools: Sequence[str]) -> str:
    lines = [
        "| data (abuse) | lang | rows | positives | " + " | ".join(tools) + " |",
        "|---|---|---|---|" + "---|" * len(tools),
    ]
    for sample in samples:
        cells = []
        for tool in tools:
            score = next((s for s in scores if s.tool == tool and s.sample == sample.name), None)
            if score is None:
                cells.append("n/a")
                continue
            cell = f"{score.precision:.2f} / {score.recall:.2f} / **{score.f1:.2f}**"
            cells.append(cell if score.covered else f"({cell})")
        lines.append(
            f"| {sample.name} | {sample.lang} | {len(sample.texts)} | "
            f"{sum(sample.labels)} | " + " | ".join(cells) + " |"
        )
    for lang in sorted({sample.lang for sample in samples}):
        cells = []
        for tool in tools:
            mine = [s for s in scores if s.tool == tool and s.lang == lang and "dev" in s.sample]
            tp, fp, fn = (sum(getattr(s, k) for s in mine) for k in ("tp", "fp", "fn"))
            p, r, f = prf_from_counts(tp, fp, fn)
            cells.append(f"{p:.2f} / {r:.2f} / **{f:.2f}**" if mine else "n/a")
        lines.append(f"| all public dev sets pooled | {lang} | | | " + " | ".join(cells) + " |")
    speed = []
    for tool in tools:
        rates = [s.per_second for s in scores if s.tool == tool]
        speed.append(f"{sum(rates) / len(rates):,.0f}" if rates else "n/a")
    lines.append("| speed (messages/s, mean over sets) | | | | " + " | ".join(speed) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--customer-service",
        type=Path,
        default=ROOT / "datasets" / "customer_service" / "test.jsonl",
    )
    parser.add_argument("--limit", type=int, default=1500, help="dev rows per public set")
    parser.add_argument("--seed", type=int, default=13, help="the split seed used in training")
    parser.add_argument("--tools", nargs="*", default=list(TOOLS), choices=list(TOOLS))
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    args = parser.parse_args(argv)
    samples = dev_samples(args.data, args.limit, args.seed)
    samples += customer_service_samples(args.customer_service)
    scores = run(samples, args.tools)
    print(markdown(samples, scores, args.tools))
    if args.json:
        args.json.write_text(json.dumps([s.__dict__ for s in scores], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
