"""The live de-escalation coach: a replayable state machine over a call's events that says which
step comes next, what to say (from the playbook, in the customer's language) and whether the call
may be ended. Pure: no database, no HTTP."""

from calmdesk.coach.conversation import Conversation
from calmdesk.coach.events import (
    AgentDid,
    AgentSaid,
    CustomerSaid,
    Event,
    event_from_dict,
    signals_from_dict,
)
from calmdesk.coach.guidance import Alert, Guidance, Suggestion
from calmdesk.coach.stages import LADDER, Action, AlertKind, parse_action
from calmdesk.coach.summary import CallSummary, TransferOutcome
from calmdesk.playbook.schema import Stage

__all__ = [
    "LADDER",
    "Action",
    "AgentDid",
    "AgentSaid",
    "Alert",
    "AlertKind",
    "CallSummary",
    "Conversation",
    "CustomerSaid",
    "Event",
    "Guidance",
    "Stage",
    "Suggestion",
    "TransferOutcome",
    "event_from_dict",
    "parse_action",
    "signals_from_dict",
]
