"""A 5P reply draft for a public post, in the post's language, from the playbook's phrases.

Apologise, prepare, counteract, improve, compensate: one sentence each, taken from
``public.reply_phrases`` and filled with the author, the facts the post states, the resolution
deadline and a small gesture from the compensation rules. It is a suggestion the responder edits;
the same post and ``variant`` always give the same draft, another ``variant`` another wording.
"""

from __future__ import annotations

import string
import zlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from calmdesk.analysis import analyze
from calmdesk.coach.phrases import render_amount, render_facts
from calmdesk.playbook.schema import (
    PUBLIC_REPLY_STEPS,
    CompensationKind,
    CompensationOption,
    CompensationRule,
    Playbook,
)
from calmdesk.social.clock import PromisedTime, promised_time
from calmdesk.storage.types import utcnow
from calmdesk.texts import load_texts

DEADLINE_FORMAT = "d MMMM, HH:mm"
DRAFT_FACT_KINDS = frozenset({"amount", "order", "invoice", "ticket"})
"""Facts worth repeating in public; dates and durations read oddly out of context."""
# Small gestures first: a gift, then a voucher, then a discount (seed 003's coffee voucher).
GIFT_PREFERENCE = (
    CompensationKind.GIFT,
    CompensationKind.VOUCHER,
    CompensationKind.DISCOUNT_PERCENT,
)
GIFT_WORDS: dict[CompensationKind, dict[str, str]] = {
    CompensationKind(key): texts
    for key, texts in load_texts("calmdesk.social").table("gift_words").items()
}
"""How a reply names the gesture, per language (``social/texts/<lang>.yaml``)."""
DEADLINE_NOTES = load_texts("calmdesk.social").table("deadline_notes")
"""Why a draft promises another time than the post's resolution target, for the handler."""


@dataclass(frozen=True, slots=True)
class DraftPost:
    """What a draft needs of a post (a plain value, so drafting needs no database)."""

    id: int
    lang: str
    author_handle: str
    text: str
    resolution_due: datetime


@dataclass(frozen=True, slots=True)
class GiftSuggestion:
    kind: CompensationKind
    amount: Decimal | None
    text: str
    category: str


@dataclass(frozen=True, slots=True)
class DraftStep:
    step: str
    text: str


@dataclass(frozen=True, slots=True)
class ReplyDraft:
    post_id: int
    lang: str
    variant: int
    steps: tuple[DraftStep, ...]
    gift: GiftSuggestion | None
    deadline: datetime
    """What the draft promises: ahead of now and in the team's working hours."""
    deadline_notes: tuple[str, ...] = ()
    """Why ``deadline`` is not the post's resolution target, in the draft's language."""
    deadline_moved_from: datetime | None = None
    deadline_reasons: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(step.text for step in self.steps)


def draft_reply(
    playbook: Playbook,
    post: DraftPost,
    *,
    variant: int = 0,
    category: str | None = None,
    now: datetime | None = None,
) -> ReplyDraft:
    """The draft for ``post``; ``category`` (a case category key) picks the gift rule, else the
    category is suggested from the text. The promised deadline is computed at ``now`` (default:
    the current time): never in the past, always in the team's working hours."""
    lang = draft_language(playbook, post)
    promised = promised_time(post.resolution_due, now or utcnow(), playbook)
    gift = suggest_gift(playbook, post.text, lang, category=category)
    values = _values(playbook, post, lang, promised, gift)
    steps = []
    for step in PUBLIC_REPLY_STEPS:
        template = _choose(_variants(playbook, step, lang), values, f"{post.id}:{variant}:{step}")
        if template is not None:
            steps.append(DraftStep(step, template.format_map(values)))
    return ReplyDraft(
        post_id=post.id,
        lang=lang,
        variant=variant,
        steps=tuple(steps),
        gift=gift,
        deadline=promised.at,
        deadline_notes=deadline_notes(promised, playbook, lang),
        deadline_moved_from=promised.moved_from,
        deadline_reasons=promised.reasons,
    )


def deadline_notes(promised: PromisedTime, playbook: Playbook, lang: str) -> tuple[str, ...]:
    """The handler's notes on a moved promise, in ``lang`` (English when it has none)."""
    values = {
        "deadline": _deadline(promised.at, playbook, lang),
        "moved_from": _deadline(promised.moved_from, playbook, lang) if promised.moved_from else "",
    }
    return tuple(
        (DEADLINE_NOTES[reason].get(lang) or DEADLINE_NOTES[reason]["en"]).format_map(values)
        for reason in promised.reasons
    )


