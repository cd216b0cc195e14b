"""Choose the cascade's gate (``calmdesk model gate``): when the n-gram heads may answer alone.

The pipeline runs over the dev split of the public sets and the dev part of the customer-service
training file (rows neither model trained on; the test files are never read). For every row it
records what the lexicons found and both models' scores, then replays the fusion for each
candidate pair of bands: a row whose n-gram scores fall inside a band (and whose abuse the
lexicons have not settled) gets the full model's scores, the others keep the n-gram scores.

The chosen bands are the cheapest (fewest rows sent to the sentence encoder) that keep

- the level (calm, upset, angry, abusive) equal to the full model's on at least
  :data:`MIN_AGREEMENT` of the rows, and
- the mean abuse F1 and the mean anger F1 over the dev sets within :data:`MAX_F1_LOSS` of the
  full model's.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from calmdesk.analysis import pipeline
from calmdesk.analysis.model import (
    DEFAULT_WEIGHTS,
    Band,
    Gate,
    LinearToneModel,
    ToneScores,
    cascade_first_stage,
)
from calmdesk.analysis.scoring import FusionInput, fuse
from calmdesk.analysis.train import load_examples
from calmdesk.analysis.train_data import Example
from calmdesk.errors import InvalidInput

MIN_AGREEMENT = 0.99
MAX_F1_LOSS = 0.005
# Candidate band edges; every (abuse band, anger band) pair is tried.
LOW_EDGES: tuple[float, ...] = tuple(float(x) for x in np.round(np.arange(0.05, 0.51, 0.05), 2))
HIGH_EDGES: tuple[float, ...] = tuple(float(x) for x in np.round(np.arange(0.5, 0.96, 0.05), 2))
LEVELS = ("calm", "upset", "angry", "abusive")
SCORE_BATCH = 256

Progress = Callable[[str, int, int], None]


def _noop(_description: str, _done: int, _total: int) -> None:
    return None


@dataclass
class DevScores:
    """Per dev row: labels, whether the lexicons settled abuse, and the fused outcome under
    each model."""

    sources: list[str]
    abuse_label: npt.NDArray[np.int8]  # -1 where the row has no abuse label
    anger_label: npt.NDArray[np.int8]
    settled: npt.NDArray[np.bool_]
    quick: npt.NDArray[np.float64]  # (rows, 2): n-gram abuse and anger probabilities
    level_quick: npt.NDArray[np.int8]
    level_full: npt.NDArray[np.int8]


@dataclass
class Candidate:
    abuse: Band
    anger: Band
    encoder_share: float
    agreement: float
    abuse_f1: float
    anger_f1: float


@dataclass
class GateReport:
    rows: int
    full_abuse_f1: float
    full_anger_f1: float
    quick_abuse_f1: float
    quick_anger_f1: float
    chosen: Candidate
    per_source: dict[str, dict[str, float]] = field(default_factory=dict)


def collect(
    data_dir: Path,
    customer_service: Path | None,
    *,
    seed: int = 13,
    limit: int | None = None,
    progress: Progress = _noop,
) -> DevScores:
    """Run the pipeline's lexicons and both models over the dev rows."""
    examples = [ex for ex in load_examples(data_dir, customer_service, seed) if ex.is_dev]
    if limit is not None:
        examples = _per_source(examples, limit)
    if not examples:
        raise InvalidInput(f"no dev rows found under {data_dir}")
    quick = cascade_first_stage()
    full = LinearToneModel.load(DEFAULT_WEIGHTS)
    inputs: list[FusionInput] = []
    texts: list[str] = []
    langs: list[str] = []
    kept: list[Example] = []
    for number, example in enumerate(examples):
        if number % 1000 == 0:
            progress("lexicons", number, len(examples))
        try:
            fusion_input, model_input, lang = _lexicon_pass(example)
        except InvalidInput:  # over-long or blank: the pipeline would refuse it too
            continue
        inputs.append(fusion_input)
        texts.append(model_input)
        langs.append(lang)
        kept.append(example)
    progress("lexicons", len(examples), len(examples))
    examples = kept
    quick_scores = _score(quick, texts, langs, "n-gram model", progress)
    full_scores = _score(full, texts, langs, "full model", progress)
    return DevScores(
        sources=[ex.source for ex in examples],
        abuse_label=_labels(examples, "abuse"),
        anger_label=_labels(examples, "anger"),
        settled=np.array([bool(i.profanity) or i.insult_directed for i in inputs]),
        quick=np.array([(s.abuse, s.anger) for s in quick_scores], dtype=np.float64),
        level_quick=_levels(inputs, quick_scores),
        level_full=_levels(inputs, full_scores),
    )


