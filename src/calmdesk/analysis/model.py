"""The trained tone model: abuse and anger probabilities for a batch of texts.

Each head is a logistic regression over three feature groups: the multilingual USE v3 sentence
embedding, hashed character 2-5-grams (they catch swearing however it is spelt) and the
language. Training (``calmdesk model train``, :mod:`calmdesk.analysis.train`) needs
scikit-learn; inference here is numpy only, and the weights ship inside the package
(``analysis/models/``). ``load_default_model()`` returns ``None`` when no weights are
installed, and the pipeline then relies on its lexicons and cues alone.

Three variants (``CALMDESK_TONE_MODEL``):

- ``cascade`` (the default): n-gram heads taught by the full model (``models/tone_student.npz``)
  score every message, and the sentence encoder, which costs most of the time, runs only on the
  messages whose first-stage scores fall inside the bands where the two models may disagree
  (``models/cascade.json``, chosen on the dev split by ``calmdesk model gate``) and whose abuse
  the lexicons have not already settled;
- ``full``: the encoder on every message;
- ``fast``: n-grams only, the encoder is never loaded.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from calmdesk.analysis.features import (
    EMBEDDING_DIM,
    HASH_DIM,
    LANGS,
    SentenceEncoder,
    lang_index,
    ngram_features,
    shared_encoder,
)
from calmdesk.errors import ConfigurationError

HEADS: tuple[str, ...] = ("abuse", "anger")
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_WEIGHTS = MODELS_DIR / "tone.npz"
FAST_WEIGHTS = MODELS_DIR / "tone_fast.npz"
STUDENT_WEIGHTS = MODELS_DIR / "tone_student.npz"
GATE_FILE = MODELS_DIR / "cascade.json"
VARIANT_ENV = "CALMDESK_TONE_MODEL"
VARIANTS: tuple[str, ...] = ("cascade", "full", "fast")
DEFAULT_VARIANT = "cascade"
FORMAT_VERSION = 1
PREDICT_CHUNK = 512

# Which model produced a score (shown in the explanations).
Scorer = Literal["full", "ngrams"]


@dataclass(frozen=True, slots=True)
class ToneScores:
    abuse: float
    anger: float
    scorer: Scorer = "full"


class ToneModel(Protocol):
    def predict(
        self,
        texts: Sequence[str],
        langs: Sequence[str],
        settled: Sequence[bool] | None = None,
    ) -> list[ToneScores]:
        """Scores for each text (``langs`` gives each text's language: pl, ru, en or other).

        ``settled[i]`` tells that the lexicons already made text ``i`` abusive, so a model
        may spare its expensive features there."""
        ...


NgramFeatures = tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]


@dataclass(frozen=True)
class Head:
    """One logistic-regression head: ``sigmoid(e . w_emb + x . w_ngram + w_lang[lang] + b)``."""

    embedding: npt.NDArray[np.float32]
    ngrams: npt.NDArray[np.float32]
    lang: npt.NDArray[np.float32]
    bias: float

    def logits(
        self,
        embeddings: npt.NDArray[np.float32],
        ngrams: Sequence[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]],
        langs: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.float64]:
        emb_part = embeddings @ self.embedding if embeddings.shape[1] else 0.0
        ngram_part = _sparse_dot(self.ngrams, ngrams)
        return np.asarray(emb_part + ngram_part + self.lang[langs] + self.bias, dtype=np.float64)


def _sparse_dot(
    weights: npt.NDArray[np.float32],
    ngrams: Sequence[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]],
) -> npt.NDArray[np.float64]:
    """``weights . x`` for each text's sparse n-gram vector ``x`` (indices, values), in one
    gather for the whole batch rather than one small dot product per text."""
    if not ngrams:
        return np.zeros(0, dtype=np.float64)
    lengths = np.fromiter((idx.size for idx, _ in ngrams), dtype=np.int64, count=len(ngrams))
    indices = np.concatenate([idx for idx, _ in ngrams])
    values = np.concatenate([val for _, val in ngrams])
    rows = np.repeat(np.arange(len(ngrams)), lengths)
    sums = np.bincount(rows, weights=weights[indices] * values, minlength=len(ngrams))
    return np.asarray(sums, dtype=np.float64)


class _ChunkedModel:
    """A :class:`ToneModel` that scores a batch in chunks of :data:`PREDICT_CHUNK`, so a batch of
    10,000 messages does not hold all its features at once."""

    def predict(
        self,
        texts: Sequence[str],
        langs: Sequence[str],
        settled: Sequence[bool] | None = None,
    ) -> list[ToneScores]:
        _check_lengths(texts, langs, settled)
        scores: list[ToneScores] = []
        for start in range(0, len(texts), PREDICT_CHUNK):
            end = start + PREDICT_CHUNK
            part = None if settled is None else settled[start:end]
            scores += self._predict_chunk(texts[start:end], langs[start:end], part)
        return scores

    def _predict_chunk(
        self, texts: Sequence[str], langs: Sequence[str], settled: Sequence[bool] | None
    ) -> list[ToneScores]:
        raise NotImplementedError


@dataclass
class LinearToneModel(_ChunkedModel):
    """The shipped model. Thread-safe: the only state is the lazily loaded sentence encoder."""

    heads: dict[str, Head]
    meta: dict[str, Any] = field(default_factory=dict)
    encoder: SentenceEncoder = field(default_factory=shared_encoder)

    @property
    def uses_embeddings(self) -> bool:
        """False for the fast variant, which never loads the sentence encoder."""
        return bool(self.meta.get("embeddings", True))

    def score_ngrams(
        self, ngrams: Sequence[NgramFeatures], lang_ids: npt.NDArray[np.int64]
    ) -> list[ToneScores]:
        """Scores from the n-gram and language weights alone (the fast variant's whole model)."""
        no_embeddings = np.zeros((len(ngrams), 0), dtype=np.float32)
        return _score_heads(self.heads, no_embeddings, ngrams, lang_ids, "ngrams")

    def score_all(
        self, texts: Sequence[str], ngrams: Sequence[NgramFeatures], lang_ids: npt.NDArray[np.int64]
    ) -> list[ToneScores]:
        """Scores of ``texts`` whose n-gram features are computed (embedding them if this model
        uses the sentence encoder)."""
        if not self.uses_embeddings:
            return self.score_ngrams(ngrams, lang_ids)
        return _score_heads(self.heads, self.encoder.encode(texts), ngrams, lang_ids, "full")

    def _predict_chunk(
        self, texts: Sequence[str], langs: Sequence[str], settled: Sequence[bool] | None
    ) -> list[ToneScores]:
        ngrams, lang_ids = _features(texts, langs, settled)
        return self.score_all(texts, ngrams, lang_ids)

    def warm_up(self) -> None:
        """Load the sentence encoder now rather than on the first message."""
        self.predict(["."], ["other"])

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            "meta": np.array(json.dumps({**self.meta, "format": FORMAT_VERSION}))
        }
        for name, head in self.heads.items():
            arrays[f"{name}_embedding"] = head.embedding.astype(np.float32)
            arrays[f"{name}_ngrams"] = head.ngrams.astype(np.float16)
            arrays[f"{name}_lang"] = head.lang.astype(np.float32)
            arrays[f"{name}_bias"] = np.array([head.bias], dtype=np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> LinearToneModel:
        """Read weights written by :meth:`save`; a broken file is a configuration error."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                heads = {
                    name: Head(
                        embedding=data[f"{name}_embedding"].astype(np.float32),
                        ngrams=data[f"{name}_ngrams"].astype(np.float32),
                        lang=data[f"{name}_lang"].astype(np.float32),
                        bias=float(data[f"{name}_bias"][0]),
                    )
                    for name in HEADS
                }
        except (OSError, KeyError, ValueError) as error:
            raise ConfigurationError(f"cannot read tone model weights {path}: {error}") from error
        _check_shapes(path, meta, heads)
        return cls(heads=heads, meta=meta)


@dataclass(frozen=True, slots=True)
class Band:
    """Probabilities from ``low`` to ``high`` (inclusive) are too close to call."""

    low: float
    high: float

    def __contains__(self, probability: float) -> bool:
        return self.low <= probability <= self.high


@dataclass(frozen=True)
class Gate:
    """When the n-gram scores are not trusted on their own (see :class:`CascadeToneModel`)."""

    abuse: Band
    anger: Band
    meta: dict[str, Any] = field(default_factory=dict)

    def unsure(self, scores: ToneScores) -> bool:
        return scores.abuse in self.abuse or scores.anger in self.anger

    def to_json(self) -> str:
        bands = {
            "abuse": [self.abuse.low, self.abuse.high],
            "anger": [self.anger.low, self.anger.high],
        }
        return json.dumps({**bands, "meta": self.meta}, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def load(cls, path: Path) -> Gate:
        """Read bands written by :meth:`to_json`; a broken file is a configuration error."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            bands = {name: Band(float(data[name][0]), float(data[name][1])) for name in HEADS}
            meta = data.get("meta", {})
        except (OSError, KeyError, IndexError, TypeError, ValueError) as error:
            raise ConfigurationError(f"cannot read the cascade gate {path}: {error}") from error
        for name, band in bands.items():
            if not 0.0 <= band.low <= band.high <= 1.0:
                raise ConfigurationError(
                    f"cascade gate {path}: {name} band {band} is not in [0, 1]"
                )
        return cls(abuse=bands["abuse"], anger=bands["anger"], meta=meta)


@dataclass
class CascadeToneModel(_ChunkedModel):
    """A cheap first stage; the full model (with the sentence encoder) only where needed.

    The full model is the better judge but its encoder costs about 2 ms a message. Most messages
    are plainly calm or plainly heated to the n-gram heads too, and a message the lexicons
    already found abusive is abusive whatever the model says. So the full model scores only the
    messages that are not settled and whose n-gram scores fall inside the gate's bands; the
    bands were chosen on the dev split so that the levels agree with the full model's almost
    everywhere (figures in ``models/cascade.json`` and docs/model-card.md)."""

    quick: LinearToneModel
    full: LinearToneModel
    gate: Gate

    def _predict_chunk(
        self, texts: Sequence[str], langs: Sequence[str], settled: Sequence[bool] | None
    ) -> list[ToneScores]:
        ngrams, lang_ids = _features(texts, langs, settled)
        scores = self.quick.score_ngrams(ngrams, lang_ids)
        unsure = [
            i
            for i, score in enumerate(scores)
            if not (settled is not None and settled[i]) and self.gate.unsure(score)
        ]
        if unsure:
            rescored = self.full.score_all(
                [texts[i] for i in unsure], [ngrams[i] for i in unsure], lang_ids[unsure]
            )
            for i, score in zip(unsure, rescored, strict=True):
                scores[i] = score
        return scores


def _score_heads(
    heads: dict[str, Head],
    embeddings: npt.NDArray[np.float32],
    ngrams: Sequence[NgramFeatures],
    lang_ids: npt.NDArray[np.int64],
    scorer: Scorer,
) -> list[ToneScores]:
    probs = {
        name: _sigmoid(head.logits(embeddings, ngrams, lang_ids)) for name, head in heads.items()
    }
    return [
        ToneScores(abuse=float(a), anger=float(g), scorer=scorer)
        for a, g in zip(probs["abuse"], probs["anger"], strict=True)
    ]


def _features(
    texts: Sequence[str], langs: Sequence[str], settled: Sequence[bool] | None
) -> tuple[list[NgramFeatures], npt.NDArray[np.int64]]:
    """The n-gram features and language ids of a batch, after checking the lengths agree."""
    _check_lengths(texts, langs, settled)
    return [ngram_features(text) for text in texts], _lang_ids(langs)


def _check_lengths(
    texts: Sequence[str], langs: Sequence[str], settled: Sequence[bool] | None
) -> None:
    if len(texts) != len(langs) or (settled is not None and len(settled) != len(texts)):
        raise ValueError("texts, langs and settled must have the same length")


def _lang_ids(langs: Sequence[str]) -> npt.NDArray[np.int64]:
    return np.array([lang_index(lang) for lang in langs], dtype=np.int64)


def _check_shapes(path: Path, meta: dict[str, Any], heads: dict[str, Head]) -> None:
    if meta.get("format") != FORMAT_VERSION:
        raise ConfigurationError(f"tone model {path} has format {meta.get('format')!r}")
    for name, head in heads.items():
        shapes = (head.embedding.shape, head.ngrams.shape, head.lang.shape)
        if shapes != ((EMBEDDING_DIM,), (HASH_DIM,), (len(LANGS),)):
            raise ConfigurationError(f"tone model {path}: head {name} has shapes {shapes}")


def _sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0))), dtype=np.float64)