def draft_language(playbook: Playbook, post: DraftPost) -> str:
    return post.lang if post.lang in playbook.languages else playbook.default_language


def _values(
    playbook: Playbook,
    post: DraftPost,
    lang: str,
    promised: PromisedTime,
    gift: GiftSuggestion | None,
) -> dict[str, str]:
    found = analyze(post.text, lang).facts
    return {
        "author": post.author_handle,
        "facts": render_facts([f for f in found if f.kind in DRAFT_FACT_KINDS], lang),
        "deadline": _deadline(promised.at, playbook, lang),
        "gift": gift.text if gift else "",
    }


def every_draft_sentence(
    playbook: Playbook, post: DraftPost, *, now: datetime | None = None
) -> list[str]:
    """Every sentence any variant of the post's draft can use at ``now``, filled in: a reply
    made of them is the draft unedited, whichever variant it came from."""
    lang = draft_language(playbook, post)
    promised = promised_time(post.resolution_due, now or utcnow(), playbook)
    values = _values(playbook, post, lang, promised, suggest_gift(playbook, post.text, lang))
    sentences = []
    for step in PUBLIC_REPLY_STEPS:
        for template in _variants(playbook, step, lang):
            if all(values.get(name) for name in _placeholders(template)):
                sentences.append(template.format_map(values))
    return sentences


def _variants(playbook: Playbook, step: str, lang: str) -> list[str]:
    texts = playbook.public.reply_phrases.get(step, {})
    return [t for t in texts.get(lang) or texts.get(playbook.default_language) or [] if t]


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _choose(options: list[str], values: dict[str, str], seed: str) -> str | None:
    """Among the variants whose placeholders all have values, those using the most of them
    (the facts, when there are any), then one picked by a stable hash of ``seed``."""
    usable = [t for t in options if all(values.get(name) for name in _placeholders(t))]
    if not usable:
        return None
    richest = max(len(_placeholders(t)) for t in usable)
    pool = [t for t in usable if len(_placeholders(t)) == richest]
    return pool[zlib.crc32(seed.encode()) % len(pool)]


def _deadline(moment: datetime, playbook: Playbook, lang: str) -> str:
    zone = ZoneInfo(playbook.calendar.timezone)
    return format_datetime(moment.astimezone(zone), DEADLINE_FORMAT, locale=lang)


def suggest_gift(
    playbook: Playbook, text: str, lang: str, *, category: str | None = None
) -> GiftSuggestion | None:
    """A small gesture the responder may grant at once (within the agent's limit): the
    smallest-kind option of the post's category, else any category's gift."""
    if category is None:
        from calmdesk.cases.categorize import suggest_category

        category = suggest_category(playbook, text).category
    rules = [r for r in playbook.compensation if r.category == category and r.severity is None]
    found = _small_option(rules) or _small_option(list(playbook.compensation))
    if found is None:
        return None
    rule, option = found
    amount = _amount(rule, option)
    words = GIFT_WORDS[option.kind]
    if option.kind == CompensationKind.GIFT and option.description:
        phrase = option.description.get(lang) or words.get(lang) or words["en"]
    else:
        shown = _shown_amount(amount, option.kind, playbook.currency, lang)
        phrase = (words.get(lang) or words["en"]).format(amount=shown)
    return GiftSuggestion(kind=option.kind, amount=amount, text=phrase, category=rule.category)


def _small_option(
    rules: list[CompensationRule],
) -> tuple[CompensationRule, CompensationOption] | None:
    for kind in GIFT_PREFERENCE:
        for rule in rules:
            for option in rule.options:
                if option.kind == kind:
                    return rule, option
    return None


def _amount(rule: CompensationRule, option: CompensationOption) -> Decimal | None:
    """The most the responder may give without approval, within the option's range."""
    if option.kind == CompensationKind.GIFT:
        return None
    limit = (
        rule.agent_discount_limit_percent
        if option.kind == CompensationKind.DISCOUNT_PERCENT
        else rule.agent_limit
    )
    return max(option.min, min(option.max, limit))


def _shown_amount(amount: Decimal | None, kind: CompensationKind, currency: str, lang: str) -> str:
    if amount is None:
        return ""
    number = f"{amount.normalize():f}"
    if kind == CompensationKind.DISCOUNT_PERCENT:
        return number
    return render_amount(number, currency, lang) or f"{number} {currency}"
