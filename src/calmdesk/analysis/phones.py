"""Phone numbers in free text via ``phonenumbers``, shared by the facts and the PII detectors."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

# A phone number has at least this many digits; texts with fewer skip the (slower) matcher.
MIN_PHONE_DIGITS = 7
DEFAULT_REGION = "PL"
# A stretch of digits with the separators phone numbers are written with; the (slow) matcher
# runs only when one holds enough digits.
_CANDIDATE = re.compile(r"\+?\(?\d[\d \t().-]{5,}\d")


@lru_cache(maxsize=4096)
def find_phones(text: str, region: str | None) -> tuple[tuple[int, int, str, str], ...]:
    """``(start, end, text, E.164)`` of each valid phone number; ``region`` (PL, RU, GB) reads
    numbers written without a country code."""
    if not any(
        sum(char.isdigit() for char in candidate) >= MIN_PHONE_DIGITS
        for candidate in _CANDIDATE.findall(text)
    ):
        return ()
    found = []
    matcher = phonenumbers.PhoneNumberMatcher(
        text, region or DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID
    )
    for match in matcher:
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((match.start, match.end, match.raw_string, e164))
    return tuple(found)
