"""Word lists as data: ``lexicons/<lang>/*.txt``, read by one generic :class:`Lexicon`.

A word-list file has one entry a line (``#`` starts a comment)::

    idiota      a whole word, after normalisation
    kurw*       a word family: any word starting with the stem (kurwa, kurwy, kurwiszon)
    ~jeb*       the same, also after a verbal prefix from prefixes.txt (zajebać, wyjebany)
    =сука       Russian: any word whose pymorphy3 lemma is this word (суки, суке, сукой)

``allow.txt`` lists innocent words a family must never swallow (``sukienka``, ``shitake``), with
the same syntax. Entries are compared after :mod:`calmdesk.analysis.normalize`; a word with a
doubled letter (``kuurwa``) is also compared with repeats collapsed, except for short entries that
would collapse into an innocent word (``ass`` -> ``as``).

Pattern files (``intents.txt``, ``cues.txt``) hold ``[section]`` headers followed by regular
expressions, read by :func:`load_patterns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from calmdesk.analysis.normalize import WILDCARD, collapse_repeats
from calmdesk.languages import LANGUAGES

# A doubled letter in an entry this short may be the whole point (ass, piss): never collapse it.
MIN_COLLAPSIBLE_LENGTH = 6
MIN_STEM_LENGTH = 2


@dataclass
class _Index:
    exact: dict[str, str] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)
    prefixed: dict[str, str] = field(default_factory=dict)

    def lookup(
        self, form: str, prefixes: tuple[str, ...], stem_lengths: tuple[int, ...]
    ) -> str | None:
        entry = self.exact.get(form)
        if entry is not None:
            return entry
        for length in stem_lengths:
            if len(form) >= length:
                entry = self.stems.get(form[:length]) or self.prefixed.get(form[:length])
                if entry is not None:
                    return entry
        if self.prefixed:
            for prefix in prefixes:
                if form.startswith(prefix):
                    rest = form[len(prefix) :]
                    for length in stem_lengths:
                        entry = self.prefixed.get(rest[:length]) if len(rest) >= length else None
                        if entry is not None:
                            return entry
        return None


def _add(index: _Index, collapsed: _Index, word: str, entry: str, kind: str) -> None:
    target = {"exact": "exact", "stem": "stems", "prefixed": "prefixed"}[kind]
    getattr(index, target)[word] = entry
    short_double = len(word) < MIN_COLLAPSIBLE_LENGTH and collapse_repeats(word) != word
    if not short_double:
        getattr(collapsed, target)[collapse_repeats(word)] = entry


class Lexicon:
    """One word list of one language (``kind`` is ``profanity`` or ``insult``)."""

    def __init__(
        self, lang: str, kind: str, lines: list[str], allow: list[str], prefixes: list[str]
    ) -> None:
        self.lang = lang
        self.kind = kind
        self._index = _Index()
        self._collapsed = _Index()
        self._allow = _Index()
        self._allow_collapsed = _Index()
        self._lemmas: dict[str, str] = {}
        self._prefixes = tuple(sorted(prefixes, key=len, reverse=True))
        self._raw: list[tuple[str, str, bool]] = []  # (word, entry, is_stem) for masked words
        for line in lines:
            self._add_line(line, self._index, self._collapsed, remember=True)
        for line in allow:
            self._add_line(line, self._allow, self._allow_collapsed, remember=False)
        lengths = {
            len(stem)
            for index in (self._index, self._collapsed, self._allow, self._allow_collapsed)
            for stem in (*index.stems, *index.prefixed)
        }
        self._stem_lengths = tuple(sorted(lengths, reverse=True))
        self._cache: dict[str, str | None] = {}

    def _add_line(self, line: str, index: _Index, collapsed: _Index, *, remember: bool) -> None:
        entry = line
        kind = "exact"
        word = line
        if word.startswith("="):
            word = word[1:]
            self._lemmas[word] = entry
        if word.startswith("~"):
            kind, word = "prefixed", word[1:]
        if word.endswith("*"):
            kind = "stem" if kind == "exact" else kind
            word = word[:-1]
        if len(word) < MIN_STEM_LENGTH:
            raise ValueError(f"lexicon entry {line!r} is too short")
        _add(index, collapsed, word, entry, kind)
        if remember:
            self._raw.append((word, entry, kind != "exact"))

    @property
    def entries(self) -> list[str]:
        return [entry for _, entry, _ in self._raw]

    def _lookup(self, form: str, index: _Index, collapsed: _Index) -> str | None:
        entry = index.lookup(form, self._prefixes, self._stem_lengths)
        if entry is None:  # kuurwa, or a single letter where the entry has two (ashole)
            entry = collapsed.lookup(collapse_repeats(form), self._prefixes, self._stem_lengths)
        return entry

    def match(self, form: str) -> str | None:
        """The entry ``form`` (a normalised word) belongs to, or ``None``."""
        if form in self._cache:
            return self._cache[form]
        entry = self._lookup(form, self._index, self._collapsed)
        if entry is None and self._lemmas:
            entry = self._lemmas.get(lemma_of(form))
        if entry is not None and self._lookup(form, self._allow, self._allow_collapsed):
            entry = None
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[form] = entry
        return entry

    def match_pattern(self, pattern: str) -> str | None:
        """The entry a masked word (``k???a``, ``f???ing``) most likely hides, or ``None``.

        Each :data:`WILDCARD` stands for one letter. The word must start with a real letter and
        show at least one more, unless it is a whole word of four or more (``f???``); the
        longest matching entry wins."""
        real = sum(char != WILDCARD for char in pattern)
        if pattern[0] == WILDCARD or WILDCARD not in pattern:
            return None
        # One shown letter is enough only for a whole masked word of four or more (f***, s***).
        whole_only = real < 2
        if whole_only and len(pattern) < 4:
            return None
        best = self._best_pattern_match(pattern, whole_only, prefixed_only=False)
        if best is None and not whole_only:
            # wy***ać: a real prefix, then a masked stem that accepts prefixes
            for prefix in self._prefixes:
                rest = pattern[len(prefix) :]
                if pattern.startswith(prefix) and len(rest) >= MIN_STEM_LENGTH + 1:
                    best = self._best_pattern_match(rest, False, prefixed_only=True)
                    if best is not None:
                        break
        return best[1] if best else None

    def _best_pattern_match(
        self, pattern: str, whole_only: bool, *, prefixed_only: bool
    ) -> tuple[int, str] | None:
        best: tuple[int, str] | None = None
        for word, entry, is_stem in self._raw:
            if prefixed_only and not entry.startswith(("~", "=~")):
                continue
            if len(pattern) < len(word) or (not is_stem and len(pattern) != len(word)):
                continue
            if whole_only and len(pattern) != len(word):
                continue
            if _wildcard_equal(pattern[: len(word)], word) and (
                best is None or len(word) > best[0]
            ):
                best = (len(word), entry)
        return best


def _wildcard_equal(pattern: str, word: str) -> bool:
    return all(p in (WILDCARD, w) for p, w in zip(pattern, word, strict=True))


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def lemma_of(word: str) -> str:
    """The most likely pymorphy3 lemma of a Russian word (``идиоты`` -> ``идиот``)."""
    if not word or not ("\u0400" <= word[0] <= "\u04ff"):
        return word
    return str(_morph().parse(word)[0].normal_form).replace("ё", "е")


def read_lines(lang: str, name: str) -> list[str]:
    """Entries of ``lexicons/<lang>/<name>``: stripped, comments and blank lines dropped."""
    path = resources.files("calmdesk.analysis").joinpath("lexicons", lang, name)
    if not path.is_file():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line.lower().replace("ё", "е"))
    return lines


@cache
def load_lexicon(lang: str, kind: str) -> Lexicon:
    """The ``kind`` list (``profanity`` or ``insult``) of ``lang``, read once."""
    filename = {"profanity": "profanity.txt", "insult": "insults.txt"}[kind]
    return Lexicon(
        lang,
        kind,
        read_lines(lang, filename),
        read_lines(lang, "allow.txt"),
        read_lines(lang, "prefixes.txt"),
    )


@cache
def load_words(lang: str, name: str) -> frozenset[str]:
    """A plain word set (``directed.txt``, ``translit.txt``)."""
    return frozenset(read_lines(lang, name))


def _sections(lang: str, name: str) -> dict[str, list[str]]:
    """``[section]`` then one entry a line (``#`` comments and blank lines skipped)."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    path = resources.files("calmdesk.analysis").joinpath("lexicons", lang, name)
    if not path.is_file():
        return {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
        elif current is None:
            raise ValueError(f"{lang}/{name}: pattern {line!r} before any [section]")
        else:
            sections[current].append(line)
    return sections


@cache
def load_patterns(lang: str, name: str) -> dict[str, re.Pattern[str]]:
    """Sectioned pattern files: ``[section]`` then one regex a line, written in lower case; one
    compiled regex per section, matched on word boundaries against lower-cased text (see
    :attr:`calmdesk.analysis.base.Document.folded`)."""
    return {
        section: re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)")
        for section, patterns in _sections(lang, name).items()
        if patterns
    }


@cache
def load_rules(name: str) -> dict[str, re.Pattern[str]]:
    """The coach's and the trainer's phrase rules (``lexicons/<lang>/<name>`` in every language,
    same layout as :func:`load_patterns`): one regex per section joining all languages' lines,
    since a line may mix languages. Matched ignoring case anywhere in raw text, so a rule writes
    its own ``\\b`` where a word must start or end."""
    joined: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        for section, patterns in _sections(lang, name).items():
            joined.setdefault(section, []).extend(patterns)
    return {
        section: re.compile("(" + "|".join(patterns) + ")", re.IGNORECASE)
        for section, patterns in joined.items()
        if patterns
    }