_load_lock = threading.Lock()


@lru_cache(maxsize=4)
def _cached(variant: str) -> ToneModel | None:
    if not DEFAULT_WEIGHTS.exists() and variant != "fast":
        return None
    if variant == "fast":
        return _load_warm(FAST_WEIGHTS) if FAST_WEIGHTS.exists() else None
    full = _load_warm(DEFAULT_WEIGHTS)
    if variant == "full" or not (FAST_WEIGHTS.exists() and GATE_FILE.exists()):
        return full
    cascade = CascadeToneModel(quick=cascade_first_stage(), full=full, gate=Gate.load(GATE_FILE))
    return cascade


def cascade_first_stage() -> LinearToneModel:
    """The student (n-gram heads taught by the full model, :mod:`calmdesk.analysis.distil`), or
    the fast variant's heads where no student is installed."""
    return LinearToneModel.load(STUDENT_WEIGHTS if STUDENT_WEIGHTS.exists() else FAST_WEIGHTS)


def _load_warm(path: Path) -> LinearToneModel:
    model = LinearToneModel.load(path)
    model.warm_up()
    return model


def variant_name(variant: str | None = None) -> str:
    """``variant``, else the ``CALMDESK_TONE_MODEL`` environment variable, else ``cascade``;
    an unknown name is a configuration error."""
    name = (variant or os.environ.get(VARIANT_ENV) or DEFAULT_VARIANT).strip().lower()
    if name not in VARIANTS:
        raise ConfigurationError(
            f"{VARIANT_ENV}={name!r} is not a tone model; use one of {', '.join(VARIANTS)}"
        )
    return name


def load_default_model(variant: str | None = None) -> ToneModel | None:
    """The shipped model (loaded once per process, encoder warmed up), or ``None`` while no
    weights are installed. The variant is ``cascade`` unless ``variant`` or
    ``CALMDESK_TONE_MODEL`` names ``full`` or ``fast``."""
    name = variant_name(variant)
    with _load_lock:
        return _cached(name)
