"""The trained tone model: abuse and anger probabilities for a batch of texts.

Each head is a logistic regression over three feature groups: the multilingual USE v3 sentence
embedding, hashed character 2-5-grams (they catch swearing however it is spelt) and the
language. Training (``calmdesk model train``, :mod:`calmdesk.analysis.train`) needs
scikit-learn; inference here is numpy only, and the weights ship inside the package
(``analysis/models/tone.npz``). ``load_default_model()`` returns ``None`` when no weights are
installed, and the pipeline then relies on its lexicons and cues alone.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from calmdesk.analysis.features import (
    EMBEDDING_DIM,
    HASH_DIM,
    LANGS,
    SentenceEncoder,
    lang_index,
    ngram_features,
)
from calmdesk.errors import ConfigurationError

HEADS: tuple[str, ...] = ("abuse", "anger")
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_WEIGHTS = MODELS_DIR / "tone.npz"
FAST_WEIGHTS = MODELS_DIR / "tone_fast.npz"
# ``full`` (sentence embeddings + character n-grams, the default) or ``fast`` (n-grams only:
# a fraction of the time and memory per message, lower anger accuracy; see docs/model-card.md).
VARIANT_ENV = "CALMDESK_TONE_MODEL"
VARIANTS = {"full": DEFAULT_WEIGHTS, "fast": FAST_WEIGHTS}
FORMAT_VERSION = 1
PREDICT_CHUNK = 512


@dataclass(frozen=True, slots=True)
class ToneScores:
    abuse: float
    anger: float


class ToneModel(Protocol):
    def predict(self, texts: Sequence[str], langs: Sequence[str]) -> list[ToneScores]:
        """Scores for each text (``langs`` gives each text's language: pl, ru, en or other)."""
        ...


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
        ngram_part = np.array([float(np.dot(self.ngrams[idx], val)) for idx, val in ngrams])
        return np.asarray(emb_part + ngram_part + self.lang[langs] + self.bias, dtype=np.float64)


@dataclass
class LinearToneModel:
    """The shipped model. Thread-safe: the only state is the lazily loaded sentence encoder."""

    heads: dict[str, Head]
    meta: dict[str, Any] = field(default_factory=dict)
    encoder: SentenceEncoder = field(default_factory=SentenceEncoder)

    def predict(self, texts: Sequence[str], langs: Sequence[str]) -> list[ToneScores]:
        if len(texts) != len(langs):
            raise ValueError("texts and langs must have the same length")
        scores: list[ToneScores] = []
        # In chunks, so a batch of 10,000 messages does not hold all its features at once.
        for start in range(0, len(texts), PREDICT_CHUNK):
            scores += self._predict_chunk(
                texts[start : start + PREDICT_CHUNK], langs[start : start + PREDICT_CHUNK]
            )
        return scores

    @property
    def uses_embeddings(self) -> bool:
        """False for the fast variant, which never loads the sentence encoder."""
        return bool(self.meta.get("embeddings", True))

    def _predict_chunk(self, texts: Sequence[str], langs: Sequence[str]) -> list[ToneScores]:
        if self.uses_embeddings:
            embeddings = self.encoder.encode(texts)
        else:
            embeddings = np.zeros((len(texts), 0), dtype=np.float32)
        ngrams = [ngram_features(text) for text in texts]
        lang_ids = np.array([lang_index(lang) for lang in langs], dtype=np.int64)
        probs = {
            name: _sigmoid(head.logits(embeddings, ngrams, lang_ids))
            for name, head in self.heads.items()
        }
        return [
            ToneScores(abuse=float(a), anger=float(g))
            for a, g in zip(probs["abuse"], probs["anger"], strict=True)
        ]

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


@lru_cache(maxsize=2)
def _cached(path: Path) -> LinearToneModel | None:
    if not path.exists():
        return None
    model = LinearToneModel.load(path)
    model.warm_up()
    return model


def weights_path(variant: str | None = None) -> Path:
    """The weights of ``variant`` (default: the ``CALMDESK_TONE_MODEL`` environment variable,
    else ``full``); an unknown name is a configuration error."""
    name = (variant or os.environ.get(VARIANT_ENV) or "full").strip().lower()
    if name not in VARIANTS:
        raise ConfigurationError(
            f"{VARIANT_ENV}={name!r} is not a tone model; use one of {', '.join(VARIANTS)}"
        )
    return VARIANTS[name]


def load_default_model() -> ToneModel | None:
    """The shipped model (loaded once per process, encoder warmed up), or ``None`` while no
    weights are installed. ``CALMDESK_TONE_MODEL=fast`` picks the variant without sentence
    embeddings."""
    path = weights_path()
    with _load_lock:
        return _cached(path)
