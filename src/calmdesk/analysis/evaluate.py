"""Precision, recall and F1 of the full analysis pipeline on a labelled JSONL file
(``calmdesk eval FILE.jsonl``).

A row is ``{"text", "lang", "abuse": 0|1, "anger": 0|1, "intents": [...]}``; a missing field is
simply not evaluated for that row. Predictions come from :func:`calmdesk.analysis.analyze_many`:
``abuse`` is predicted when the level is ``abusive``, ``anger`` when the level is ``angry`` or
``abusive``, and an intent when it is among the message's intents. Bad lines are reported with
their line number and skipped; the rest is evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from calmdesk.analysis.signals import Intent, Signals
from calmdesk.errors import InvalidInput

SIGNALS: tuple[str, ...] = ("abuse", "anger", *(intent.value for intent in Intent))
ALL_LANGS = "all"
MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class LabelledRow:
    line: int
    text: str
    lang: str | None
    labels: dict[str, bool]


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    problem: str


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass(frozen=True, slots=True)
class Metric:
    signal: str
    lang: str
    rows: int
    support: int
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


@dataclass
class EvalReport:
    metrics: list[Metric] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    rows: int = 0

    def get(self, signal: str, lang: str = ALL_LANGS) -> Metric | None:
        return next((m for m in self.metrics if m.signal == signal and m.lang == lang), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "metrics": [asdict(m) for m in self.metrics],
            "bad_lines": [asdict(b) for b in self.bad_lines],
        }


def parse_row(raw: bytes, line: int) -> LabelledRow:
    """One JSONL line as a :class:`LabelledRow`; :class:`InvalidInput` names what is wrong."""
    try:
        row = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InvalidInput(f"invalid UTF-8 at byte {error.start}") from error
    except json.JSONDecodeError as error:
        raise InvalidInput(f"not valid JSON ({error.msg})") from error
    if not isinstance(row, dict):
        raise InvalidInput("expected a JSON object")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("'text' must be a non-empty string")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"'text' is longer than {MAX_TEXT_CHARS} characters")
    lang = row.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise InvalidInput("'lang' must be a string")
    labels = _labels(row)
    return LabelledRow(line=line, text=text, lang=lang, labels=labels)


def _labels(row: dict[str, Any]) -> dict[str, bool]:
    labels: dict[str, bool] = {}
    for name in ("abuse", "anger"):
        if name in row:
            if row[name] not in (0, 1) or isinstance(row[name], float):
                raise InvalidInput(f"'{name}' must be 0 or 1")
            labels[name] = bool(row[name])
    if "intents" in row:
        intents = row["intents"]
        if not isinstance(intents, list) or not all(isinstance(i, str) for i in intents):
            raise InvalidInput("'intents' must be a list of strings")
        unknown = sorted(set(intents) - set(SIGNALS[2:]))
        if unknown:
            raise InvalidInput(f"unknown intent(s): {', '.join(unknown)}")
        labels.update({intent: intent in intents for intent in SIGNALS[2:]})
    return labels


def read_labelled(path: Path) -> tuple[list[LabelledRow], list[BadLine]]:
    """Good rows and bad lines of a JSONL file; blank lines are ignored."""
    if not path.is_file():
        raise InvalidInput(f"file not found: {path}")
    rows: list[LabelledRow] = []
    bad: list[BadLine] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                rows.append(parse_row(raw, number))
            except InvalidInput as error:
                bad.append(BadLine(line=number, problem=error.message))
    return rows, bad


def predicted_labels(signals: Signals) -> dict[str, bool]:
    predicted = {
        "abuse": signals.level == "abusive",
        "anger": signals.level in ("angry", "abusive"),
    }
    predicted.update({intent: intent in signals.intents for intent in SIGNALS[2:]})
    return predicted


def score(
    rows: Sequence[LabelledRow], predictions: Sequence[dict[str, bool]], langs: Sequence[str]
) -> list[Metric]:
    """Counts per (signal, language) and over all languages, for the signals a row labels."""
    counts: dict[tuple[str, str], Count] = {}
    totals: dict[tuple[str, str], int] = {}
    for row, predicted, lang in zip(rows, predictions, langs, strict=True):
        for signal, actual in row.labels.items():
            for group in (lang, ALL_LANGS):
                counts.setdefault((signal, group), Count()).add(predicted[signal], actual)
                totals[(signal, group)] = totals.get((signal, group), 0) + 1
    order = {name: i for i, name in enumerate(SIGNALS)}
    metrics = []
    for (signal, lang), c in sorted(
        counts.items(), key=lambda item: (order[item[0][0]], item[0][1] == ALL_LANGS, item[0][1])
    ):
        metrics.append(
            Metric(
                signal=signal,
                lang=lang,
                rows=totals[(signal, lang)],
                support=c.support,
                tp=c.tp,
                fp=c.fp,
                fn=c.fn,
                precision=round(c.precision, 4),
                recall=round(c.recall, 4),
                f1=round(c.f1, 4),
            )
        )
    return metrics


Analyzer = Callable[[list[str], list[str | None]], list[Signals]]


def _pipeline(texts: list[str], langs: list[str | None]) -> list[Signals]:
    from calmdesk.analysis.pipeline import analyze_many

    return analyze_many(texts, langs)


def _analyze_batch(
    analyzer: Analyzer, batch: list[LabelledRow], bad: list[BadLine]
) -> list[tuple[LabelledRow, Signals]]:
    """The batch's signals; when the pipeline refuses a text (too long, unknown language...),
    each row is retried alone and the refused ones are reported as bad lines."""
    try:
        results = analyzer([r.text for r in batch], [r.lang for r in batch])
        return list(zip(batch, results, strict=True))
    except InvalidInput:
        pass
    analysed = []
    for row in batch:
        try:
            analysed.append((row, analyzer([row.text], [row.lang])[0]))
        except InvalidInput as error:
            bad.append(BadLine(line=row.line, problem=error.message))
    return analysed


def evaluate(
    path: Path,
    *,
    analyzer: Analyzer = _pipeline,
    batch_size: int = 256,
    on_batch: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run ``analyzer`` (the full pipeline by default) over ``path`` and score it."""
    rows, bad = read_labelled(path)
    kept: list[LabelledRow] = []
    predictions: list[dict[str, bool]] = []
    langs: list[str] = []
    for start in range(0, len(rows), batch_size):
        for row, signals in _analyze_batch(analyzer, rows[start : start + batch_size], bad):
            kept.append(row)
            predictions.append(predicted_labels(signals))
            langs.append(row.lang or signals.lang)
        if on_batch is not None:
            on_batch(min(start + batch_size, len(rows)), len(rows))
    bad.sort(key=lambda b: b.line)
    return EvalReport(metrics=score(kept, predictions, langs), bad_lines=bad, rows=len(kept))
