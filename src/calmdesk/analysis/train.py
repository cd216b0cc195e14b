"""Train the tone model's heads (``calmdesk model train``; needs the ``train`` extra).

Reproducible: the split, the caps and the solver depend only on ``seed`` and the data. The
sentence embeddings dominate the time, so they are cached on disk per set (keyed by a digest of
the texts) and a second run takes seconds.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from calmdesk.analysis.features import (
    HASH_DIM,
    LANGS,
    SentenceEncoder,
    lang_index,
    ngram_features,
)
from calmdesk.analysis.model import DEFAULT_WEIGHTS, HEADS, Head, LinearToneModel
from calmdesk.analysis.train_data import (
    CUSTOMER_SERVICE_SET,
    PUBLIC_SETS,
    Example,
    load_customer_service,
    load_public_set,
)
from calmdesk.errors import ConfigurationError

TRAINING_MODULES = ("sklearn", "scipy")
TRAIN_EXTRA_MISSING = (
    "training needs scikit-learn, which is not installed: pip install -e '.[train]' "
    "in a checkout (or pip install 'calmdesk[train]')"
)


def require_training_libraries() -> None:
    """Fail before any work, saying how to install them, when the ``train`` extra is missing
    (running CalmDesk never needs it: the weights are read by plain numpy)."""
    if any(importlib.util.find_spec(name) is None for name in TRAINING_MODULES):
        raise ConfigurationError(TRAIN_EXTRA_MISSING)


# Inverse regularisation strength, chosen on the dev split (see docs/model-card.md).
REGULARISATION_C = 4.0
# The embedding block is scaled up so one C suits both it and the sparse n-gram block.
EMBEDDING_SCALE = 2.0
EMBED_BATCH = 256
# Candidate shifts of a language's logit bias (see calibrate()); small moves first on ties.
CALIBRATION_SHIFTS = sorted(np.round(np.arange(-3.0, 3.01, 0.1), 2), key=abs)

Progress = Callable[[str, int, int], None]


@dataclass
class SetScore:
    source: str
    head: str
    rows: int
    positives: int
    precision: float
    recall: float
    f1: float


@dataclass
class TrainReport:
    train_rows: dict[str, int] = field(default_factory=dict)
    dev: list[SetScore] = field(default_factory=list)
    out: Path | None = None
    size_bytes: int = 0
    calibration: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Matrix:
    """Features of a list of examples, row-aligned with it."""

    examples: list[Example]
    embeddings: npt.NDArray[np.float32]
    ngrams: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]


def _noop(_description: str, _done: int, _total: int) -> None:
    return None


def load_examples(data_dir: Path, customer_service: Path | None, seed: int) -> list[Example]:
    examples: list[Example] = []
    for spec in PUBLIC_SETS:
        examples.extend(load_public_set(data_dir, spec, seed))
    if customer_service is not None and customer_service.exists():
        examples.extend(load_customer_service(customer_service, seed))
    return examples


def embed_cached(
    texts: Sequence[str],
    encoder: SentenceEncoder,
    cache_dir: Path | None,
    label: str,
    progress: Progress,
) -> npt.NDArray[np.float32]:
    """Embeddings of ``texts``, read from ``cache_dir`` when the same texts were seen before."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:20]
    cache_file = cache_dir / f"{label}-{digest}.npy" if cache_dir else None
    if cache_file is not None and cache_file.exists():
        progress(label, len(texts), len(texts))
        return np.asarray(np.load(cache_file), dtype=np.float32)
    out = np.empty((len(texts), 512), dtype=np.float32)
    for start in range(0, len(texts), EMBED_BATCH):
        out[start : start + EMBED_BATCH] = encoder.encode(texts[start : start + EMBED_BATCH])
        progress(label, min(start + EMBED_BATCH, len(texts)), len(texts))
    # Rounded like the cache, so a run with a cold cache trains exactly like a warm one.
    rounded = out.astype(np.float16)
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache_file, rounded)
    return rounded.astype(np.float32)


