"""Personal data in a message: phones, e-mails, PESEL, IBAN (and Polish NRB account numbers),
payment card numbers, Russian INN, SNILS and passport numbers; and :func:`redact`, which
replaces them.

Numbers count only when their checksum holds (``python-stdnum``), so an order number that merely
looks long is not redacted. Where two findings overlap, the kind listed first in
:data:`PII_KINDS` wins (an IBAN's digits are not also a card number).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import ClassVar

from stdnum import iban, luhn
from stdnum.pl import pesel
from stdnum.ru import inn

from calmdesk.analysis.base import Detector, Document
from calmdesk.analysis.phones import find_phones
from calmdesk.analysis.signals import PiiSpan
from calmdesk.errors import InvalidInput
from calmdesk.languages import PHONE_REGIONS

PII_KINDS: tuple[str, ...] = (
    "email",
    "iban",
    "card",
    "pesel",
    "snils",
    "inn",
    "passport",
    "phone",
)
PLACEHOLDERS = {kind: f"[{kind.upper()}]" for kind in PII_KINDS}
# The shortest personal number here (a phone number) has this many digits.
MIN_NUMBER_DIGITS = 7

_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w])", re.IGNORECASE)
_IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?!\w)")
_NRB = re.compile(r"(?<!\d)\d{2}(?: ?\d{4}){6}(?!\d)")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
_SNILS = re.compile(r"(?<!\d)\d{3}-\d{3}-\d{3}[ -]\d{2}(?!\d)")
# A Russian passport: series (2 + 2 digits) and number (6 digits). It has no checksum, so it
# counts after the word "passport" or "series", or in its own printed spacing ``45 06 123456``.
_PASSPORT_NAMED = re.compile(
    r"(?:паспорт\w*|серия|серии|passport|paszport\w*)\D{0,25}?"
    r"(?P<number>(?<!\d)\d{2}\s?\d{2}\s?(?:№|N|номер|nr)?\s?\d{6})(?!\d)",
    re.IGNORECASE,
)
_PASSPORT_PRINTED = re.compile(r"(?<![\d-])\d{2} \d{2} \d{6}(?![\d-])")
_INN = re.compile(r"(?:ИНН|INN)\s*[:№#]?\s*(?P<number>\d{12}|\d{10})(?!\d)", re.IGNORECASE)


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _snils_valid(text: str) -> bool:
    digits = _digits(text)
    total = sum(int(digit) * (9 - index) for index, digit in enumerate(digits[:9]))
    check = total % 101 if total > 101 else total
    return (0 if check in (100, 101) else check) == int(digits[9:])


def _spans(
    kind: str,
    pattern: re.Pattern[str],
    text: str,
    valid: Callable[[str], bool],
    group: int | str = 0,
) -> Iterable[PiiSpan]:
    for match in pattern.finditer(text):
        found = match.group(group)
        if valid(found):
            start, end = match.span(group)
            yield PiiSpan(kind, start, end, found)


def find_pii(text: str, lang: str = "other") -> list[PiiSpan]:
    """Every piece of personal data in ``text``, by position, without overlaps."""
    has_email = "@" in text
    if not has_email and len(_DIGIT.findall(text)) < MIN_NUMBER_DIGITS:
        return []
    found: list[PiiSpan] = []
    found += _spans("email", _EMAIL, text, lambda _: True)
    found += _spans("iban", _IBAN, text, lambda s: bool(iban.is_valid(s.replace(" ", ""))))
    found += _spans("iban", _NRB, text, lambda s: bool(iban.is_valid("PL" + _digits(s))))
    found += _spans(
        "card",
        _CARD,
        text,
        lambda s: 13 <= len(_digits(s)) <= 19 and bool(luhn.is_valid(_digits(s))),
    )
    found += _spans("pesel", _PESEL, text, lambda s: bool(pesel.is_valid(s)))
    found += _spans("snils", _SNILS, text, _snils_valid)
    found += _spans("inn", _INN, text, lambda s: bool(inn.is_valid(s)), group="number")
    found += _spans("passport", _PASSPORT_NAMED, text, lambda _: True, group="number")
    found += _spans("passport", _PASSPORT_PRINTED, text, lambda _: True)
    found += [
        PiiSpan("phone", start, end, raw)
        for start, end, raw, _ in find_phones(text, PHONE_REGIONS.get(lang))
    ]
    kept: list[PiiSpan] = []
    for span in found:  # already in PII_KINDS order: the first kind wins an overlap
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)


class PiiDetector(Detector[PiiSpan]):
    name: ClassVar[str] = "pii"

    def detect(self, doc: Document) -> list[PiiSpan]:
        return find_pii(doc.text, doc.lang)


def redact(text: str, kinds: Iterable[str] | None = None, lang: str = "other") -> str:
    """``text`` with each piece of personal data replaced by a placeholder.

    >>> redact("Mój numer 601 234 567, mail jan@example.com")
    'Mój numer [PHONE], mail [EMAIL]'

    ``kinds`` limits what is replaced (default: every kind in :data:`PII_KINDS`); an unknown
    kind raises :class:`~calmdesk.errors.InvalidInput` (code ``unknown_pii_kind``)."""
    wanted = set(PII_KINDS if kinds is None else kinds)
    unknown = wanted - set(PII_KINDS)
    if unknown:
        raise InvalidInput(
            f"unknown personal data kind(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(PII_KINDS)}",
            code="unknown_pii_kind",
        )
    pieces = []
    last = 0
    for span in find_pii(text, lang):
        if span.kind in wanted:
            pieces += [text[last : span.start], PLACEHOLDERS[span.kind]]
            last = span.end
    pieces.append(text[last:])
    return "".join(pieces)
