"""What the coach suggests saying: a playbook phrase in the conversation's language, the variant
rotated by how often the step was suggested, and its placeholders filled.

Also the small detectors over the agent's and customer's words that decide *which* phrase fits:
"are you there?", promises the agent cannot be sure to keep, and the playbook's negative
wordings. Rendering helpers turn facts and deadlines into words of the conversation's language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from babel.dates import format_date, format_timedelta
from babel.numbers import format_decimal, get_currency_symbol

from calmdesk.analysis.lexicon import load_rules
from calmdesk.analysis.signals import Fact
from calmdesk.coach import messages
from calmdesk.playbook.schema import Playbook, Stage

T = TypeVar("T")

STILL_HERE = "still_here"
LISTENING_SIGNAL = "listening_signal"
INTAKE_QUESTION = "intake_question"

# The coach's phrase rules, per language in analysis/lexicons/<lang>/coach.txt: "are you
# (still) there?" while the agent stays silent, a promise about an outcome the agent does not
# control, the customer owning the trouble (then help without an apology), and a phrase variant
# that apologises.
_RULES = load_rules("coach.txt")
_ARE_YOU_THERE = _RULES["are_you_there"]
_RISKY_PROMISE = _RULES["risky_promise"]
_CUSTOMER_FAULT = _RULES["customer_fault"]
_APOLOGY = _RULES["apology"]

# Negative wording as agents really say it, per language in analysis/lexicons/<lang>/negative.txt:
# one rule per family (cannot, nothing, not_mine, rules, impossible, dont_know, calm_down) and
# the look-alikes that are fine ("nie mogę się doczekać", "I can't wait") under [clean].
_NEGATIVE = load_rules("negative.txt")
_CLEAN = _NEGATIVE.pop("clean", None)
NEGATIVE_FAMILIES = tuple(_NEGATIVE)


@dataclass(frozen=True, slots=True)
class PhraseChoice:
    template: str
    text: str


_ARE_YOU_THERE_MAX_WORDS = 8


def is_are_you_there(text: str) -> bool:
    """True for a short "jesteś tam?", "вы там?", "are you still there?" and the like (a long
    message that merely contains "вы там" is something else)."""
    return len(text.split()) <= _ARE_YOU_THERE_MAX_WORDS and bool(_ARE_YOU_THERE.search(text))


def find_risky_promise(text: str) -> str | None:
    """The promise wording in ``text`` ("I guarantee", "gwarantuję"), or ``None``."""
    match = _RISKY_PROMISE.search(text)
    return match.group(0) if match else None


def blames_self(texts: Iterable[str]) -> bool:
    """True when the customer says the problem is their own doing ("zapomniałem hasła")."""
    return any(_CUSTOMER_FAULT.search(text) for text in texts)


@dataclass(frozen=True, slots=True)
class NegativeFinding:
    """A negative wording in the agent's line: the words said and what to say instead
    (the playbook's alternative, or the coach's for the wording's family)."""

    phrase: str
    alternative: str


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def find_negative_wordings(text: str, playbook: Playbook, lang: str) -> list[NegativeFinding]:
    """Negative wording in ``text``: the playbook's own wordings (case-insensitive, whole words)
    first, then the forms of ``negative.txt`` no playbook wording covered, each with what to say
    instead. A wording inside a longer one found ("nie mogę" in "nic nie mogę zrobić") is not
    repeated, and nothing inside a clean look-alike ("nie mogę się doczekać") counts."""
    text = text.translate(_APOSTROPHES)
    lowered = text.lower()
    clean = [m.span() for m in _CLEAN.finditer(text)] if _CLEAN is not None else []
    # every candidate, the playbook's and the families', then the longest first: "ничем не могу
    # помочь" is one finding, not the playbook's shorter "не могу помочь" inside it
    candidates: list[tuple[tuple[int, int], int, NegativeFinding]] = []
    for wording in _by_lang(playbook.phrases.negative_wordings, lang, playbook):
        pattern = r"(?<!\w)" + re.escape(wording.phrase.lower()) + r"(?!\w)"
        for match in re.finditer(pattern, lowered):
            finding = NegativeFinding(wording.phrase, wording.alternative)
            candidates.append((match.span(), 0, finding))
    for family, rule in _NEGATIVE.items():
        alternative = messages.text(f"negative_alternatives.{family}", lang)
        for match in rule.finditer(text):
            if match.group(0).strip():
                finding = NegativeFinding(match.group(0).strip(), alternative)
                candidates.append((match.span(), 1, finding))
    candidates.sort(key=lambda c: (c[0][0] - c[0][1], c[1], c[0][0]))
    taken: list[tuple[int, int]] = []
    found: list[NegativeFinding] = []
    for span, _, finding in candidates:
        if _overlaps(span, taken) or _overlaps(span, clean) or finding in found:
            continue
        taken.append(span)
        found.append(finding)
    return found


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def variants(playbook: Playbook, step: Stage | str, lang: str) -> list[str]:
    """The phrasebook's variants for a stage (or ``still_here`` / ``listening_signal``)."""
    book = playbook.phrases
    if step == STILL_HERE:
        return _by_lang(book.still_here, lang, playbook)
    if step == LISTENING_SIGNAL:
        return _by_lang(book.listening_signals, lang, playbook)
    if step == INTAKE_QUESTION:
        questions = [q.text for q in playbook.intake if q.required]
        return [q.get(lang) or q.get(playbook.default_language) or "" for q in questions]
    return _by_lang(book.stages.get(Stage(step), {}), lang, playbook)


def choose(
    options: Sequence[str],
    occurrence: int,
    values: Mapping[str, str | None],
    lang: str,
    *,
    apology: bool | None = None,
    said: Sequence[str] = (),
) -> PhraseChoice | None:
    """Pick variant number ``occurrence`` (rotating, so a step suggested twice in a row never
    repeats its variant) among the variants missing the fewest placeholder values and, when
    ``apology`` is given, preferably those that do (or do not) apologise. A variant the agent
    already said (``said``: the phrases heard read out) is not offered again while another is
    left."""
    pool = [t for t in options if t]
    if not pool:
        return None
    if said:
        fresh = [t for t in pool if not any(_same_phrase(fill(t, values, lang), s) for s in said)]
        pool = fresh or pool
    missing = {t: sum(1 for name in _placeholders(t) if not values.get(name)) for t in pool}
    fewest = min(missing.values())
    pool = [t for t in pool if missing[t] == fewest]
    if apology is not None:
        matching = [t for t in pool if bool(_APOLOGY.search(t)) == apology]
        pool = matching or pool
    template = pool[occurrence % len(pool)]
    return PhraseChoice(template=template, text=fill(template, values, lang))


def _same_phrase(a: str, b: str) -> bool:
    words_a, words_b = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    if not words_a or not words_b:
        return a.strip().lower() == b.strip().lower()
    return len(words_a & words_b) / max(len(words_a), len(words_b)) >= _SAME_PHRASE_SHARE


_WORDS = re.compile(r"\w+")
_SAME_PHRASE_SHARE = 0.8
FALLBACK_NAMES = frozenset(messages.keys_of("fallbacks"))


def fill(template: str, values: Mapping[str, str | None], lang: str) -> str:
    """Fill ``{placeholders}``; a missing value gets a neutral stand-in rather than a gap."""
    filled: dict[str, str] = {}
    for name in _placeholders(template):
        value = values.get(name)
        if not value:
            value = messages.label("fallbacks", name, lang) if name in FALLBACK_NAMES else ""
        filled[name] = value
    return template.format_map(filled)


def render_facts(facts: Sequence[Fact], lang: str) -> str:
    """Facts as a short list in the language: ``kwota 200 zł, faktura FV/2025/03/123``."""
    parts = []
    for fact in facts:
        label = messages.label("fact_labels", fact.kind, lang)
        parts.append(f"{label} {render_fact_value(fact, lang)}")
    return ", ".join(parts)


def render_fact_value(fact: Fact, lang: str) -> str:
    if fact.kind == "amount" and fact.amount:
        return render_amount(fact.amount, fact.currency, lang) or fact.text
    if fact.kind == "date":
        try:
            return format_date(date.fromisoformat(fact.value), format="long", locale=lang)
        except ValueError:
            return fact.text
    if fact.kind == "duration":
        duration = parse_iso_duration(fact.value)
        return format_timedelta(duration, locale=lang) if duration else fact.text
    return fact.value or fact.text


_ISO_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?"
)
_DAYS_PER = {"years": 365, "months": 30, "weeks": 7, "days": 1}


