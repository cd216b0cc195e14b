"""Undo the disguises angry customers type, so one lexicon lookup finds the word family.

A text becomes a list of :class:`Token` (words with their offsets in the original text) in one
regex pass. Each token carries the forms a lexicon is asked about:

- ``plain``: lower case, ``ё`` -> ``е``, leetspeak undone (``sh1t`` -> ``shit``), look-alike
  letters mapped into the token's main script (``xуй`` with a Latin ``x`` -> ``хуй``), runs of
  three or more of one letter cut to two (``kuuurwa`` -> ``kuurwa``; the lexicon also compares
  fully collapsed forms, see :func:`collapse_repeats`);
- ``pattern``: when the token hides letters behind symbols (``k***a``, ``f#@%ing``, ``бл@ть``,
  ``k0rwa``), the same text with each hidden letter as :data:`WILDCARD`, for
  :meth:`calmdesk.analysis.lexicon.Lexicon.match_pattern`.

Spaced-out words (``k u r w a``, ``f.u.c.k``, ``k*u*r*w*a``) are joined into one extra token.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from calmdesk.fields import INVISIBLE

WILDCARD = "?"
MASK_CHARS = "*#@$%&^!|_0123456789"
"""Characters that may stand for a hidden letter inside a word."""

_LETTER = r"[^\W\d_]"
_MASK_CLASS = r"[*#@$%&^!|_\d]"
# A word: letters with symbols or digits among them (masks, leetspeak), an inner apostrophe
# (translit den'gi) allowed. A mask run may end the word (f***, sh*t) when it follows a letter.
_TOKEN = re.compile(
    rf"(?:{_LETTER}|(?<=\w)[*#@$%&^]|[*#@$%&^!|_\d](?={_LETTER}))"
    rf"(?:{_LETTER}|{_MASK_CLASS}|['’](?={_LETTER}))*"
)
_SPACED = re.compile(rf"(?<![\w*])(?:{_LETTER}[ .\-_*]){{2,}}{_LETTER}(?![\w*])")
_CONTROL = re.compile(f"[{INVISIBLE}]")
_HAS_LETTER = re.compile(_LETTER)
_TRAILING_DIGITS = re.compile(rf"{_LETTER}\d+$")
_SYMBOL_MASK = re.compile(r"[*#@$%&^!|_]")
_REPEAT = re.compile(r"(.)\1+")
_LONG_REPEAT = re.compile(r"(.)\1{2,}")

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "i",
    }
)
# Look-alike letters, lower case only (tokens are lower-cased first).
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
        "u": "и",
        "3": "з",
        "6": "б",
    }
)
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "с": "c",
        "е": "e",
        "н": "h",
        "к": "k",
        "м": "m",
        "о": "o",
        "р": "p",
        "т": "t",
        "х": "x",
        "у": "y",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
    }
)


class Token(NamedTuple):
    """One word of the original text: ``text[start:end]`` as typed, plus its lookup forms
    (a named tuple: cheap to create, and a message has dozens)."""

    start: int
    end: int
    text: str
    plain: str
    script: str
    """``latin``, ``cyrillic`` or ``none`` (the main script after look-alikes are mapped)."""
    pattern: str | None = None
    alternate: str | None = None
    """For a word mixing Latin and Cyrillic letters: ``plain`` mapped into the other script."""
    spaced: bool = False


def strip_control(text: str) -> str:
    """Remove control and invisible formatting characters (kept: tab, newline, carriage return)."""
    return _CONTROL.sub("", text)


def collapse_repeats(word: str) -> str:
    """``kuurwa`` -> ``kurwa``; applied to tokens and to lexicon entries alike."""
    return _REPEAT.sub(r"\1", word)


def script_of(word: str) -> str:
    """``cyrillic`` when most letters are Cyrillic, ``latin`` when any letters, else ``none``."""
    cyrillic = latin = 0
    for char in word:
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
        elif char.isalpha():
            latin += 1
    if cyrillic == 0 and latin == 0:
        return "none"
    return "cyrillic" if cyrillic >= latin else "latin"


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _to_script(word: str, script: str) -> str:
    if script == "cyrillic":
        return word.translate(_LATIN_TO_CYRILLIC)
    return word.translate(_CYRILLIC_TO_LATIN)


def _is_mixed(word: str) -> bool:
    has_cyrillic = any("\u0400" <= char <= "\u04ff" for char in word)
    return has_cyrillic and any(char.isascii() and char.isalpha() for char in word)


@lru_cache(maxsize=65536)
def alternate_form(plain: str, script: str) -> str:
    """``plain`` with its look-alike letters mapped into the other script (``cyka`` -> ``сука``)."""
    return _to_script(plain, "latin" if script == "cyrillic" else "cyrillic")


@lru_cache(maxsize=65536)
def normalize_word(raw: str) -> tuple[str, str, str | None, str | None]:
    """``(plain, script, pattern, alternate)`` for one typed word; see :class:`Token`."""
    folded = _fold(raw).replace("’", "'")
    script = script_of(folded)
    has_masks = any(char in MASK_CHARS for char in folded)
    # Look-alikes first (digits 3 and 6 are letters in Cyrillic), then leetspeak.
    mapped = _to_script(folded, script) if script != "none" else folded
    unleeted = mapped.translate(_LEET)
    if script == "cyrillic":
        unleeted = unleeted.translate(_LATIN_TO_CYRILLIC)
    plain = _LONG_REPEAT.sub(r"\1\1", unleeted)
    pattern = None
    # Digits that only trail a word (TW055, abc123) are a code, not hidden letters.
    if has_masks and not (_TRAILING_DIGITS.search(mapped) and not _SYMBOL_MASK.search(mapped)):
        pattern = "".join(WILDCARD if char in MASK_CHARS else char for char in mapped)
    alternate = alternate_form(plain, script) if _is_mixed(folded) else None
    return plain, script, pattern, alternate


def tokenize(text: str) -> list[Token]:
    """Words of ``text`` with their lookup forms, in order, then any spaced-out words."""
    tokens = []
    for match in _TOKEN.finditer(text):
        raw = match.group().rstrip("!|_")
        if not raw[:1].isalpha() and not _HAS_LETTER.search(raw):
            continue
        start = match.start()
        tokens.append(Token(start, start + len(raw), raw, *normalize_word(raw)))
    for match in _SPACED.finditer(text):
        raw = match.group()
        joined = "".join(char for char in raw if char.isalpha())
        plain, script, _, _ = normalize_word(joined)
        tokens.append(Token(match.start(), match.end(), raw, plain, script, spaced=True))
    return tokens


_TRANSLIT = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("ya", "я"),
    ("ja", "я"),
    ("yo", "е"),
    ("jo", "е"),
    ("ye", "е"),
    ("'", "ь"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("w", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("x", "х"),
    ("c", "ц"),
    ("q", "к"),
)
_TRANSLIT_RE = re.compile("|".join(re.escape(latin) for latin, _ in _TRANSLIT) + "|y")
_TRANSLIT_MAP = dict(_TRANSLIT)
_VOWELS = set("аеиоуыэюяaeiouy")


@lru_cache(maxsize=65536)
def translit_to_cyrillic(word: str) -> str:
    """Russian typed in Latin letters back to Cyrillic: ``blyat`` -> ``блят``, ``nahuy`` ->
    ``нахуй``. ``y`` is ``й`` after a vowel and ``ы`` elsewhere."""
    out: list[str] = []
    for match in _TRANSLIT_RE.finditer(word):
        piece = match.group()
        if piece == "y":
            out.append("й" if out and out[-1] in _VOWELS else "ы")
        else:
            out.append(_TRANSLIT_MAP[piece])
    return "".join(out)
