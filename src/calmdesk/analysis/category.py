"""Which complaint category a text belongs to: the one suggester for the coach, case intake and
public posts.

It knows nothing of playbooks: a caller gives plain ``(key, texts)`` pairs (a category's key with
its examples, description and names, in any language) and asks about one or more customer texts.
Each category scores

* the cosine similarity between a customer text and the closest of its texts, using the
  multilingual sentence encoder (so a Russian complaint finds a category described in Polish),
  the best over the customer's texts, and
* the share of the customer's word stems that its texts share (:func:`stems`), which keeps the
  obvious keyword matches winning where the embedding is unsure,

mixed as ``0.7 * similarity + 0.3 * shared share``. Ties go to the category listed first, so the
answer depends on nothing but the pairs and the texts. Below :data:`MIN_SCORE` the best category
is still reported (a case must have one) but marked ``confident=False``: the coach then suggests
none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from calmdesk.analysis.features import shared_encoder

CategoryTexts = tuple[tuple[str, tuple[str, ...]], ...]
"""``(category key, its texts)`` pairs, in the order ties are broken."""

EMBEDDING_WEIGHT = 0.7
KEYWORD_WEIGHT = 0.3
# A score below this is a guess: greetings, insults and nonsense land between 0.07 and 0.25,
# texts that name a problem of a category above 0.3.
MIN_SCORE = 0.28
STEM_LENGTH = 5
MIN_WORD_LENGTH = 3
_WORD = re.compile(r"[^\W\d_]+")


def stems(text: str) -> frozenset[str]:
    """Prefix stems (the first five letters, ``ё`` read as ``е``) of the words of ``text`` with
    three or more letters: enough for Polish and Russian inflection ("faktura"/"fakturze")."""
    return frozenset(
        word[:STEM_LENGTH]
        for word in _WORD.findall(text.lower().replace("ё", "е"))
        if len(word) >= MIN_WORD_LENGTH
    )


@dataclass(frozen=True, slots=True)
class CategorySuggestion:
    category: str
    score: float
    confident: bool
    similarity: float
    shared: tuple[str, ...]

    @property
    def explanation(self) -> str:
        words = ", ".join(self.shared[:8]) or "none"
        return f"closest examples (similarity {self.similarity:.2f}); shared words: {words}"


@dataclass(frozen=True, slots=True)
class _Index:
    keys: tuple[str, ...]
    owners: npt.NDArray[np.int64]
    """For each text row, the position of its category in ``keys``."""
    vectors: npt.NDArray[np.float32]
    stems: tuple[frozenset[str], ...]


@lru_cache(maxsize=16)
def _index(pairs: CategoryTexts) -> _Index:
    owners: list[int] = []
    texts: list[str] = []
    for position, (_, examples) in enumerate(pairs):
        owners += [position] * len(examples)
        texts += examples
    return _Index(
        keys=tuple(key for key, _ in pairs),
        owners=np.asarray(owners, dtype=np.int64),
        vectors=_unit(shared_encoder().encode(texts)),
        stems=tuple(frozenset().union(*(stems(t) for t in examples)) for _, examples in pairs),
    )


def _unit(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-9), dtype=np.float32)


class CategorySuggester:
    """Built once per set of pairs (the encoder's work on them is cached per process).

    :meth:`add` feeds customer texts one at a time (a live call embeds each line once);
    :meth:`best` answers for everything added so far.
    """

    def __init__(self, pairs: CategoryTexts) -> None:
        if not pairs:
            raise ValueError("there are no categories to suggest from")
        self._index = _index(pairs)
        self._similarity = np.zeros(len(self._index.owners), dtype=np.float32)
        self._stems: set[str] = set()

    def add(self, texts: Sequence[str]) -> None:
        texts = [text for text in texts if text.strip()]
        if not texts:
            return
        for text in texts:
            self._stems |= stems(text)
        if len(self._index.vectors):
            similarity = _unit(shared_encoder().encode(texts)) @ self._index.vectors.T
            self._similarity = np.maximum(self._similarity, similarity.max(axis=0))

    def best(self) -> CategorySuggestion:
        index = self._index
        result: CategorySuggestion | None = None
        for position, key in enumerate(index.keys):
            rows = self._similarity[index.owners == position]
            semantic = float(rows.max()) if len(rows) else 0.0
            shared = self._stems & index.stems[position]
            keyword = len(shared) / len(self._stems) if self._stems else 0.0
            score = round(EMBEDDING_WEIGHT * semantic + KEYWORD_WEIGHT * keyword, 4)
            if result is None or score > result.score:
                result = CategorySuggestion(
                    key, score, score >= MIN_SCORE, round(semantic, 4), tuple(sorted(shared))
                )
        assert result is not None  # pairs are never empty
        return result


def suggest_category(pairs: CategoryTexts, texts: Sequence[str]) -> CategorySuggestion:
    """The best category of ``pairs`` for the customer's ``texts`` (see the module's notes)."""
    suggester = CategorySuggester(pairs)
    suggester.add(texts)
    return suggester.best()