def parse_iso_duration(value: str) -> timedelta | None:
    """``P14D``, ``P2W``, ``PT3H`` into a timedelta (a year as 365 days, a month as 30);
    ``None`` when it is not such a duration or is zero."""
    match = _ISO_DURATION.fullmatch(value)
    if not match:
        return None
    parts = {name: int(number) for name, number in match.groupdict().items() if number}
    days = sum(_DAYS_PER[name] * parts.get(name, 0) for name in _DAYS_PER)
    duration = timedelta(days=days, hours=parts.get("hours", 0), minutes=parts.get("minutes", 0))
    return duration or None


def render_amount(amount: str, currency: str | None, lang: str) -> str | None:
    try:
        number = format_decimal(Decimal(amount), locale=lang)
    except (InvalidOperation, ValueError):
        return None
    if not currency:
        return number
    return f"{number} {get_currency_symbol(currency, locale=lang)}"


def render_date(day: date, lang: str, *, today: date) -> str:
    """``25 listopada``, ``25 ноября``, ``25 November`` (the year only when it is not this one);
    the genitive day-month form reads right after "najpóźniej", "не позднее" and "by"."""
    pattern = "d MMMM" if day.year == today.year else "d MMMM y"
    return format_date(day, format=pattern, locale=lang)


def render_channel(channel: str, lang: str) -> str:
    return messages.label("channels", channel, lang)


def _by_lang(table: Mapping[str, list[T]], lang: str, playbook: Playbook) -> list[T]:
    return list(table.get(lang) or table.get(playbook.default_language) or [])


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