def _per_source(examples: list[Example], limit: int) -> list[Example]:
    kept: dict[str, int] = {}
    out = []
    for example in examples:
        if kept.get(example.source, 0) < limit:
            kept[example.source] = kept.get(example.source, 0) + 1
            out.append(example)
    return out


def _lexicon_pass(example: Example) -> tuple[FusionInput, str, str]:
    """What the pipeline hands to the fusion for this row, without model scores."""
    prepared = pipeline._prepare(example.text, example.lang)
    fusion_input, _ = pipeline.fusion_evidence(prepared)
    lang = pipeline._model_lang(prepared.doc.lang)
    return fusion_input, prepared.model_input(), lang


def _score(
    model: LinearToneModel,
    texts: Sequence[str],
    langs: Sequence[str],
    label: str,
    progress: Progress,
) -> list[ToneScores]:
    scores: list[ToneScores] = []
    for start in range(0, len(texts), SCORE_BATCH):
        end = start + SCORE_BATCH
        scores += model.predict(texts[start:end], langs[start:end])
        progress(label, min(end, len(texts)), len(texts))
    return scores


def _labels(examples: Sequence[Example], head: str) -> npt.NDArray[np.int8]:
    values = [getattr(ex, head) for ex in examples]
    return np.array([-1 if value is None else value for value in values], dtype=np.int8)


def _levels(inputs: Sequence[FusionInput], scores: Sequence[ToneScores]) -> npt.NDArray[np.int8]:
    levels = []
    for fusion_input, score in zip(inputs, scores, strict=True):
        fused = fuse(replace(fusion_input, model_abuse=score.abuse, model_anger=score.anger))
        levels.append(LEVELS.index(fused.level))
    return np.array(levels, dtype=np.int8)


def _mean_f1(
    scores: DevScores, levels: npt.NDArray[np.int8], head: str
) -> tuple[float, dict[str, float]]:
    """Mean F1 over the sets labelling ``head`` (abuse: level abusive; anger: angry or
    abusive), like ``calmdesk eval``."""
    labels = scores.abuse_label if head == "abuse" else scores.anger_label
    predicted = levels == LEVELS.index("abusive") if head == "abuse" else levels >= 2
    sources = np.array(scores.sources)
    per_source: dict[str, float] = {}
    for source in sorted(set(scores.sources)):
        rows = (sources == source) & (labels >= 0)
        if not rows.any():
            continue
        truth = labels[rows] == 1
        guess = predicted[rows]
        tp = int(np.sum(truth & guess))
        precision = tp / max(int(guess.sum()), 1)
        recall = tp / max(int(truth.sum()), 1)
        per_source[source] = 2 * precision * recall / (precision + recall) if tp else 0.0
    if not per_source:  # no set labels this head
        return 0.0, per_source
    return float(np.mean(list(per_source.values()))), per_source


def routed(scores: DevScores, abuse: Band, anger: Band) -> npt.NDArray[np.bool_]:
    """Rows the cascade sends to the full model."""
    in_abuse = (scores.quick[:, 0] >= abuse.low) & (scores.quick[:, 0] <= abuse.high)
    in_anger = (scores.quick[:, 1] >= anger.low) & (scores.quick[:, 1] <= anger.high)
    return ~scores.settled & (in_abuse | in_anger)


