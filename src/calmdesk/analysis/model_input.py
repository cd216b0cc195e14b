"""What the tone model reads: the text with innocent look-alikes hidden.

The model scores character n-grams, so ``скипидар``, ``оскорблять`` or ``Scunthorpe`` sound to
it like the swear words inside them, and it cannot tell "you idiot" from "I feel like an
idiot". The lexicons already judged every word after de-obfuscation: a word holding a swear
fragment that the lexicons did not flag is an innocent look-alike, and the model does not see
it; nor does it see an insult the speaker aims at themself. Words the lexicons flagged stay, as
does everything without a fragment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from calmdesk.analysis.base import Document
from calmdesk.analysis.lexicon import read_lines
from calmdesk.analysis.normalize import Token
from calmdesk.analysis.signals import ProfanitySpan


@cache
def fragment_pattern() -> re.Pattern[str]:
    fragments = sorted(read_lines("any", "fragments.txt"), key=len, reverse=True)
    return re.compile("|".join(re.escape(fragment) for fragment in fragments))


def model_text(
    doc: Document, flagged: Sequence[ProfanitySpan], also_hide: Sequence[Token] = ()
) -> str:
    """``doc.text`` without the words that hold a swear fragment but were not flagged, and
    without ``also_hide`` (insults the speaker aims at themself: "I feel like an idiot").

    For example "Ребята, я купил скипидар" reaches the model as "Ребята, я купил ".
    """
    pattern = fragment_pattern()
    hidden = [
        token
        for token in doc.tokens
        if token in also_hide
        or (
            pattern.search(token.plain)
            and not any(span.start < token.end and token.start < span.end for span in flagged)
        )
    ]
    if not hidden:
        return doc.text
    parts = []
    position = 0
    for token in hidden:
        parts.append(doc.text[position : token.start])
        position = token.end
    parts.append(doc.text[position:])
    return "".join(parts)
