"""The live coach: one :class:`Conversation` per contact.

A conversation is an append-only list of events (:mod:`calmdesk.coach.events`); every guidance is
derived from them, so ``Conversation.from_events(playbook, conversation.events)`` gives back the
same guidance, turn by turn. Example::

    conversation = Conversation(playbook, agent_name="Bartek")
    conversation.customer_says("Ile mam czekać na tego #$&^&%@! laptopa?").stage  # acknowledge
    conversation.agent_did("boundary_stated")
    conversation.summary().difficulty
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from calmdesk.analysis import analyze
from calmdesk.analysis.category import CategorySuggester
from calmdesk.analysis.line import check_line
from calmdesk.analysis.pipeline import find_facts
from calmdesk.analysis.signals import Intent, Signals
from calmdesk.coach import messages, phrases
from calmdesk.coach.alerts import break_alert, signal_alerts, wording_alerts
from calmdesk.coach.category import refund_within_agent_limit
from calmdesk.coach.events import AgentDid, AgentSaid, CustomerSaid, Event, StepUndone
from calmdesk.coach.guidance import Alert, Guidance, HeardStep, Suggestion
from calmdesk.coach.heard import Heard, Offered, Step, hear
from calmdesk.coach.messages import Text
from calmdesk.coach.stages import Action, parse_action
from calmdesk.coach.state import (
    CallState,
    Policy,
    agent_action,
    agent_turn,
    customer_turn,
    end_call_verdict,
    outcome_if_ended,
)
from calmdesk.coach.summary import CallSummary, summarize
from calmdesk.errors import InvalidInput
from calmdesk.playbook.calendar import business_deadline
from calmdesk.playbook.schema import Category, Playbook, Stage

Analyzer = Callable[[str, str | None], Signals]

_MIN_WORDS_TO_DETECT = 2


def default_analyzer(text: str, lang: str | None) -> Signals:
    return analyze(text, lang=lang)


class Conversation:
    """Coach one call or chat. ``lang`` fixes the customer's language (else it is detected from
    the customer's first clear message); ``channel`` is how the company will follow up
    (``phone``, ``email``...); ``analyzer`` defaults to :func:`calmdesk.analysis.analyze`.

    ``started_at`` (aware; now when omitted) anchors the deadline dates the coach tells the
    customer: pass the same value to :meth:`from_events` to replay a stored conversation.
    ``ui_lang`` is the agent's language for explanations, alerts and reasons (the playbook's
    default language when omitted); phrases for the customer follow the customer's language."""

    def __init__(
        self,
        playbook: Playbook,
        lang: str | None = None,
        agent_name: str | None = None,
        can_transfer: bool = True,
        *,
        channel: str = "phone",
        started_at: datetime | None = None,
        ui_lang: str | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        if ui_lang is not None and ui_lang not in messages.UI_LANGUAGES:
            raise InvalidInput(
                f"interface language {ui_lang!r} is not one of {list(messages.UI_LANGUAGES)}",
                code="unsupported_language",
            )
        if lang is not None and lang not in playbook.languages:
            raise InvalidInput(
                f"language {lang!r} is not in the playbook; use one of {playbook.languages}",
                code="unsupported_language",
            )
        if channel not in messages.CHANNELS:
            raise InvalidInput(
                f"unknown channel {channel!r}; use one of {sorted(messages.CHANNELS)}",
                code="unknown_channel",
            )
        self.playbook = playbook
        self.agent_name = agent_name.strip() if agent_name and agent_name.strip() else None
        self.can_transfer = can_transfer
        self.channel = channel
        self.ui_lang = ui_lang
        zone = ZoneInfo(playbook.calendar.timezone)
        self.started_at = (started_at or datetime.now(zone)).astimezone(zone)
        self._fixed_lang = lang
        self._lang = lang
        self._analyze = analyzer or default_analyzer
        policy = playbook.conversation
        self._policy = Policy(
            end_call_allowed=policy.end_call_allowed,
            warnings_before_end=policy.warnings_before_end,
            transfer_available=can_transfer and policy.transfer_available,
        )
        self._suggester = CategorySuggester(playbook.category_texts())
        self._state = CallState()
        self._events: list[Event] = []
        self._last: Guidance | None = None
        self._category_at = 0
        self._category_cached: Category | None = None
        self._undone: set[tuple[int, Step]] = set()
        self._offered: tuple[Suggestion, ...] = ()
        self._replaying = False

    @classmethod
    def from_events(
        cls, playbook: Playbook, events: Iterable[Event], **options: Any
    ) -> Conversation:
        """Rebuild a conversation (same options as the constructor) by replaying its events."""
        conversation = cls(playbook, **options)
        for event in events:
            conversation.record(event)
        return conversation

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def lang(self) -> str:
        """The customer's language: fixed, detected, or the playbook's default until known."""
        return self._lang or self.playbook.default_language

    @property
    def ended(self) -> str | None:
        """How the call ended (``hang_up``, ``closed``, ``transferred``), ``None`` while open."""
        return self._state.ended

    @property
    def guidance(self) -> Guidance | None:
        """The latest guidance (``None`` before the first event)."""
        return self._last

    def customer_says(self, text: str, signals: Signals | None = None) -> Guidance:
        """The customer's utterance; ``signals`` may be passed when already analysed."""
        text = check_line(text).strip()
        if signals is None:
            signals = self._analyze(text, self._fixed_lang)
        return self.record(CustomerSaid(text=text, signals=signals))

    def agent_says(self, text: str) -> Guidance:
        """The agent's line: the steps heard in it (:mod:`calmdesk.coach.heard`) act like their
        buttons, and the next suggestion follows it."""
        text = check_line(text).strip()
        heard, said = hear(
            text,
            agent_name=self.agent_name,
            customer_facts=self._state.facts,
            agent_facts=find_facts(text, self._lang) if self._state.facts else (),
            offered=[Offered(s.step, s.text) for s in self._offered],
        )
        return self.record(AgentSaid(text=text, heard=heard, said=said))

    def agent_did(self, action: str | Action) -> Guidance:
        return self.record(AgentDid(action=parse_action(action)))

    def undo(self, turn: int, step: str | Step) -> Guidance:
        """Take back the step ``step`` heard in event number ``turn`` (from 1)."""
        return self.record(StepUndone(turn=turn, step=self._undoable(turn, step)))

    def heard_steps(self) -> list[HeardStep]:
        """Every step heard so far in the agent's words, those taken back marked ``undone``."""
        found = []
        for index, event in enumerate(self._events, start=1):
            if isinstance(event, AgentSaid):
                found += [self._heard_step(index, h) for h in event.heard]
        return found

    def record(self, event: Event) -> Guidance:
        """Append one event and return the guidance that follows it."""
        if isinstance(event, StepUndone):
            self._undoable(event.turn, event.step)
        self._events.append(event)
        guidance = self._apply(event, len(self._events))
        self._last = guidance
        return guidance

    def _apply(self, event: Event, turn: int) -> Guidance:
        if isinstance(event, CustomerSaid):
            return self._on_customer(event)
        if isinstance(event, AgentSaid):
            return self._on_agent_text(event, turn)
        if isinstance(event, StepUndone):
            return self._on_undo(event)
        return self._on_action(event)

    def _undoable(self, turn: int, step: str | Step) -> Step:
        """``step`` when it was heard in event ``turn`` and not yet taken back; otherwise a
        clear :class:`InvalidInput` (``nothing_to_undo``)."""
        try:
            wanted = Step(step)
        except ValueError:
            known = ", ".join(s.value for s in Step)
            raise InvalidInput(
                f"unknown step {step!r}; use one of: {known}", code="unknown_step", step=str(step)
            ) from None
        event = self._events[turn - 1] if 1 <= turn <= len(self._events) else None
        heard = isinstance(event, AgentSaid) and any(h.step is wanted for h in event.heard)
        if not heard or (turn, wanted) in self._undone:
            message = messages.text("nothing_to_undo", "en", turn=turn, step=wanted.value)
            raise InvalidInput(message, code="nothing_to_undo", turn=turn, step=wanted.value)
        return wanted

    def summary(self) -> CallSummary:
        return summarize(self._state, self.playbook.conversation, self._category())

    # -- events -------------------------------------------------------------------------------

    def _on_customer(self, event: CustomerSaid) -> Guidance:
        signals = event.signals
        self._detect_language(event.text, signals)
        outcome = customer_turn(self._state, self._policy, event.text, signals)
        alerts = signal_alerts(
            signals,
            self._ui_lang,
            transfer_possible=self._transfer_possible(),
            safety=self.playbook.safety,
        )
        if outcome.still_here:
            suggestions = self._suggest(phrases.STILL_HERE, "still_here_why")
        elif outcome.stage is Stage.TRANSFER and Intent.SUPERVISOR_REQUEST in signals.intents:
            if self._transfer_possible():
                suggestions = self._suggest(Stage.TRANSFER, "supervisor_why")
            else:  # honoured, but a transfer phrase would promise what cannot happen
                suggestions = ()
        else:
            suggestions = self._stage_suggestions(outcome.stage)
        if outcome.acknowledge_first:
            acknowledge = Stage.ACKNOWLEDGE
            suggestions = self._suggest(acknowledge, messages.why_key(acknowledge)) + suggestions
        return self._guidance(self._safety_first(signals, suggestions), alerts, signals)

    def _safety_first(
        self, signals: Signals, suggestions: tuple[Suggestion, ...]
    ) -> tuple[Suggestion, ...]:
        """Words of self-harm get a caring line instead of the ladder's; a threat of violence
        gets the safety procedure's calm line first."""
        safety = self.playbook.safety
        if safety is None:
            return suggestions
        lang = self.lang
        if Intent.SELF_HARM in signals.intents:
            care = safety.self_harm.say.get(lang) or safety.self_harm.say.get("en", "")
            return (self._own_line("care", care, "care_why"),)
        if Intent.THREAT_VIOLENCE in signals.intents:
            calm = safety.violence.say.get(lang) or safety.violence.say.get("en", "")
            return (self._own_line("safety", calm, "safety_why"), *suggestions)
        return suggestions

    def _own_line(self, step: str, line: str, why: str) -> Suggestion:
        """A suggestion of the playbook's own line (not a phrasebook's variant)."""
        texts = (Text(why),)
        return Suggestion(step=step, text=line, why=texts[0].render(self._ui_lang), why_texts=texts)

    def _on_agent_text(self, event: AgentSaid, turn: int) -> Guidance:
        heard = [h for h in event.heard if (turn, h.step) not in self._undone]
        outcome = agent_turn(self._state, self._policy, heard, event.said)
        found = wording_alerts(event.text, self.playbook, self.lang, self._ui_lang)
        suggestions: tuple[Suggestion, ...] = ()
        if outcome.suggest:
            suggestions = self._stage_suggestions(outcome.stage)
        elif outcome.keep_previous:
            said = self._state.said
            suggestions = tuple(s for s in self._offered if s.text not in said)
        notes = tuple(self._heard_step(turn, h) for h in heard)
        return self._guidance(suggestions, found, None, heard=notes)

    def _on_undo(self, event: StepUndone) -> Guidance:
        """Replay every event without the step taken back; the guidance is the step now due."""
        self._undone.add((event.turn, event.step))
        self._replay()
        self._state.actions += 1
        target = self._events[event.turn - 1]
        assert isinstance(target, AgentSaid)
        heard = next(h for h in target.heard if h.step is event.step)
        note = self._heard_step(event.turn, heard, undone=True)
        return self._guidance(self._stage_suggestions(self._state.stage), [], None, heard=(note,))

    def _replay(self) -> None:
        """Rebuild the state from the events before the latest one, without the undone steps
        (an event is replayed as it was first taken; no analysis runs again)."""
        self._state = CallState()
        self._lang = self._fixed_lang
        self._offered = ()
        self._replaying = True
        try:
            for index, event in enumerate(self._events[:-1], start=1):
                if isinstance(event, StepUndone):
                    self._state.actions += 1
                else:
                    self._apply(event, index)
        finally:
            self._replaying = False

    def _heard_step(self, turn: int, heard: Heard, *, undone: bool = False) -> HeardStep:
        if undone:
            text = Text("heard_undone", {"step": heard.step.value})
        else:
            text = Text(f"heard.{heard.step.value}", {"evidence": heard.evidence})
        action = heard.action
        return HeardStep(
            turn=turn,
            step=heard.step.value,
            evidence=heard.evidence,
            message=text.render(self._ui_lang),
            action=action.value if action else None,
            undone=undone or (turn, heard.step) in self._undone,
            text=text,
        )

    def _on_action(self, event: AgentDid) -> Guidance:
        before = self._state.stage
        stage = agent_action(self._state, self._policy, event.action)
        alerts: list[Alert] = []
        suggestions: tuple[Suggestion, ...] = ()
        if self._state.ended and event.action in (Action.CALL_ENDED, Action.TRANSFERRED):
            alerts.extend(break_alert(self.summary().break_minutes, self._ui_lang))
        elif stage is not before:
            suggestions = self._stage_suggestions(stage)
        return self._guidance(suggestions, alerts, None)

    # -- building guidance --------------------------------------------------------------------

    def _transfer_possible(self) -> bool:
        return self._state.transfer_possible(self._policy)

    @property
    def _ui_lang(self) -> str:
        return self.ui_lang or self.playbook.default_language

    def _detect_language(self, text: str, signals: Signals) -> None:
        clear = len(text.split()) >= _MIN_WORDS_TO_DETECT
        if self._lang is None and clear and signals.lang in self.playbook.languages:
            self._lang = signals.lang

    def _stage_suggestions(self, stage: Stage) -> tuple[Suggestion, ...]:
        if stage is Stage.RESOLVE:
            return self._resolve_suggestions()
        if stage is Stage.CLARIFY and not self._state.facts:
            # Nothing to restate yet: ask the playbook's intake questions, one at a time.
            return self._suggest(phrases.INTAKE_QUESTION, messages.why_key(stage))
        suggestions = self._suggest(stage, messages.why_key(stage))
        if stage is Stage.LISTEN:
            suggestions += self._suggest(phrases.LISTENING_SIGNAL, "listening_signal_why")
        return suggestions

    def _resolve_suggestions(self) -> tuple[Suggestion, ...]:
        category = self._category()
        at_fault = category is not None and not phrases.blames_self(self._state.texts)
        note = "apology_why" if at_fault else "no_apology_why"
        if at_fault and self._state.apologised:  # the agent has apologised: not twice
            at_fault, note = False, "already_apologised_why"
        return self._suggest(Stage.RESOLVE, messages.why_key(Stage.RESOLVE), note, apology=at_fault)

    def _suggest(
        self,
        step: Stage | str,
        *why: str,
        apology: bool | None = None,
    ) -> tuple[Suggestion, ...]:
        key = str(step)
        occurrence = self._state.suggested[key]
        options = phrases.variants(self.playbook, step, self.lang)
        choice = phrases.choose(
            options,
            occurrence,
            self._values(),
            self.lang,
            apology=apology,
            said=self._state.said,
        )
        if choice is None:
            return ()
        self._state.suggested[key] += 1
        texts = tuple(Text(k) for k in why)
        shown = " ".join(t.render(self._ui_lang) for t in texts)
        return (Suggestion(step=key, text=choice.text, why=shown, why_texts=texts),)

    def _values(self) -> LazyValues:
        """Placeholder values, each computed only if a phrase asks for it."""
        lang = self.lang
        return LazyValues(
            {
                "agent_name": lambda: self.agent_name,
                # a fact the agent already restated is not suggested again
                "facts": lambda: phrases.render_facts(self._state.unrestated_facts(), lang) or None,
                "amount": lambda: self._refund_amount(lang),
                "deadline": lambda: self._deadline(lang),
                "team": lambda: self._team(lang),
                "channel": lambda: phrases.render_channel(self.channel, lang),
            }
        )

    def _team(self, lang: str) -> str | None:
        category = self._category()
        if category is None:
            return None
        try:
            names = self.playbook.team(category.team).name
        except KeyError:
            return None
        return names.get(lang) or names.get(self.playbook.default_language)

    def _refund_amount(self, lang: str) -> str | None:
        category = self._category()
        if category is None:
            return None
        refund = refund_within_agent_limit(self.playbook, category, self._state.facts)
        return (
            None
            if refund is None
            else phrases.render_amount(str(refund), self.playbook.currency, lang)
        )

    def _deadline(self, lang: str) -> str | None:
        """The date of the category's internal resolution target, counted in business time from
        the start of the call (the legal maximum is later; the cases module tracks both)."""
        category = self._category()
        if category is None:
            return None
        due = resolution_due(self.started_at, category, self.playbook)
        return phrases.render_date(due, lang, today=self.started_at.date())

    def _category(self) -> Category | None:
        """The suggested category, recomputed only when the customer said something new (a
        replay after an undo keeps the one of the whole call: the texts are the same)."""
        texts = self._state.texts
        if self._replaying:
            return self._category_cached
        if self._category_at != len(texts):
            self._suggester.add(texts[self._category_at :])
            best = self._suggester.best()
            self._category_cached = (
                self.playbook.category(best.category) if best.confident else None
            )
            self._category_at = len(texts)
        return self._category_cached

    def _guidance(
        self,
        suggestions: tuple[Suggestion, ...],
        alerts: list[Alert],
        signals: Signals | None,
        *,
        heard: tuple[HeardStep, ...] = (),
    ) -> Guidance:
        state = self._state
        if suggestions:
            self._offered = suggestions
        may_end, reason_key = end_call_verdict(state, self._policy)
        params: dict[str, messages.Param] = {}
        if reason_key == "warnings":
            params = {"needed": self._policy.warnings_before_end, "given": state.warnings}
        elif reason_key == "ladder":
            params = {"rung": state.rung.value if state.rung else "-"}
        reason = Text(f"end_call_reasons.{reason_key}", params)
        category = self._category()
        return Guidance(
            turn=len(self._events),
            stage=state.stage,
            suggestions=suggestions,
            alerts=tuple(alerts),
            may_end_call=may_end,
            end_call_reason=reason.render(self._ui_lang),
            end_call_text=reason,
            rung=state.rung,
            lang=self.lang,
            signals=signals,
            facts=tuple(state.facts),
            category=category.key if category else None,
            end_outcome=outcome_if_ended(state),
            heard=heard,
        )


class LazyValues(Mapping[str, str | None]):
    """A mapping whose values are computed on first access and kept."""

    def __init__(self, factories: dict[str, Callable[[], str | None]]) -> None:
        self._factories = factories
        self._values: dict[str, str | None] = {}

    def __getitem__(self, key: str) -> str | None:
        if key not in self._values:
            self._values[key] = self._factories[key]()
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)


def resolution_due(start: datetime, category: Category, playbook: Playbook) -> date:
    """The day the category's internal resolution target falls due, in business time."""
    return business_deadline(start, category.kpi.resolution, playbook.calendar).date()
