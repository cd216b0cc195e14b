"""Facts the agent can paraphrase back: amounts, dates, durations, references and phone numbers.

Every :class:`~calmdesk.analysis.signals.Fact` has a normalised ``value``:

- ``amount``: ``1500.50 PLN`` (``amount`` and ``currency`` also set apart);
- ``date``: ``2025-03-12``, ``--03-12`` when the year is not said, or a signed ISO duration from
  the day of the message for relative dates (``-P1D`` for yesterday, ``P0D`` for today);
- ``duration``: ISO 8601 (``P21D`` for three weeks, ``P2M``, ``PT5H``), numbers as digits or
  words up to twenty in pl, ru and en (``czekam trzy tygodnie``, ``уже две недели``);
- ``invoice``, ``order``, ``ticket``: the reference as written, upper-cased (``FV/2025/03/123``);
- ``phone``: E.164 (``+48601234567``) via ``phonenumbers``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import ClassVar

from calmdesk.analysis.base import Detector, Document
from calmdesk.analysis.phones import find_phones
from calmdesk.analysis.signals import Fact
from calmdesk.languages import PHONE_REGIONS

_NUMBER = (
    r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d{1,2})?(?!\d)"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2})?(?!\d)"
)
_CURRENCY_WORDS = {
    "PLN": r"zł|zl|złotych|złote|złoty|zlotych|zlote|zloty|pln",
    "RUB": r"руб\.?|рублей|рубля|рубль|р\.?|₽|rub|rubli|rubles?|roubles?",
    "USD": r"usd|\$|dollars?|dolar(?:ów|ow|y|a)?|доллар(?:ов|а|ы)?|bucks",
    "EUR": r"eur|euro|euros|€|евро",
    "GBP": r"gbp|£|pounds?|funt(?:ów|ow|y|a)?|фунт(?:ов|а|ы)?",
}
_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₽": "RUB",
    "usd": "USD",
    "eur": "EUR",
    "pln": "PLN",
    "gbp": "GBP",
    "rub": "RUB",
}
_CURRENCY_AFTER = "|".join(f"(?P<{code}>{words})" for code, words in _CURRENCY_WORDS.items())
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:(?P<pre>[$€£₽]|usd|eur|pln|gbp|rub)\s?(?P<n1>{_NUMBER})"
    rf"|(?P<n2>{_NUMBER})\s?(?:{_CURRENCY_AFTER}))(?![\w$€£₽])",
    re.IGNORECASE,
)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "stycznia styczeń january jan января январь",
        "lutego luty february feb февраля февраль",
        "marca marzec march mar марта март",
        "kwietnia kwiecień april apr апреля апрель",
        "maja maj may мая май",
        "czerwca czerwiec june jun июня июнь",
        "lipca lipiec july jul июля июль",
        "sierpnia sierpień august aug августа август",
        "września wrzesnia wrzesień september sep sept сентября сентябрь",
        "października pazdziernika październik october oct октября октябрь",
        "listopada listopad november nov ноября ноябрь",
        "grudnia grudzień december dec декабря декабрь",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_NUMERIC = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})(?![\d])"
)
_DATE_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_DATE_DAY_MONTH = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.? (?:of )?(?P<month>{_MONTH})\.?"
    rf"(?: (?P<y>\d{{4}}))?(?!\w)",
    re.IGNORECASE,
)
_DATE_MONTH_DAY = re.compile(
    rf"(?<!\w)(?P<month>{_MONTH})\.? (?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<y>\d{{4}}))?(?!\d)",
    re.IGNORECASE,
)
_RELATIVE_DAYS = {
    "przedwczoraj": "-P2D",
    "позавчера": "-P2D",
    "the day before yesterday": "-P2D",
    "wczoraj": "-P1D",
    "вчера": "-P1D",
    "yesterday": "-P1D",
    "dzisiaj": "P0D",
    "dziś": "P0D",
    "сегодня": "P0D",
    "today": "P0D",
    "jutro": "+P1D",
    "завтра": "+P1D",
    "tomorrow": "+P1D",
    "w zeszłym tygodniu": "-P7D",
    "w zeszlym tygodniu": "-P7D",
    "w ubiegłym tygodniu": "-P7D",
    "tydzień temu": "-P7D",
    "на прошлой неделе": "-P7D",
    "неделю назад": "-P7D",
    "last week": "-P7D",
    "a week ago": "-P7D",
    "last month": "-P1M",
    "miesiąc temu": "-P1M",
    "месяц назад": "-P1M",
    "в прошлом месяце": "-P1M",
    "w zeszłym miesiącu": "-P1M",
}
# Words without which no relative date can match (the check is cheaper than the pattern).
_RELATIVE_KEYS = frozenset(
    word for phrase in _RELATIVE_DAYS for word in phrase.split() if len(word) > 3
)
_RELATIVE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(sorted(map(re.escape, _RELATIVE_DAYS), key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)

_NUMBER_WORDS: dict[str, int] = {}
for _value, _forms in enumerate(
    (
        "jeden jedna jedno jednego jedną one один одна одну одного одной",
        "dwa dwie dwóch dwoch dwu two два две двух",
        "trzy trzech three три трех трёх",
        "cztery czterech four четыре четырех четырёх",
        "pięć piec pięciu pieciu five пять пяти",
        "sześć szesc sześciu szesciu six шесть шести",
        "siedem siedmiu seven семь семи",
        "osiem ośmiu osmiu eight восемь восьми",
        "dziewięć dziewiec dziewięciu nine девять девяти",
        "dziesięć dziesiec dziesięciu ten десять десяти",
        "jedenaście jedenastu eleven одиннадцать одиннадцати",
        "dwanaście dwunastu twelve двенадцать двенадцати",
        "trzynaście trzynastu thirteen тринадцать тринадцати",
        "czternaście czternastu fourteen четырнадцать четырнадцати",
        "piętnaście pietnascie piętnastu fifteen пятнадцать пятнадцати",
        "szesnaście szesnastu sixteen шестнадцать шестнадцати",
        "siedemnaście siedemnastu seventeen семнадцать семнадцати",
        "osiemnaście osiemnastu eighteen восемнадцать восемнадцати",
        "dziewiętnaście dziewiętnastu nineteen девятнадцать девятнадцати",
        "dwadzieścia dwudziestu twenty двадцать двадцати",
    ),
    start=1,
):
    for _form in _forms.split():
        _NUMBER_WORDS[_form] = _value
# Vague counts (kilka, several) are left out: a duration must be something to paraphrase.
_NUMBER_WORDS.update({"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "пару": 2, "parę": 2})

_UNITS: tuple[tuple[str, str, int], ...] = (
    # (pattern, ISO designator, multiplier)
    (r"minut\w*|мин\.?|минут\w*|minutes?|mins?", "TM", 1),
    (r"godzin\w*|godz\.?|час(?:а|ов)?|hours?|hrs?", "TH", 1),
    (r"dzie[nń]|dni|dnia|день|дня|дней|сутки|суток|days?", "D", 1),
    (r"tydzie[nń]|tygodni\w*|tygodnia|недел[юиья]|недель|weeks?", "D", 7),
    (r"miesi[aą]c\w*|miesięcy|miesiecy|месяц\w*|months?", "M", 1),
    (r"rok|roku|lat|lata|год|года|лет|years?", "Y", 1),
)
_UNIT = "|".join(f"(?P<u{index}>{pattern})" for index, (pattern, _, _) in enumerate(_UNITS))
_NUMBER_WORD = "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
_DURATION = re.compile(
    rf"(?<![\w.,])(?P<n>\d{{1,3}}|{_NUMBER_WORD}) (?:{_UNIT})(?!\w)", re.IGNORECASE
)
_UNIT_WORD = re.compile(_UNIT, re.IGNORECASE)
_DURATION_SINGLE = re.compile(
    r"(?<!\w)(?:od|przez|już|juz|cały|caly|całą|cala|уже|целую|целый|целый|for|over|about)"
    r" (?P<unit>tygodnia|tydzień|tydzien|miesiąca|miesiaca|miesiąc|miesiac|roku|rok|dnia|dzień"
    r"|неделю|месяц|год|день|сутки|a week|a month|a year|a day|an hour)(?!\w)",
    re.IGNORECASE,
)

_REF_TAIL = r"\s*(?:nr\.?|numer|no\.?|number|№|n|#)?\s*#?(?P<ref>[a-zа-я0-9][\w/-]*\d[\w/-]*)"
_REFERENCES = (
    ("invoice", re.compile(r"(?<!\w)(?P<ref>fv[ /-]?\d+(?:[/-]\d+)*)(?![\w/])", re.IGNORECASE)),
    (
        "invoice",
        re.compile(
            r"(?<!\w)(?:faktur\w*|invoice|сч[её]т\w*(?:-фактур\w*)?)" + _REF_TAIL, re.IGNORECASE
        ),
    ),
    (
        "order",
        re.compile(
            r"(?<!\w)(?:zam[óo]wieni\w*|order|заказ\w*|paczk\w*|przesyłk\w*"
            r"|przesylk\w*|shipment|parcel|tracking|посылк\w*)" + _REF_TAIL,
            re.IGNORECASE,
        ),
    ),
    (
        "ticket",
        re.compile(
            r"(?<!\w)(?:zg[łl]oszeni\w*|reklamacj\w*|ticket|case|complaint|claim"
            r"|reference|ref\.?|обращени\w*|заявк\w*|тикет\w*|жалоб\w*)" + _REF_TAIL,
            re.IGNORECASE,
        ),
    ),
)
_DIGIT = re.compile(r"\d")


def _parse_number(raw: str) -> str:
    digits = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", digits):
        digits = digits.replace(",", "")
    else:
        if re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?", digits):
            digits = digits.replace(" ", "").replace(".", "")
        digits = digits.replace(",", ".")
    whole, _, cents = digits.partition(".")
    return f"{int(whole)}.{cents.ljust(2, '0')}" if cents else str(int(whole))


class AmountDetector(Detector[Fact]):
    name: ClassVar[str] = "amounts"

    def detect(self, doc: Document) -> list[Fact]:
        facts = []
        for match in _AMOUNT.finditer(doc.text):
            if match.group("pre"):
                currency = _SYMBOLS[match.group("pre").lower()]
                number = match.group("n1")
            else:
                currency = next(code for code in _CURRENCY_WORDS if match.group(code))
                number = match.group("n2")
            amount = _parse_number(number)
            facts.append(
                Fact(
                    "amount",
                    match.group(),
                    f"{amount} {currency}",
                    match.start(),
                    match.end(),
                    amount=amount,
                    currency=currency,
                )
            )
        return facts


def _iso_date(year: str | None, month: int, day: int) -> str | None:
    try:
        if year is None:
            dt.date(2000, month, day)  # a leap year: 29 February is a valid day without a year
            return f"--{month:02d}-{day:02d}"
        full = int(year) + (2000 if len(year) == 2 else 0)
        return dt.date(full, month, day).isoformat()
    except ValueError:
        return None


class DateDetector(Detector[Fact]):
    name: ClassVar[str] = "dates"

    def detect(self, doc: Document) -> list[Fact]:
        facts: list[Fact] = []
        numeric: tuple[re.Pattern[str], ...] = (
            _DATE_ISO,
            _DATE_NUMERIC,
            _DATE_DAY_MONTH,
            _DATE_MONTH_DAY,
        )
        if not _DIGIT.search(doc.text):
            numeric = ()
        elif not any(token.plain in _MONTHS for token in doc.tokens):
            numeric = (_DATE_ISO, _DATE_NUMERIC)
        for pattern in numeric:
            for match in pattern.finditer(doc.text):
                groups = match.groupdict()
                month = _MONTHS[groups["month"].lower()] if "month" in groups else int(groups["m"])
                value = _iso_date(groups.get("y"), month, int(groups["d"]))
                if value is not None and not _overlaps(facts, match.start(), match.end()):
                    facts.append(Fact("date", match.group(), value, match.start(), match.end()))
        if not any(token.plain in _RELATIVE_KEYS for token in doc.tokens):
            return facts
        for match in _RELATIVE.finditer(doc.text):
            value = _RELATIVE_DAYS[match.group().lower()]
            facts.append(Fact("date", match.group(), value, match.start(), match.end()))
        return facts


class DurationDetector(Detector[Fact]):
    name: ClassVar[str] = "durations"

    def detect(self, doc: Document) -> list[Fact]:
        facts: list[Fact] = []
        if not any(_is_unit(token.plain) for token in doc.tokens):
            return facts
        for match in _DURATION.finditer(doc.text):
            raw = match.group("n").lower()
            count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
            index = next(i for i in range(len(_UNITS)) if match.group(f"u{i}"))
            facts.append(_duration(match, count, index))
        for match in _DURATION_SINGLE.finditer(doc.text):
            unit = match.group("unit").lower().removeprefix("a ").removeprefix("an ")
            index = next(
                i
                for i, (pattern, _, _) in enumerate(_UNITS)
                if re.fullmatch(pattern, unit, re.IGNORECASE)
            )
            if not _overlaps(facts, match.start(), match.end()):
                facts.append(_duration(match, 1, index))
        return facts


@lru_cache(maxsize=65536)
def _is_unit(word: str) -> bool:
    return _UNIT_WORD.fullmatch(word) is not None


def _duration(match: re.Match[str], count: int, unit_index: int) -> Fact:
    _, designator, multiplier = _UNITS[unit_index]
    amount = count * multiplier
    value = f"PT{amount}{designator[1]}" if designator.startswith("T") else f"P{amount}{designator}"
    return Fact("duration", match.group(), value, match.start(), match.end())


class ReferenceDetector(Detector[Fact]):
    """Invoice, order and ticket numbers: ``FV/2025/03/123``, ``faktura nr 123/2025``,
    ``zamówienie 12345``, ``заказ № 123456``, ``order #A-12345``, ``ticket 4567``."""

    name: ClassVar[str] = "references"

    def detect(self, doc: Document) -> list[Fact]:
        facts: list[Fact] = []
        for kind, pattern in _REFERENCES:
            for match in pattern.finditer(doc.text):
                start, end = match.span("ref")
                if not _overlaps(facts, start, end):
                    ref = match.group("ref").upper()
                    facts.append(Fact(kind, match.group(), ref, match.start(), match.end()))
        return facts


class PhoneFactDetector(Detector[Fact]):
    name: ClassVar[str] = "phones"

    def detect(self, doc: Document) -> list[Fact]:
        return [
            Fact("phone", text, e164, start, end)
            for start, end, text, e164 in find_phones(doc.text, PHONE_REGIONS.get(doc.lang))
        ]


def _overlaps(facts: list[Fact], start: int, end: int) -> bool:
    return any(start < fact.end and fact.start < end for fact in facts)


def drop_overlaps(facts: list[Fact]) -> list[Fact]:
    """Facts sorted by position; where two overlap, the earlier detector's fact wins
    (a reference's digits are not also a phone number)."""
    kept: list[Fact] = []
    for fact in facts:
        if not _overlaps(kept, fact.start, fact.end):
            kept.append(fact)
    return sorted(kept, key=lambda fact: fact.start)
