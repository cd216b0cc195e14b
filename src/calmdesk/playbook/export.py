"""The playbook as an employee-readable document: Markdown or standalone HTML, in one language.

Every value from the playbook is escaped (Jinja2 autoescape for HTML; HTML entities and table
pipes for Markdown): a playbook is edited by people and may hold anything.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from jinja2 import Environment, StrictUndefined

from calmdesk.i18n import PERCENT, format_money
from calmdesk.playbook.labels import days_text, duration_text, labels, with_slots
from calmdesk.playbook.schema import (
    WEEKDAYS,
    CompensationKind,
    CompensationOption,
    CompensationRule,
    LegalDeadline,
    Playbook,
    Stage,
)
from calmdesk.playbook.template import HTML_TEMPLATE

FORMATS = ("html", "md")
Escape = Callable[[object], str]

# Rungs for an abusive contact, in order; transfer and ending the call depend on the policy.
LADDER = (Stage.ACKNOWLEDGE, Stage.SET_BOUNDARY, Stage.WARN, Stage.SILENT_RECORD)


def ladder(playbook: Playbook) -> list[Stage]:
    """The escalation ladder this playbook allows."""
    rungs = list(LADDER)
    if playbook.conversation.transfer_available:
        rungs.append(Stage.TRANSFER)
    if playbook.conversation.end_call_allowed:
        rungs.append(Stage.END_CALL)
    return rungs


def check_language(playbook: Playbook, lang: str) -> None:
    """Refuse a language the playbook is not written in."""
    from calmdesk.errors import InvalidInput

    if lang not in playbook.languages:
        raise InvalidInput(
            f"language {lang!r} is not one of the playbook's languages: "
            f"{', '.join(playbook.languages)}",
            code="unknown_language",
        )


class _Texts:
    """Formatting of playbook values in one language, shared by both renderers."""

    def __init__(self, playbook: Playbook, lang: str) -> None:
        check_language(playbook, lang)
        self.playbook = playbook
        self.lang = lang
        self.words = labels(lang)

    def slot(self, phrase: str) -> str:
        """A phrase with its placeholders named for people (``[your name]``)."""
        return with_slots(phrase, self.lang)

    def duration(self, value: timedelta) -> str:
        return duration_text(self.lang, value)

    def break_rules(self) -> list[str]:
        return [
            self.words["break_rule"].format(difficulty=r.min_difficulty, minutes=r.minutes)
            for r in self.playbook.conversation.break_minutes
        ]

    def legal(self, legal: LegalDeadline) -> str:
        text = days_text(self.lang, legal.days, business=legal.business_days)
        if legal.extended_days:
            extended = days_text(self.lang, legal.extended_days, business=legal.business_days)
            text += f" ({self.words['extended']} {extended})"
        return text

    def customer_cap(self) -> str | None:
        """The cap per customer and period as a sentence, or ``None`` without one."""
        cap = self.playbook.customer_compensation_cap
        if cap is None:
            return None
        return self.words["customer_cap"].format(
            amount=self.amount(cap.amount, CompensationKind.REFUND),
            period=days_text(self.lang, cap.period_days),
        )

    def team(self, key: str) -> str:
        return self.playbook.team(key).name[self.lang]

    def amount(self, value: Decimal, kind: CompensationKind) -> str:
        """Money as a reader of the export's language writes it (``2 000,00 zł``, ``15 %``)."""
        unit = PERCENT if kind == CompensationKind.DISCOUNT_PERCENT else self.playbook.currency
        return format_money(value, unit, self.lang)

    def option(self, option: CompensationOption) -> str:
        kind = self.words[option.kind.value]
        if option.min == option.max:
            amount = self.amount(option.max, option.kind)
        else:
            low = self.amount(option.min, option.kind)
            amount = f"{low} – {self.amount(option.max, option.kind)}"
        described = f" ({option.description[self.lang]})" if option.description else ""
        return f"{kind}{described}: {amount}"

    def applies_to(self, rule: CompensationRule) -> str:
        category = self.playbook.category(rule.category)
        if rule.severity is None:
            severity = self.words["all_severities"]
        else:
            severity = next(s for s in category.severities if s.key == rule.severity).name[
                self.lang
            ]
        return f"{category.name[self.lang]}, {severity}"

    def working_hours(self) -> list[tuple[str, str]]:
        """Runs of consecutive weekdays with the same periods: ``[("Mon–Fri", "08:00-16:00")]``."""
        hours = self.playbook.calendar.working_hours
        runs: list[tuple[list[str], str]] = []
        previous: str | None = None
        for day in WEEKDAYS:
            periods = ", ".join(f"{p.start:%H:%M}-{p.end:%H:%M}" for p in hours.get(day, []))
            if periods and periods == previous:
                runs[-1][0].append(day)
            elif periods:
                runs.append(([day], periods))
            previous = periods
        return [
            (
                self.words[days[0]] + (f"–{self.words[days[-1]]}" if len(days) > 1 else ""),
                periods,
            )
            for days, periods in runs
        ]

    def yes_no(self, value: bool) -> str:
        return self.words["yes" if value else "no"]


