"""The exact field types the API schemas share: ids the database can hold, moments with their
offset, booleans that are booleans, texts without NUL.

Each coerces nothing that a reader could misread: ``0`` is not ``false``, ``1700000000`` or
``0.5`` is not a date, and a date and time without its offset is refused rather than guessed
(an integration in another time zone would otherwise be shifted silently). The JSON schema of
each says the same, so the OpenAPI document shows what the server enforces.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

MAX_ID = 2**31 - 1
"""The largest id an integer column holds (PostgreSQL ``integer``); a larger one is a 422."""
MIN_YEAR, MAX_YEAR = 1970, 2200


def storable_id(value: int) -> bool:
    """Whether an id column can hold ``value``: a lookup of any other id finds nothing, rather
    than failing in the database (a page's address is not bounded like the API's ids)."""
    return 1 <= value <= MAX_ID


CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a moment that has already happened may lie: the sender's clock may be
a little ahead of ours."""

_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_AMOUNT = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")
_YEARS = r"(19[7-9][0-9]|20[0-9]{2}|21[0-9]{2}|2200)"
MOMENT_PATTERN = (
    rf"^{_YEARS}-[0-9]{{2}}-[0-9]{{2}}[Tt ][0-9]{{2}}:[0-9]{{2}}(:[0-9]{{2}}(\.[0-9]{{1,6}})?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
"""A date and time in ISO 8601 with its offset, in years 1970-2200."""
MOMENT_HELP = "a date and time in ISO 8601 with its offset, e.g. 2026-03-18T12:00:00+01:00"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    return value


def _iso_text(value: Any) -> Any:
    """Only an ISO 8601 string (or, from Python, a datetime): no epoch numbers."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _NUMBER.match(value):
        raise ValueError(f"must be {MOMENT_HELP}")
    return value


def _aware_in_range(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"needs its time zone offset: {MOMENT_HELP}")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")
    return value.astimezone(UTC)


def _money_text(value: Any) -> Any:
    """An amount as text (``"49.90"``) or, from Python, a Decimal: a JSON number is a float, and
    ``0.1`` as a float is not 0.1."""
    if isinstance(value, Decimal) or (isinstance(value, str) and _AMOUNT.match(value)):
        return value
    raise ValueError('must be a decimal number as text, e.g. "49.90"')


def _query_bool(value: Any) -> Any:
    """A query string's ``true`` or ``false``, nothing else (``1``, ``yes``, ``on`` are refused)."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("must be true or false")


NO_NUL_PATTERN = r"^[^\x00]*$"
INVISIBLE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff"
"""Control and invisible formatting characters, as a regex class's contents (tab, newline and
carriage return are not among them): what the analysis removes from a line before reading it."""
NOT_BLANK_PATTERN = rf"^[^\x00]*[^\s{INVISIBLE}][^\x00]*$"
"""Text with something besides spaces and invisible characters, and no NUL."""
LINE_PATTERN = rf"^[\s\S]*[^\s{INVISIBLE}][\s\S]*$"
"""A line of words: something besides spaces and invisible characters (which are removed)."""
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def _not_blank(value: str) -> str:
    if not _INVISIBLE.sub("", value).strip():
        raise ValueError("must contain more than spaces")
    return value


@dataclass(frozen=True, slots=True)
class _Checked:
    """A check of a text after its type's, whose JSON schema says the same with a pattern (a
    field's own pattern stays, when it has one and ``keep`` is true)."""

    check: Callable[[str], str]
    pattern: str
    keep: bool

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        if not (self.keep and "pattern" in json_schema):
            json_schema["pattern"] = self.pattern
        return json_schema


NoNul = _Checked(_no_nul, NO_NUL_PATTERN, keep=True)
"""No NUL character (PostgreSQL cannot store one in text)."""
NotBlank = _Checked(_not_blank, NOT_BLANK_PATTERN, keep=False)
"""More than spaces and invisible characters; with :data:`NoNul` before it, its pattern says
both."""
_MOMENT_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "pattern": MOMENT_PATTERN,
    "description": f"{MOMENT_HELP[0].upper()}{MOMENT_HELP[1:]}; years {MIN_YEAR}-{MAX_YEAR}.",
}
Moment = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_aware_in_range),
    WithJsonSchema(_MOMENT_SCHEMA),
]
"""A moment: ISO 8601 text with its offset, stored in UTC."""
PastMoment = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_aware_in_range),
    WithJsonSchema(
        {
            **_MOMENT_SCHEMA,
            "description": f"{_MOMENT_SCHEMA['description']} Not in the future (5 minutes of "
            "clock skew are allowed).",
        }
    ),
]
"""A moment that has already happened. The services refuse one later than their ``now`` plus
:data:`CLOCK_SKEW` (``now`` is a parameter there, so tests and imports can set the clock)."""

Flag = Annotated[bool, Strict()]
"""A JSON boolean: ``true`` or ``false``, never ``0``, ``1`` or ``"yes"``."""
QueryFlag = Annotated[
    bool, BeforeValidator(_query_bool), WithJsonSchema({"type": "boolean"}, mode="validation")
]
"""A query parameter's boolean: ``true`` or ``false``."""

RecordId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
"""An id in a JSON body: an integer (not ``"3"`` or ``3.0``) the id column can hold."""
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a query string (text there, so not strict): digits the id column can hold."""

MONEY_PATTERN = r"^([1-9][0-9]{0,9}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$"
Money = Annotated[
    Decimal,
    BeforeValidator(_money_text),
    Field(gt=0, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": 'A positive amount as text, at most two decimals, e.g. "49.90"',
        },
        mode="validation",
    ),
]
"""A positive amount of money with at most ten digits before the point and two after it."""
