"""The detector base: a small ABC with ``load()`` and ``detect()``, in the style of presidio.

A detector declares its ``name`` and the ``languages`` it serves as class attributes, loads its
data lazily in :meth:`Detector.load` (called once, before the first ``detect``), and returns
findings that carry their own explanation. Built-ins are listed in
:mod:`calmdesk.analysis.registry`.
"""

from __future__ import annotations

import bisect
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Generic, TypeVar

from calmdesk.analysis.normalize import Token
from calmdesk.languages import ANALYSIS_LANGUAGES, LANGUAGES

ALL_LANGUAGES: frozenset[str] = frozenset(ANALYSIS_LANGUAGES)
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[a-zA-Z\u00c0-\u024f]")
_CLAUSE_END = re.compile(r"[.!?;,\n]+|\s(?:ale|but|но|a)\s")

FindingT = TypeVar("FindingT")


@dataclass(frozen=True, slots=True)
class Document:
    """One utterance prepared once for every detector.

    ``text`` is the cleaned text (control characters removed) that all offsets refer to;
    ``folded`` is the same text lower-cased with ``ё`` read as ``е`` (same length) for the
    pattern detectors; ``tokens`` are its words (:func:`~calmdesk.analysis.normalize.tokenize`)."""

    text: str
    lang: str
    tokens: tuple[Token, ...]
    folded: str = ""
    sentence_ends: tuple[int, ...] = field(default=())
    clause_ends: tuple[int, ...] = field(default=())
    scripts: frozenset[str] = frozenset()
    """``latin`` and/or ``cyrillic``: pattern detectors skip other scripts' patterns."""

    @classmethod
    def build(cls, text: str, lang: str, tokens: list[Token]) -> Document:
        sentence_ends = tuple(match.start() for match in _SENTENCE_END.finditer(text))
        clause_ends = tuple(match.start() for match in _CLAUSE_END.finditer(text))
        folded = text.lower().replace("ё", "е")
        if len(folded) != len(text):  # a few characters change length when lower-cased
            folded = "".join(char.lower()[:1] or char for char in text).replace("ё", "е")
        scripts = frozenset(
            name
            for name, pattern in (("latin", _LATIN), ("cyrillic", _CYRILLIC))
            if pattern.search(text)
        )
        return cls(text, lang, tuple(tokens), folded, sentence_ends, clause_ends, scripts)

    def may_hold(self, lang: str) -> bool:
        """Whether patterns written for ``lang`` can match: its script occurs in the text."""
        return ("cyrillic" if lang == "ru" else "latin") in self.scripts

    def sentence_of(self, offset: int) -> int:
        """The index of the sentence holding ``offset``."""
        return bisect.bisect_right(self.sentence_ends, offset)

    def clause_of(self, offset: int) -> int:
        return bisect.bisect_right(self.clause_ends, offset)

    @property
    def languages(self) -> tuple[str, ...]:
        """The lexicon languages to consult: the message's own, or all three for ``other``."""
        return (self.lang,) if self.lang in LANGUAGES else LANGUAGES


class Detector(ABC, Generic[FindingT]):
    """Finds one kind of thing in a :class:`Document`."""

    name: ClassVar[str]
    languages: ClassVar[frozenset[str]] = ALL_LANGUAGES

    def __init__(self) -> None:
        self._loaded = False

    def load(self) -> None:
        """Read data files or build matchers; called once, lazily."""

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.load()
            self._loaded = True

    def supports(self, lang: str) -> bool:
        return lang in self.languages

    @abstractmethod
    def detect(self, doc: Document) -> list[FindingT]:
        """Everything this detector finds in ``doc``, each with its explanation."""
