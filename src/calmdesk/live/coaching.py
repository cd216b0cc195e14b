"""The coach behind each live contact: rebuilt from stored events and cached between turns (its
guidance becomes a wire message in :mod:`calmdesk.live.wire`).

A worker keeps the ``Conversation`` of each recent contact in :class:`ConversationCache`, keyed by
the contact's event count. A turn whose count matches the cache costs one analysis; anything else
(another worker took the previous turn, the process restarted, a failed commit) rebuilds the
conversation from the stored events, which is exact because the coach is deterministic and the
stored events keep the analysis they were judged on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic_core import to_jsonable_python

from calmdesk.coach import Conversation
from calmdesk.coach.events import (
    AgentDid,
    AgentSaid,
    CustomerSaid,
    Event,
    StepUndone,
    event_from_dict,
)
from calmdesk.coach.messages import CHANNELS as COACH_CHANNELS
from calmdesk.coach.messages import UI_LANGUAGES
from calmdesk.live.models import COACH_EVENT_KINDS, Contact, ContactEvent, EventKind
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User

DEFAULT_CACHE_SIZE = 2048


@lru_cache(maxsize=8)
class ConversationCache:
    """A small LRU of conversations, each valid for exactly one event count.

    :meth:`take` removes the entry, so two threads never advance the same conversation at once;
    the turn puts it back under its new count.
    """

    def __init__(self, capacity: int = DEFAULT_CACHE_SIZE) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[int, tuple[int, Conversation]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, contact_id: int, event_count: int) -> Conversation | None:
        with self._lock:
            entry = self._entries.pop(contact_id, None)
        if entry is None or entry[0] != event_count:
            return None
        return entry[1]

    def put(self, contact_id: int, event_count: int, conversation: Conversation) -> None:
        with self._lock:
            self._entries[contact_id] = (event_count, conversation)
            self._entries.move_to_end(contact_id)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def forget(self, contact_id: int) -> None:
        with self._lock:
            self._entries.pop(contact_id, None)

    def __len__(self) -> int:
        return len(self._entries)


def coach_event(event: ContactEvent) -> Event:
    """A stored contact event as the coach's event."""
    if event.kind == EventKind.CUSTOMER_SAID and event.signals is not None:
        return event_from_dict({"type": event.kind, "text": event.text, "signals": event.signals})
    if event.kind == EventKind.AGENT_SAID:
        # the steps heard in the agent's line, as heard then (none for lines stored before)
        hearing = event.signals or {}
        return event_from_dict({"type": event.kind, "text": event.text, **hearing})
    if event.kind == EventKind.STEP_UNDONE:
        turn = (event.signals or {}).get("turn")
        return event_from_dict({"type": event.kind, "turn": turn, "step": event.action})
    return event_from_dict({"type": event.kind, "text": event.text, "action": event.action})


def rebuild(
    contact: Contact,
    events: Sequence[ContactEvent],
    *,
    playbook: Playbook,
    agent: User | None,
) -> Conversation:
    """The contact's conversation, replayed from its stored events (no analysis is re-run)."""
    coached = [coach_event(e) for e in events if e.kind in COACH_EVENT_KINDS]
    return Conversation.from_events(playbook, coached, **_options(contact, agent))


def _options(contact: Contact, agent: User | None) -> dict[str, Any]:
    # The coach's ``channel`` is how the company follows up; a contact on a channel the coach
    # has no wording for (internal) is followed up by phone.
    channel = contact.channel if contact.channel in COACH_CHANNELS else "phone"
    ui_lang = str(agent.language) if agent is not None else None
    return {
        "lang": contact.lang,
        "agent_name": agent.display_name if agent is not None else None,
        "can_transfer": contact.can_transfer,
        "channel": channel,
        # The same start on every rebuild: the deadline dates told to the customer derive
        # from it, so a replay gives the very guidance the agent saw.
        "started_at": contact.started_at,
        # The agent's own language for the explanations and alerts.
        "ui_lang": ui_lang if ui_lang in UI_LANGUAGES else None,
    }


def stored_fields(event: Event) -> dict[str, Any]:
    """The columns of a :class:`ContactEvent` for the coach's latest event."""
    if isinstance(event, CustomerSaid):
        return {
            "kind": EventKind.CUSTOMER_SAID,
            "text": event.text,
            "signals": jsonable(event.signals.to_dict()),
        }
    if isinstance(event, AgentSaid):
        # what was heard in the line, stored like a customer's signals (nothing: no column)
        hearing = event.hearing() if event.heard or event.said else None
        return {"kind": EventKind.AGENT_SAID, "text": event.text, "signals": hearing}
    if isinstance(event, AgentDid):
        return {"kind": EventKind.AGENT_DID, "action": event.action.value}
    if isinstance(event, StepUndone):
        return {
            "kind": EventKind.STEP_UNDONE,
            "action": event.step.value,
            "signals": {"turn": event.turn},
        }
    raise TypeError(f"unknown coach event {event!r}")


def jsonable(value: Any) -> Any:
    """Enums, dataclasses, decimals, dates and sets as plain JSON values."""
    return to_jsonable_python(value)
