"""One spelling of a customer's phone or e-mail: ``+48 601 234 567``, ``+48601234567`` and
``601-234-567`` are one customer, ``Jan.Kowalski@Example.pl `` is ``jan.kowalski@example.pl``.

Records store this key when they are written and personal-data requests match on it.

- A phone number becomes E.164 (``+48601234567``); one written without a country code is read
  in ``region``, the company's country. A string of phone characters that is no valid number
  keeps its digits (and a leading ``+``), so its spellings still meet.
- Anything else (an e-mail, a ``platform:@handle``) is trimmed, its inner runs of spaces made
  one, and case-folded.
"""

from __future__ import annotations

import re

import phonenumbers

from calmdesk.analysis.phones import DEFAULT_REGION, MIN_PHONE_DIGITS, find_phones
from calmdesk.analysis.pii import find_pii
from calmdesk.languages import PHONE_REGIONS

MAX_KEY_CHARS = 320
_PHONE_SPELLING = re.compile(r"\+?[\d\s().\-/]+")


def contact_key(contact: str, region: str | None = None) -> str:
    """The key of one contact as a customer gave it (see the module's docstring)."""
    text = " ".join(contact.split())
    digits = "".join(char for char in text if char.isdigit())
    if _PHONE_SPELLING.fullmatch(text) and len(digits) >= MIN_PHONE_DIGITS:
        try:
            number = phonenumbers.parse(text, region or DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return ("+" if text.startswith("+") else "") + digits
    return text.casefold()[:MAX_KEY_CHARS]


def keys_in(text: str, region: str | None = None, lang: str | None = None) -> set[str]:
    """The keys of every valid phone number and e-mail address written in ``text``; numbers
    without a country code are read in ``region`` and in the region of ``lang``."""
    keys = {contact_key(span.text) for span in find_pii(text) if span.kind == "email"}
    regions = {region or DEFAULT_REGION, PHONE_REGIONS.get(lang or "", region or DEFAULT_REGION)}
    for where in sorted(regions):
        keys.update(e164 for *_, e164 in find_phones(text, where))
    return keys