_ENVIRONMENT = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True)
_TEMPLATE = _ENVIRONMENT.from_string(HTML_TEMPLATE)


def render_html(playbook: Playbook, lang: str, *, fragment: bool = False) -> str:
    """A complete HTML document (or, with ``fragment``, only the body's content)."""
    texts = _Texts(playbook, lang)
    return _TEMPLATE.render(
        p=playbook,
        lang=lang,
        t=texts.words,
        x=texts,
        stages=list(Stage),
        ladder=ladder(playbook),
        fragment=fragment,
    )


def render_markdown(playbook: Playbook, lang: str, *, escape: bool = True) -> str:
    """The playbook as Markdown. ``escape`` turns ``<``, ``>`` and ``&`` into entities so the
    document is inert in any Markdown renderer; the terminal view switches it off."""
    x = _Texts(playbook, lang)

    def e(value: object) -> str:
        text = str(value)
        text = html.escape(text, quote=False) if escape else text
        return text.replace("|", "\\|").replace("\n", " ")

    sections = (
        _md_header,
        _md_categories,
        _md_compensation,
        _md_intake,
        _md_conversation,
        _md_phrasebook,
        _md_public,
    )
    lines: list[str] = []
    for section in sections:
        lines += section(x, e)
    return "\n".join(lines)


def _md_header(x: _Texts, e: Escape) -> list[str]:
    p, t, cal = x.playbook, x.words, x.playbook.calendar
    hours = "; ".join(f"{day} {periods}" for day, periods in x.working_hours())
    closures = ", ".join(d.isoformat() for d in cal.closures) or t["none"]
    return [
        f"# {e(p.name)}",
        "",
        f"*{t['policy']}*",
        "",
        f"- **{t['company']}:** {e(p.company)}",
        f"- **{t['languages']}:** {e(', '.join(p.languages))}",
        f"- **{t['currency']}:** {e(p.currency)}",
        "",
        f"## {t['calendar']}",
        "",
        f"- **{t['timezone']}:** {e(cal.timezone)}",
        f"- **{t['country']}:** {e(cal.country)}",
        f"- **{t['working_hours']}:** {hours}",
        f"- **{t['closures']}:** {closures}",
        "",
    ]


def _md_categories(x: _Texts, e: Escape) -> list[str]:
    t, lang = x.words, x.lang
    out = [f"## {t['categories']}", ""]
    for category in x.playbook.categories:
        severities = ", ".join(
            f"{e(s.name[lang])} ({s.weight})"
            + (f" *{t['default_severity']}*" if s.key == category.default_severity else "")
            for s in category.severities
        )
        legal = category.legal
        confirm = f" **({t['to_confirm']})**" if legal.to_confirm else ""
        out += [
            f"### {e(category.name[lang])}",
            "",
            e(category.description[lang]),
            "",
            f"- **{t['team']}:** {e(x.team(category.team))}",
            f"- **{t['severities']}:** {severities}",
            f"- **{t['kpi']}:** {t['first_response']} {x.duration(category.kpi.first_response)}; "
            f"{t['resolution']} {x.duration(category.kpi.resolution)}",
            f"- **{t['legal']}:** {e(x.legal(legal))}{confirm}",
            f"  - {t['basis']}: {e(legal.basis[lang])}",
            f"  - {t['consequence']}: {e(legal.consequence[lang])}",
        ]
        examples = category.examples.get(lang, [])
        if examples:
            out += [f"- **{t['examples']}:** " + " / ".join(f"«{e(m)}»" for m in examples)]
        out += [""]
    return out


