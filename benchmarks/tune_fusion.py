"""Choose the fusion thresholds in ``calmdesk.analysis.scoring`` on dev data.

Runs the full pipeline once over the dev split of the public sets (the rows the shipped model
never trained on) and the dev part of ``datasets/customer_service/train.jsonl``, records what
the pipeline hands to ``fuse`` for each text, then replays ``fuse`` with each candidate
threshold and prints F1 per set. The test files are never read.

    .venv/bin/python benchmarks/tune_fusion.py --data ../shared/data [--limit 800]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from calmdesk.analysis import pipeline, scoring
from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.analysis.train_data import (
    PUBLIC_SETS,
    Example,
    load_customer_service,
    load_public_set,
)

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def recording() -> Iterator[list[scoring.FusionInput]]:
    """Capture every FusionInput the pipeline builds."""
    seen: list[scoring.FusionInput] = []

    def spy(data: scoring.FusionInput) -> scoring.FusionResult:
        seen.append(data)
        return scoring.fuse(data)

    with patch.object(pipeline, "fuse", spy):
        yield seen


def dev_examples(data_dir: Path, limit: int, seed: int) -> list[Example]:
    examples: list[Example] = []
    for spec in PUBLIC_SETS:
        examples += [ex for ex in load_public_set(data_dir, spec, seed) if ex.is_dev][:limit]
    cs = ROOT / "datasets" / "customer_service" / "train.jsonl"
    examples += [ex for ex in load_customer_service(cs, seed) if ex.is_dev]
    return examples


def collect(examples: list[Example]) -> list[scoring.FusionInput]:
    inputs: list[scoring.FusionInput] = []
    with recording() as seen:
        for start in range(0, len(examples), 256):
            batch = examples[start : start + 256]
            texts = [ex.text[:MAX_TEXT_CHARS] for ex in batch]
            pipeline.analyze_many(texts, [ex.lang for ex in batch])
            print(f"\r{start + len(batch)}/{len(examples)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    inputs = list(seen)
    assert len(inputs) == len(examples)
    return inputs


def f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(p and a for p, a in pairs)
    fp = sum(p and not a for p, a in pairs)
    fn = sum(a and not p for p, a in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def evaluate(
    examples: list[Example], inputs: list[scoring.FusionInput], **params: float
) -> dict[tuple[str, str], float]:
    """F1 per (head, set) with scoring's module constants temporarily replaced by ``params``."""
    saved = {name: getattr(scoring, name) for name in params}
    for name, value in params.items():
        setattr(scoring, name, value)
    try:
        by_set: dict[tuple[str, str], list[tuple[bool, bool]]] = {}
        for ex, data in zip(examples, inputs, strict=True):
            result = scoring.fuse(data)
            if ex.abuse is not None:
                key = ("abuse", ex.source)
                by_set.setdefault(key, []).append((result.level == "abusive", ex.abuse == 1))
            if ex.anger is not None:
                key = ("anger", ex.source)
                angry = result.level in ("angry", "abusive")
                by_set.setdefault(key, []).append((angry, ex.anger == 1))
        return {key: f1(pairs) for key, pairs in sorted(by_set.items())}
    finally:
        for name, value in saved.items():
            setattr(scoring, name, value)


def mean(scores: dict[tuple[str, str], float], head: str) -> float:
    values = [v for (h, _), v in scores.items() if h == head]
    return sum(values) / len(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=800, help="dev rows per public set")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    examples = dev_examples(args.data, args.limit, args.seed)
    inputs = collect(examples)
    current = evaluate(examples, inputs)
    candidates = [round(0.2 + 0.05 * i, 2) for i in range(15)]
    # Abuse first (anger does not change it), then anger with the chosen abuse threshold.
    chosen: dict[str, float] = {}
    for head, name in (("abuse", "MODEL_ABUSE_THRESHOLD"), ("anger", "MODEL_ANGER_THRESHOLD")):
        runs = [
            (value, evaluate(examples, inputs, **chosen, **{name: value})) for value in candidates
        ]
        for value, scores in runs:
            print(f"{name}={value:.2f} mean {head} F1 {mean(scores, head):.3f}")
        value, best = max(runs, key=lambda run: mean(run[1], head))
        chosen[name] = value
        print(f"\nbest {name} = {value} (mean {head} F1 {mean(best, head):.3f}):")
        for (h, source), f in best.items():
            if h == head:
                print(f"  {source:34} {f:.3f} (current constants {current[(h, source)]:.3f})")
    print("chosen:", chosen)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