def featurize(
    examples: list[Example],
    cache_dir: Path | None,
    progress: Progress,
    threads: int = 1,
    with_embeddings: bool = True,
) -> Matrix:
    """Features of every example; without embeddings the block has zero columns."""
    encoder = SentenceEncoder(threads=threads)
    by_source: dict[str, list[int]] = defaultdict(list)
    for position, example in enumerate(examples):
        by_source[example.source].append(position)
    embeddings = np.empty((len(examples), 512 if with_embeddings else 0), dtype=np.float32)
    for source, positions in by_source.items():
        if not with_embeddings:
            break
        texts = [examples[i].text for i in positions]
        embeddings[positions] = embed_cached(texts, encoder, cache_dir, source, progress)
    ngrams = []
    for position, example in enumerate(examples):
        ngrams.append(ngram_features(example.text))
        if position % 5000 == 0 or position == len(examples) - 1:
            progress("character n-grams", position + 1, len(examples))
    return Matrix(examples=examples, embeddings=embeddings, ngrams=ngrams)


def design_matrix(matrix: Matrix, rows: Sequence[int]) -> Any:
    """``[embedding * scale | n-grams | language one-hot]`` as a CSR matrix."""
    from scipy import sparse

    n_emb = matrix.embeddings.shape[1]
    indptr = [0]
    indices: list[npt.NDArray[np.int64]] = []
    values: list[npt.NDArray[np.float32]] = []
    emb_cols = np.arange(n_emb, dtype=np.int64)
    lang_offset = n_emb + HASH_DIM
    for row in rows:
        idx, val = matrix.ngrams[row]
        lang_col = np.array([lang_offset + lang_index(matrix.examples[row].lang)], dtype=np.int64)
        indices.extend((emb_cols, idx + n_emb, lang_col))
        values.extend((matrix.embeddings[row] * EMBEDDING_SCALE, val, np.ones(1, dtype=np.float32)))
        indptr.append(indptr[-1] + n_emb + idx.size + 1)
    shape = (len(rows), lang_offset + len(LANGS))
    return sparse.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(indptr)), shape=shape
    )


def fit_head(matrix: Matrix, head: str, seed: int) -> Head:
    require_training_libraries()
    from sklearn.linear_model import LogisticRegression

    rows = [
        i for i, ex in enumerate(matrix.examples) if getattr(ex, head) is not None and not ex.is_dev
    ]
    labels = np.array([getattr(matrix.examples[i], head) for i in rows])
    weights = np.array([matrix.examples[i].weight for i in rows])
    classifier = LogisticRegression(
        C=REGULARISATION_C, solver="liblinear", max_iter=200, random_state=seed
    )
    classifier.fit(design_matrix(matrix, rows), labels, sample_weight=weights)
    coef = classifier.coef_[0].astype(np.float32)
    n_emb = matrix.embeddings.shape[1]
    return Head(
        embedding=coef[:n_emb] * EMBEDDING_SCALE if n_emb else np.zeros(512, dtype=np.float32),
        ngrams=coef[n_emb : n_emb + HASH_DIM],
        lang=coef[n_emb + HASH_DIM :],
        bias=float(classifier.intercept_[0]),
    )


def score_dev(model: LinearToneModel, matrix: Matrix) -> list[SetScore]:
    """Positive-class precision, recall and F1 at 0.5 per (set, head) on the dev rows."""
    scores: list[SetScore] = []
    lang_ids = np.array([lang_index(ex.lang) for ex in matrix.examples], dtype=np.int64)
    for head in HEADS:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, ex in enumerate(matrix.examples):
            if ex.is_dev and getattr(ex, head) is not None:
                groups[ex.source].append(i)
        for source, rows in sorted(groups.items()):
            logits = model.heads[head].logits(
                matrix.embeddings[rows], [matrix.ngrams[i] for i in rows], lang_ids[rows]
            )
            predicted = logits > 0
            truth = np.array([getattr(matrix.examples[i], head) == 1 for i in rows])
            scores.append(_set_score(source, head, predicted, truth))
    return scores