def evaluate_bands(scores: DevScores, abuse: Band, anger: Band) -> Candidate:
    to_full = routed(scores, abuse, anger)
    levels = np.where(to_full, scores.level_full, scores.level_quick)
    return Candidate(
        abuse=abuse,
        anger=anger,
        encoder_share=float(to_full.mean()),
        agreement=float(np.mean(levels == scores.level_full)),
        abuse_f1=_mean_f1(scores, levels, "abuse")[0],
        anger_f1=_mean_f1(scores, levels, "anger")[0],
    )


def choose(scores: DevScores) -> GateReport:
    """The cheapest bands that keep the levels and the F1 scores close to the full model's."""
    full_abuse, per_abuse = _mean_f1(scores, scores.level_full, "abuse")
    full_anger, per_anger = _mean_f1(scores, scores.level_full, "anger")
    best: Candidate | None = None
    bands = [Band(low, high) for low, high in itertools.product(LOW_EDGES, HIGH_EDGES)]
    in_abuse = [(scores.quick[:, 0] >= b.low) & (scores.quick[:, 0] <= b.high) for b in bands]
    in_anger = [(scores.quick[:, 1] >= b.low) & (scores.quick[:, 1] <= b.high) for b in bands]
    open_rows = ~scores.settled
    same = scores.level_full == scores.level_quick
    for (i, abuse), (j, anger) in itertools.product(enumerate(bands), enumerate(bands)):
        to_full = open_rows & (in_abuse[i] | in_anger[j])
        share = float(to_full.mean())
        if best is not None and share >= best.encoder_share:
            continue
        if float(np.mean(to_full | same)) < MIN_AGREEMENT:
            continue
        candidate = evaluate_bands(scores, abuse, anger)
        if (
            full_abuse - candidate.abuse_f1 <= MAX_F1_LOSS
            and full_anger - candidate.anger_f1 <= MAX_F1_LOSS
        ):
            best = candidate
    if best is None:  # nothing cheaper qualifies: send every unsettled row to the full model
        best = evaluate_bands(scores, Band(0.0, 1.0), Band(0.0, 1.0))
    chosen_levels = np.where(
        routed(scores, best.abuse, best.anger), scores.level_full, scores.level_quick
    )
    per_source = {source: {"full_abuse_f1": round(f1, 4)} for source, f1 in per_abuse.items()}
    for source, f1 in per_anger.items():
        per_source.setdefault(source, {})["full_anger_f1"] = round(f1, 4)
    for head in ("abuse", "anger"):
        for source, f1 in _mean_f1(scores, chosen_levels, head)[1].items():
            per_source[source][f"cascade_{head}_f1"] = round(f1, 4)
    return GateReport(
        rows=len(scores.sources),
        full_abuse_f1=full_abuse,
        full_anger_f1=full_anger,
        quick_abuse_f1=_mean_f1(scores, scores.level_quick, "abuse")[0],
        quick_anger_f1=_mean_f1(scores, scores.level_quick, "anger")[0],
        chosen=best,
        per_source=per_source,
    )


def gate_from(report: GateReport) -> Gate:
    chosen = report.chosen
    meta: dict[str, Any] = {
        "chosen_by": "calmdesk model gate",
        "dev_rows": report.rows,
        "encoder_share": round(chosen.encoder_share, 4),
        "level_agreement_with_full": round(chosen.agreement, 4),
        "mean_abuse_f1": {
            "full": round(report.full_abuse_f1, 4),
            "cascade": round(chosen.abuse_f1, 4),
        },
        "mean_anger_f1": {
            "full": round(report.full_anger_f1, 4),
            "cascade": round(chosen.anger_f1, 4),
        },
        "rules": {"min_agreement": MIN_AGREEMENT, "max_f1_loss": MAX_F1_LOSS},
    }
    return Gate(abuse=chosen.abuse, anger=chosen.anger, meta=meta)
