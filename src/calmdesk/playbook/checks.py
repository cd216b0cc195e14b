"""Cross-field checks of a playbook, run by :class:`~calmdesk.playbook.schema.Playbook`'s
``model_validator`` so that every way of building a playbook is checked.

Each check yields :class:`Problem` s naming the YAML path (``categories[2].team``) and what is
wrong, so the loader can report all of them at once.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from calmdesk.playbook.schema import Category, Phrasebook, Playbook


class Problem(NamedTuple):
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


def problems(playbook: Playbook) -> list[Problem]:
    """Every inconsistency of ``playbook``; empty when it is sound."""
    found: list[Problem] = []
    checks = (
        _languages,
        _unique_keys,
        _references,
        _translations,
        _phrasebook,
        _public_replies,
        _mail_notices,
    )
    for check in checks:
        found.extend(check(playbook))
    return found


def _languages(playbook: Playbook) -> Iterator[Problem]:
    if not playbook.languages:
        yield Problem("languages", "at least one language is needed")
    for language, count in Counter(playbook.languages).items():
        if count > 1:
            yield Problem("languages", f"language {language!r} is listed {count} times")
    if playbook.default_language not in playbook.languages:
        yield Problem(
            "default_language",
            f"{playbook.default_language!r} is not one of languages {playbook.languages}",
        )


def _duplicates(path: str, keys: Iterable[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            yield Problem(f"{path}[{index}].key", f"duplicate key {key!r}")
        seen.add(key)


def _unique_keys(playbook: Playbook) -> Iterator[Problem]:
    if not playbook.categories:
        yield Problem("categories", "at least one category is needed")
    yield from _duplicates("teams", (t.key for t in playbook.teams))
    yield from _duplicates("categories", (c.key for c in playbook.categories))
    yield from _duplicates("intake", (q.key for q in playbook.intake))
    for index, category in enumerate(playbook.categories):
        yield from _duplicates(
            f"categories[{index}].severities", (s.key for s in category.severities)
        )
    for language, wordings in playbook.phrases.negative_wordings.items():
        seen: set[str] = set()
        for index, wording in enumerate(wordings):
            phrase = wording.phrase.strip().lower()
            path = f"phrases.negative_wordings.{language}[{index}]"
            if not phrase:
                yield Problem(f"{path}.phrase", "is empty")
            elif phrase in seen:
                yield Problem(f"{path}.phrase", f"duplicate phrase {wording.phrase!r}")
            elif phrase in wording.alternative.lower():
                yield Problem(f"{path}.alternative", "repeats the phrase it should replace")
            seen.add(phrase)


def _references(playbook: Playbook) -> Iterator[Problem]:
    teams = [t.key for t in playbook.teams]
    categories = {c.key: c for c in playbook.categories}
    for index, category in enumerate(playbook.categories):
        if category.team not in teams:
            yield Problem(
                f"categories[{index}].team",
                f"unknown team {category.team!r} (teams: {_listed(teams)})",
            )
    for index, rule in enumerate(playbook.compensation):
        path = f"compensation[{index}]"
        known = categories.get(rule.category)
        if known is None:
            yield Problem(
                f"{path}.category",
                f"unknown category {rule.category!r} (categories: {_listed(categories)})",
            )
            continue
        severities = [s.key for s in known.severities]
        if rule.severity is not None and rule.severity not in severities:
            yield Problem(
                f"{path}.severity",
                f"unknown severity {rule.severity!r} for category {rule.category!r} "
                f"(severities: {_listed(severities)})",
            )
        if not rule.options:
            yield Problem(f"{path}.options", "at least one compensation option is needed")


def _listed(keys: Iterable[str]) -> str:
    return ", ".join(keys) or "none"


def _localized(
    playbook: Playbook,
) -> Iterator[tuple[str, Mapping[str, object]]]:
    """Every per-language mapping of the playbook with its YAML path."""
    for i, team in enumerate(playbook.teams):
        yield f"teams[{i}].name", team.name
    for i, category in enumerate(playbook.categories):
        yield from _category_texts(f"categories[{i}]", category)
    for i, rule in enumerate(playbook.compensation):
        for j, option in enumerate(rule.options):
            if option.description is not None:
                yield f"compensation[{i}].options[{j}].description", option.description
    for i, question in enumerate(playbook.intake):
        yield f"intake[{i}].text", question.text
    yield from _phrase_texts(playbook.phrases)
    if playbook.public.guidance:
        yield "public.guidance", playbook.public.guidance
    for step, texts in playbook.public.reply_phrases.items():
        yield f"public.reply_phrases.{step}", texts
    if playbook.mail is not None:
        for kind in ("acknowledgement", "update", "resolution"):
            template = getattr(playbook.mail, kind)
            yield f"mail.{kind}.subject", template.subject
            yield f"mail.{kind}.body", template.body
        yield "mail.signature", playbook.mail.signature
        if playbook.mail.survey:
            yield "mail.survey", playbook.mail.survey


def _category_texts(path: str, category: Category) -> Iterator[tuple[str, Mapping[str, object]]]:
    yield f"{path}.name", category.name
    yield f"{path}.description", category.description
    if category.examples:
        yield f"{path}.examples", category.examples
    for j, severity in enumerate(category.severities):
        yield f"{path}.severities[{j}].name", severity.name
    yield f"{path}.legal.basis", category.legal.basis
    yield f"{path}.legal.consequence", category.legal.consequence


def _phrase_texts(phrases: Phrasebook) -> Iterator[tuple[str, Mapping[str, object]]]:
    for stage, texts in phrases.stages.items():
        yield f"phrases.stages.{stage.value}", texts
    yield "phrases.negative_wordings", phrases.negative_wordings
    if phrases.listening_signals:
        yield "phrases.listening_signals", phrases.listening_signals
    if phrases.still_here:
        yield "phrases.still_here", phrases.still_here


def _translations(playbook: Playbook) -> Iterator[Problem]:
    languages = playbook.languages
    for path, texts in _localized(playbook):
        for language in languages:
            value = texts.get(language)
            if value is None:
                yield Problem(path, f"missing translation for {language!r}")
            elif not value or (isinstance(value, str) and not value.strip()):
                yield Problem(f"{path}.{language}", "is empty")
        for language in texts:
            if language not in languages:
                yield Problem(
                    f"{path}.{language}", f"language {language!r} is not one of {languages}"
                )


def _phrasebook(playbook: Playbook) -> Iterator[Problem]:
    from calmdesk.playbook.schema import STAGE_PLACEHOLDERS, Stage

    stages = playbook.phrases.stages
    for stage in Stage:
        if stage not in stages:
            yield Problem("phrases.stages", f"missing stage {stage.value!r}")
    for stage, texts in stages.items():
        allowed = STAGE_PLACEHOLDERS[stage]
        for language, variants in texts.items():
            for index, variant in enumerate(variants):
                problem = placeholder_problem(variant, allowed)
                if problem:
                    yield Problem(f"phrases.stages.{stage.value}.{language}[{index}]", problem)
    fixed_texts = {
        "phrases.still_here": playbook.phrases.still_here,
        "phrases.listening_signals": playbook.phrases.listening_signals,
    }
    for path, texts in fixed_texts.items():
        for language, variants in texts.items():
            for index, variant in enumerate(variants):
                problem = placeholder_problem(variant, frozenset())
                if problem:
                    yield Problem(f"{path}.{language}[{index}]", problem)


def _public_replies(playbook: Playbook) -> Iterator[Problem]:
    from calmdesk.playbook.schema import PUBLIC_REPLY_PLACEHOLDERS, PUBLIC_REPLY_STEPS

    replies = playbook.public.reply_phrases
    for step, texts in replies.items():
        path = f"public.reply_phrases.{step}"
        if step not in PUBLIC_REPLY_STEPS:
            yield Problem(path, f"unknown step {step!r} (steps: {_listed(PUBLIC_REPLY_STEPS)})")
        for language, variants in texts.items():
            for index, variant in enumerate(variants):
                problem = placeholder_problem(variant, PUBLIC_REPLY_PLACEHOLDERS)
                if problem:
                    yield Problem(f"{path}.{language}[{index}]", problem)
    if replies:
        for step in PUBLIC_REPLY_STEPS:
            if step not in replies:
                yield Problem("public.reply_phrases", f"missing step {step!r}")


def _mail_notices(playbook: Playbook) -> Iterator[Problem]:
    from calmdesk.playbook.schema import NOTICE_KINDS, NOTICE_PLACEHOLDERS, NOTICE_REQUIRED

    if playbook.mail is None:
        return
    for kind in NOTICE_KINDS:
        template = getattr(playbook.mail, kind)
        for language, subject in template.subject.items():
            path = f"mail.{kind}.subject.{language}"
            problem = placeholder_problem(subject, NOTICE_PLACEHOLDERS)
            if "\n" in subject or "\r" in subject:
                problem = "a subject is one line"
            if problem:
                yield Problem(path, problem)
        for language, body in template.body.items():
            path = f"mail.{kind}.body.{language}"
            problem = placeholder_problem(body, NOTICE_PLACEHOLDERS)
            if problem:
                yield Problem(path, problem)
                continue
            used = {name for _, name, _, _ in string.Formatter().parse(body) if name}
            missing = sorted(NOTICE_REQUIRED[kind] - used)
            if missing:
                names = ", ".join(f"{{{name}}}" for name in missing)
                yield Problem(path, f"must say {names}")
    yield from _mail_extras(playbook)


def _mail_extras(playbook: Playbook) -> Iterator[Problem]:
    if playbook.mail is None:
        return
    for language, text in playbook.mail.signature.items():
        problem = placeholder_problem(text, frozenset({"company"}))
        if problem:
            yield Problem(f"mail.signature.{language}", problem)
    for language, text in playbook.mail.survey.items():
        problem = placeholder_problem(text, frozenset({"survey_url"}))
        if problem:
            yield Problem(f"mail.survey.{language}", problem)
        elif "{survey_url}" not in text:
            yield Problem(f"mail.survey.{language}", "must contain {survey_url}")


def placeholder_problem(template: str, allowed: frozenset[str]) -> str | None:
    """Why ``template`` cannot be filled with ``allowed`` names, or None when it can."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        return f"malformed placeholder in {template!r} ({error}); write braces as {{{{ }}}}"
    for name in fields:
        if name not in allowed:
            can_fill = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
            return f"placeholder {{{name}}} cannot be filled here (this stage fills: {can_fill})"
    return None