def _mean_f1(
    logits: npt.NDArray[np.float64],
    truth: npt.NDArray[np.bool_],
    groups: list[npt.NDArray[np.int64]],
    shift: float,
) -> float:
    predicted = logits + shift > 0
    return float(np.mean([_set_score("", "", predicted[g], truth[g]).f1 for g in groups]))


def calibrate(model: LinearToneModel, matrix: Matrix) -> dict[str, dict[str, float]]:
    """Shift each head's per-language bias so that 0.5 is the best threshold on the dev split.

    The public sets differ in how common abuse and anger are; the shift maximises the mean F1
    over one language's public dev sets. Returns the shifts applied, per head and language."""
    shifts: dict[str, dict[str, float]] = {}
    lang_ids = np.array([lang_index(ex.lang) for ex in matrix.examples], dtype=np.int64)
    for name, head in model.heads.items():
        shifts[name] = {}
        lang_bias = head.lang.copy()
        for lang in LANGS[:-1]:
            rows = [
                i
                for i, ex in enumerate(matrix.examples)
                if ex.is_dev
                and ex.lang == lang
                and getattr(ex, name) is not None
                and ex.source != CUSTOMER_SERVICE_SET
            ]
            if not rows:
                continue
            logits = head.logits(
                matrix.embeddings[rows], [matrix.ngrams[i] for i in rows], lang_ids[rows]
            )
            truth = np.array([getattr(matrix.examples[i], name) == 1 for i in rows])
            sources = [matrix.examples[i].source for i in rows]
            groups = [
                np.array([k for k, s in enumerate(sources) if s == source], dtype=np.int64)
                for source in sorted(set(sources))
            ]
            best = max(CALIBRATION_SHIFTS, key=lambda x: _mean_f1(logits, truth, groups, x))
            lang_bias[lang_index(lang)] += best
            shifts[name][lang] = round(float(best), 2)
        model.heads[name] = replace(head, lang=lang_bias)
    return shifts


def _set_score(
    source: str, head: str, predicted: npt.NDArray[np.bool_], truth: npt.NDArray[np.bool_]
) -> SetScore:
    tp = int(np.sum(predicted & truth))
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(truth.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return SetScore(source, head, len(truth), int(truth.sum()), precision, recall, f1)


def train(
    data_dir: Path,
    *,
    out: Path = DEFAULT_WEIGHTS,
    seed: int = 13,
    customer_service: Path | None = None,
    cache_dir: Path | None = None,
    progress: Progress = _noop,
    with_embeddings: bool = True,
) -> TrainReport:
    """Train both heads on the train part, score them on the dev part, write ``out``.

    ``with_embeddings=False`` trains the fast variant: character n-grams and language only, no
    sentence encoder at run time."""
    if not data_dir.is_dir():
        raise ConfigurationError(f"data folder not found: {data_dir}")
    examples = load_examples(data_dir, customer_service, seed)
    matrix = featurize(examples, cache_dir, progress, with_embeddings=with_embeddings)
    heads = {}
    for number, head in enumerate(HEADS):
        progress("fitting heads", number, len(HEADS))
        heads[head] = fit_head(matrix, head, seed)
    progress("fitting heads", len(HEADS), len(HEADS))
    meta = {
        "seed": seed,
        "sets": sorted({ex.source for ex in examples}),
        "c": REGULARISATION_C,
        "embeddings": with_embeddings,
    }
    model = LinearToneModel(heads=heads, meta=meta)
    progress("calibrating per language", 0, 1)
    model.meta["calibration"] = report_shifts = calibrate(model, matrix)
    progress("calibrating per language", 1, 1)
    model.save(out)
    report = TrainReport(out=out, size_bytes=out.stat().st_size, calibration=report_shifts)
    report.train_rows = train_rows_per_set(examples)
    report.dev = score_dev(model, matrix)
    return report


def train_rows_per_set(examples: Sequence[Example]) -> dict[str, int]:
    """How many train (not dev) rows each set gave."""
    counts: dict[str, int] = {}
    for ex in examples:
        if not ex.is_dev:
            counts[ex.source] = counts.get(ex.source, 0) + 1
    return counts


__all__ = ["CUSTOMER_SERVICE_SET", "TrainReport", "train"]
