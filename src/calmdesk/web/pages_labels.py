"""Interface labels for the domain's vocabularies (stages, alerts, actions, statuses), as
msgids marked with ``N_`` so ``pybabel extract -k N_`` finds them; translated when rendered."""

from __future__ import annotations

from collections.abc import Callable, Mapping


def N_(message: str) -> str:
    return message


STAGES: dict[str, str] = {
    "listen": N_("Listen"),
    "acknowledge": N_("Empathy, give your name"),
    "clarify": N_("Pin down the facts"),
    "set_boundary": N_("State the limits"),
    "warn": N_("Warn of the consequence"),
    "silent_record": N_("Silence, note every word"),
    "transfer": N_("Transfer"),
    "end_call": N_("End the call"),
    "resolve": N_("Resolve"),
    "close": N_("Close"),
}

ALERTS: dict[str, str] = {
    "abuse": N_("Abuse"),
    "supervisor_requested": N_("Supervisor requested"),
    "threat_public": N_("Threatens to go public"),
    "threat_legal": N_("Threatens legal action"),
    "churn_risk": N_("May leave us"),
    "negative_wording": N_("Negative wording in your line"),
    "risky_promise": N_("Risky promise in your line"),
    "break_recommended": N_("Break recommended"),
    "ended_without_permission": N_("Call ended before the rules allowed it"),
    "break_requested": N_("Asks for a break"),
    "threat_violence": N_("Threat of violence"),
    "self_harm": N_("Risk of self-harm"),
    "rung_climbed": N_("Climbed a rung"),
}

OUTCOMES: dict[str, str] = {
    "hang_up": N_("Hang-up after abuse"),
    "closed": N_("Closed normally"),
    "transferred": N_("Transferred"),
    "timed_out": N_("Timed out: no line for too long"),
}
"""How a contact ended (``CallSummary.ended``)."""

ACTIONS: dict[str, str] = {
    "boundary_stated": N_("Boundary stated"),
    "warning_given": N_("Warning given"),
    "transfer_offered": N_("Transfer offered"),
    "transfer_failed": N_("Transfer failed"),
    "transferred": N_("Transfer done"),
    "call_ended": N_("Call ended"),
}

LEVELS: dict[str, str] = {
    "calm": N_("calm"),
    "upset": N_("upset"),
    "angry": N_("angry"),
    "abusive": N_("abusive"),
}

CASE_STATUSES: dict[str, str] = {
    "received": N_("Received"),
    "acknowledged": N_("Acknowledged"),
    "in_progress": N_("In progress"),
    "waiting_customer": N_("Waiting for the customer"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
}

CHANNELS: dict[str, str] = {
    "phone": N_("Phone"),
    "chat": N_("Chat"),
    "email": N_("E-mail"),
    "social": N_("Social media"),
    "in_person": N_("In person"),
    "internal": N_("Internal"),
}

COMPENSATION_STATUSES: dict[str, str] = {
    "granted": N_("Granted"),
    "pending": N_("Waiting for approval"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "appealed": N_("Rejection answered, waiting for the supervisor"),
}

COMPENSATION_KINDS: dict[str, str] = {
    "refund": N_("Refund"),
    "discount_percent": N_("Discount (%)"),
    "voucher": N_("Voucher"),
    "gift": N_("Gift"),
}

CASE_EVENTS: dict[str, str] = {
    "created": N_("Recorded"),
    "status_changed": N_("Status changed"),
    "updated": N_("Corrected"),
    "customer_informed": N_("Customer informed"),
    "customer_wrote": N_("The customer wrote"),
    "compensation_proposed": N_("Compensation proposed"),
    "compensation_granted": N_("Compensation granted"),
    "compensation_approved": N_("Compensation approved"),
    "compensation_rejected": N_("Compensation rejected"),
    "compensation_appealed": N_("Rejection answered by the agent"),
    "approval_overridden": N_("Supervisor's override: compensation still awaiting approval"),
    "sla_warning": N_("Internal target near"),
    "sla_breached": N_("Internal target missed"),
    "legal_deadline_risk": N_("Legal deadline at risk"),
    "legal_deadline_missed": N_("Legal deadline missed"),
    "personal_data_erased": N_("Personal data erased"),
}

FACT_KINDS: dict[str, str] = {
    "amount": N_("Amount"),
    "date": N_("Date"),
    "duration": N_("Duration"),
    "order": N_("Order"),
    "invoice": N_("Invoice"),
    "ticket": N_("Ticket"),
    "phone": N_("Phone"),
}

SPEAKERS: dict[str, str] = {"customer": N_("Customer"), "agent": N_("Agent")}

CUSTOMER_ANSWERS: dict[str, str] = {
    "accepted": N_("Accepted the solution"),
    "rejected": N_("Rejected the solution"),
    "no_answer": N_("No answer"),
}
"""The customer's answer to the solution proposed when a case is resolved."""

SIDES: dict[str, str] = {"agent": N_("Agent"), "supervisor": N_("Supervisor")}
"""The two sides of an exchange about a compensation."""


def translated(table: Mapping[str, str], gettext: Callable[[str], str]) -> dict[str, str]:
    """The table with each label in the page language."""
    return {key: gettext(label) for key, label in table.items()}


def label(table: Mapping[str, str], key: object, gettext: Callable[[str], str]) -> str:
    """One label; an unknown key is shown as it is (escaped by the template)."""
    text = str(key)
    return gettext(table[text]) if text in table else text