def _md_compensation(x: _Texts, e: Escape) -> list[str]:
    t, p = x.words, x.playbook
    out = [f"## {t['compensation']}", "", t["compensation_note"], ""]
    out += [f"| {t['applies_to']} | {t['options']} | {t['agent_limit']} | {t['discount_limit']} |"]
    out += ["|---|---|---|---|"]
    for rule in p.compensation:
        options = "; ".join(e(x.option(o)) for o in rule.options)
        out += [
            f"| {e(x.applies_to(rule))} | {options} | "
            f"{e(x.amount(rule.agent_limit, CompensationKind.REFUND))} | "
            f"{e(x.amount(rule.agent_discount_limit_percent, CompensationKind.DISCOUNT_PERCENT))} |"
        ]
    cap = x.customer_cap()
    return [*out, "", e(cap), ""] if cap else [*out, ""]


def _md_intake(x: _Texts, e: Escape) -> list[str]:
    t = x.words
    out = [f"## {t['intake']}", ""]
    for index, question in enumerate(x.playbook.intake, start=1):
        optional = "" if question.required else f" *({t['optional']})*"
        out += [f"{index}. {e(question.text[x.lang])}{optional}"]
    return [*out, ""]


def _md_conversation(x: _Texts, e: Escape) -> list[str]:
    t, policy = x.words, x.playbook.conversation
    rules = "; ".join(x.break_rules())
    threshold = t["break_threshold"].format(threshold=policy.break_threshold)
    return [
        f"## {t['conversation']}",
        "",
        f"- **{t['end_call_allowed']}:** {x.yes_no(policy.end_call_allowed)}",
        f"- **{t['warnings_before_end']}:** {policy.warnings_before_end}",
        f"- **{t['transfer_available']}:** {x.yes_no(policy.transfer_available)}",
        f"- **{t['ladder']}:** " + " → ".join(t[s.value] for s in ladder(x.playbook)),
        f"- **{t['breaks']}:** {rules}. {threshold}",
        "",
    ]


def _md_phrasebook(x: _Texts, e: Escape) -> list[str]:
    t, lang, phrases = x.words, x.lang, x.playbook.phrases
    out = [f"## {t['phrasebook']}", ""]
    for stage in Stage:
        out += [f"### {t[stage.value]}", ""]
        out += [f"- {e(x.slot(v))}" for v in phrases.stages[stage][lang]]
        out += [""]
    if phrases.still_here.get(lang):
        out += [f"### {t['still_here']}", ""]
        out += [f"- {e(x.slot(v))}" for v in phrases.still_here[lang]] + [""]
    if phrases.listening_signals.get(lang):
        signals = ", ".join(e(v) for v in phrases.listening_signals[lang])
        out += [f"### {t['listening_signals']}", "", signals, ""]
    out += [f"### {t['negative_wordings']}", "", f"| {t['avoid']} | {t['say_instead']} |"]
    out += ["|---|---|"]
    out += [
        f"| {e(w.phrase)} | {e(x.slot(w.alternative))} |" for w in phrases.negative_wordings[lang]
    ]
    return [*out, ""]


def _md_public(x: _Texts, e: Escape) -> list[str]:
    t, public = x.words, x.playbook.public
    out = [
        f"## {t['public']}",
        "",
        f"- **{t['first_response']}:** {x.duration(public.first_response)}",
        f"- **{t['resolution']}:** {x.duration(public.resolution)}",
        f"- **{t['weekends_included']}:** {x.yes_no(public.weekends_included)}",
        "",
    ]
    if public.guidance.get(x.lang):
        out += [f"### {t['guidance']}", ""]
        out += [f"{i}. {e(step)}" for i, step in enumerate(public.guidance[x.lang], start=1)]
        out += [""]
    return out
