"""Long texts (e-mails, letters, transcripts) analysed in pieces, each finding pointing at its
sentence: a complaint of 40,000 characters with one insult in its middle is flagged there.

The text is cut at sentence ends into pieces of at most :data:`PIECE_CHARS` (a sentence longer
than that is cut at a space), each piece is analysed like a line, and the results are joined:
the most severe level and the highest scores, every intent, and every span, fact and piece of
personal data at its offset in the whole text. :class:`Finding` lists the pieces that raised
something, with their sentence, so a reader is pointed at the place. Beyond
:data:`MAX_LONG_CHARS` the text is refused with ``text_too_long``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import pairwise

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.analysis.normalize import strip_control
from calmdesk.analysis.pipeline import analyze_many
from calmdesk.analysis.signals import Explanation, Level, Signals
from calmdesk.errors import InvalidInput

MAX_LONG_CHARS = 100_000
PIECE_CHARS = 1_200
"""A piece's length at most: a few sentences, as the models were trained on."""
assert PIECE_CHARS <= MAX_TEXT_CHARS
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n\s*\n|\n(?=\s*[-•*]\s)")
_LEVELS: tuple[Level, ...] = ("calm", "upset", "angry", "abusive")


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A piece of the text that raised something: where it is, its level, its intents."""

    start: int
    end: int
    sentence: str
    level: Level
    intents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LongAnalysis:
    signals: Signals
    """The whole text's signals, every offset in the whole text."""
    findings: tuple[Finding, ...]
    pieces: int


def pieces_of(text: str, size: int = PIECE_CHARS) -> list[Piece]:
    """``text`` cut at sentence ends into pieces of at most ``size`` characters."""
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
    sentences = [(a, b) for a, b in pairwise(bounds) if text[a:b].strip()]
    pieces: list[Piece] = []
    start = end = None
    for a, b in sentences:
        while b - a > size:  # one sentence longer than a piece: cut it at a space
            cut = text.rfind(" ", a, a + size)
            cut = cut if cut > a else a + size
            if start is not None and end is not None:
                pieces.append(Piece(start, end, text[start:end]))
                start = end = None
            pieces.append(Piece(a, cut, text[a:cut]))
            a = cut
        if start is not None and end is not None and b - start > size:
            pieces.append(Piece(start, end, text[start:end]))
            start = None
        start = a if start is None else start
        end = b
    if start is not None and end is not None:
        pieces.append(Piece(start, end, text[start:end]))
    return [p for p in pieces if p.text.strip()]


def analyze_long(text: str, lang: str | None = None) -> LongAnalysis:
    """Analyse ``text`` of up to :data:`MAX_LONG_CHARS` characters (see the module's docstring)."""
    if not isinstance(text, str):
        raise InvalidInput("the text must be a string", code="invalid_text")
    if len(text) > MAX_LONG_CHARS:
        raise InvalidInput(
            f"the text is {len(text):,} characters long; the limit is {MAX_LONG_CHARS:,}",
            code="text_too_long",
            limit=MAX_LONG_CHARS,
            length=len(text),
        )
    text = strip_control(text)
    if not text.strip():
        raise InvalidInput("the text is empty", code="empty_text")
    parts = pieces_of(text)
    results = analyze_many([p.text for p in parts], None if lang is None else [lang] * len(parts))
    return LongAnalysis(
        signals=_joined(parts, results),
        findings=tuple(
            _finding(text, p, s)
            for p, s in zip(parts, results, strict=True)
            if s.level in ("angry", "abusive") or s.intents
        ),
        pieces=len(parts),
    )


def _finding(text: str, piece: Piece, signals: Signals) -> Finding:
    """The piece's finding, narrowed to the sentence of its first flagged word when it has one."""
    start, end = piece.start, piece.end
    if signals.profanity:
        at = piece.start + signals.profanity[0].start
        bounds = [
            piece.start,
            *(m.end() for m in _SENTENCE_END.finditer(text, piece.start, piece.end)),
        ]
        start = max(b for b in bounds if b <= at)
        following = [m.start() for m in _SENTENCE_END.finditer(text, at, piece.end)]
        end = following[0] if following else piece.end
    return Finding(
        start, end, text[start:end].strip(), signals.level, tuple(sorted(signals.intents))
    )


def _joined(parts: list[Piece], results: list[Signals]) -> Signals:
    weight: Counter[str] = Counter()
    for piece, signals in zip(parts, results, strict=True):
        weight[signals.lang] += len(piece.text)  # the language most of the text is in
    lang = weight.most_common(1)[0][0]
    worst = max(results, key=lambda s: (_LEVELS.index(s.level), s.abuse, s.anger))
    explanations: list[Explanation] = []
    for piece, signals in zip(parts, results, strict=True):
        explanations += (
            replace(e, reason=f"{e.reason} (at {piece.start:,}–{piece.end:,})")
            for e in signals.explanations
        )
    return Signals(
        lang=lang,
        anger=max(s.anger for s in results),
        abuse=max(s.abuse for s in results),
        level=worst.level,
        profanity=tuple(
            replace(span, start=span.start + p.start, end=span.end + p.start)
            for p, s in zip(parts, results, strict=True)
            for span in s.profanity
        ),
        insult_directed=any(s.insult_directed for s in results),
        shouting=any(s.shouting for s in results),
        intents=frozenset().union(*(s.intents for s in results)),
        facts=tuple(
            replace(fact, start=fact.start + p.start, end=fact.end + p.start)
            for p, s in zip(parts, results, strict=True)
            for fact in s.facts
        ),
        pii=tuple(
            replace(span, start=span.start + p.start, end=span.end + p.start)
            for p, s in zip(parts, results, strict=True)
            for span in s.pii
        ),
        explanations=tuple(explanations),
    )
