"""How a customer can be reached, checked once and stored in one spelling.

A phone number must be a real number (it is stored in E.164, ``+48601234567``; written without a
country code it is read in the company's country), an e-mail address must be well formed (its
domain lower-cased; no DNS lookup: CalmDesk runs offline), and chat or social channels may name
the customer by a ``platform:handle``. A remark made in person or internally may have no contact
at all: the cloakroom attendant does not ask for a phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from calmdesk.analysis.contact_keys import contact_key
from calmdesk.analysis.phones import DEFAULT_REGION
from calmdesk.playbook.schema import Channel

CHANNELS_WITHOUT_CONTACT = frozenset({Channel.IN_PERSON, Channel.INTERNAL})
"""A remark made at the counter or passed on by a colleague: the customer may stay unnamed."""
CHANNELS_WITH_HANDLES = frozenset({Channel.CHAT, Channel.SOCIAL})
"""Where a customer is known by a platform's handle (``facebook:@anna``, ``chatwoot:42``, or a
bare ``@anna``)."""

_PHONE_CHARS = re.compile(r"\+?[\d\s().\-/]+")
_HANDLE = re.compile(
    r"^(?:(?P<platform>[a-z][a-z0-9_.\-]{0,31}):(?P<handle>\S.{0,287})|@[\w.\-]{1,100})$", re.I
)


class ContactProblem(StrEnum):
    """Why a contact was refused (``reason`` of the 422 answer)."""

    REQUIRED = "contact_required"
    NOT_A_PHONE = "not_a_phone"
    NOT_AN_EMAIL = "not_an_email"
    NOT_A_CONTACT = "not_a_contact"


class InvalidContact(ValueError):
    def __init__(self, problem: ContactProblem, contact: str | None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.contact = contact


@dataclass(frozen=True)
class CheckedContact:
    shown: str
    """What the case stores and shows: E.164, a normalised address, or the handle as given."""
    key: str
    """What a customer's personal-data requests match on (:func:`contact_key`)."""


def check_contact(
    contact: str | None, channel: Channel | str, region: str | None = None
) -> CheckedContact | None:
    """The contact in its one spelling, ``None`` for an unnamed in-person or internal remark;
    :class:`InvalidContact` names what is wrong otherwise."""
    channel = Channel(channel)
    text = " ".join((contact or "").split())
    if not text:
        if channel in CHANNELS_WITHOUT_CONTACT:
            return None
        raise InvalidContact(ContactProblem.REQUIRED, contact)
    shown = _phone(text, region) or _email(text) or _handle(text, channel)
    return CheckedContact(shown=shown, key=contact_key(shown, region))


def _phone(text: str, region: str | None) -> str | None:
    if not _PHONE_CHARS.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, region or DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidContact(ContactProblem.NOT_A_PHONE, text) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(ContactProblem.NOT_A_PHONE, text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(text: str) -> str | None:
    if "@" not in text or _HANDLE.match(text):
        return None
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidContact(ContactProblem.NOT_AN_EMAIL, text) from None
    return checked.normalized.lower()


def _handle(text: str, channel: Channel) -> str:
    if channel in CHANNELS_WITH_HANDLES and _HANDLE.match(text):
        return text
    raise InvalidContact(ContactProblem.NOT_A_CONTACT, text)
