"""The cases domain's errors (rendered by the API as ``{"code", "message", ...}``)."""

from __future__ import annotations

from typing import Any

from calmdesk.cases.contacts import ContactProblem
from calmdesk.cases.flows import InvalidTransition
from calmdesk.errors import Conflict, InvalidInput, NotFound
from calmdesk.texts import load_texts

ERRORS = load_texts("calmdesk.cases").table("errors")

__all__ = [
    "CaseClosed",
    "CaseNotFound",
    "CompensationAlreadyAppealed",
    "CompensationAwaitsApproval",
    "CompensationNotAllowed",
    "CompensationNotFound",
    "CompensationNotPending",
    "CompensationNotRejected",
    "CustomerAnswerRequired",
    "InvalidCaseInput",
    "InvalidCustomerContact",
    "InvalidTransition",
]


class CaseNotFound(NotFound):
    code = "case_not_found"


class CompensationNotFound(NotFound):
    code = "compensation_not_found"


class CompensationNotPending(Conflict):
    code = "compensation_not_pending"


class InvalidCaseInput(InvalidInput):
    """A value the schema accepts but the playbook does not (an unknown category, say).
    ``field`` names it, like a validation error."""

    code = "validation_error"


class CompensationNotAllowed(InvalidInput):
    code = "compensation_not_allowed"


class CaseClosed(Conflict):
    """A closed case takes no new compensation (reopen it first)."""

    code = "case_closed"


class CompensationAwaitsApproval(Conflict):
    """The case cannot be resolved or closed while a compensation waits for a supervisor
    (``compensation_ids``); a supervisor may override with a reason."""

    code = "compensation_awaits_approval"


class CompensationNotRejected(Conflict):
    code = "compensation_not_rejected"


class CompensationAlreadyAppealed(Conflict):
    code = "compensation_already_appealed"


class _Worded:
    """An error whose words for people are in ``cases/texts`` under ``words_key``."""

    fields: dict[str, Any]

    @property
    def words_key(self) -> str:
        raise NotImplementedError

    def localized(self, lang: str) -> str:
        texts = ERRORS[self.words_key]
        return texts.get(lang, texts["en"]).format(**self.fields)


class InvalidCustomerContact(_Worded, InvalidInput):
    """``customer_contact`` is missing where the channel needs one, or is no phone number,
    e-mail address or (chat, social) ``platform:handle``; ``reason`` says which."""

    code = "customer_contact_invalid"

    def __init__(self, problem: ContactProblem, contact: str | None) -> None:
        shown = contact or ""
        words = ERRORS[f"{self.code}.{problem.value}"]["en"].format(contact=shown)
        super().__init__(words, field="customer_contact", reason=problem.value, contact=shown)

    @property
    def words_key(self) -> str:
        return f"{self.code}.{self.fields['reason']}"


class CustomerAnswerRequired(_Worded, InvalidInput):
    """Resolving records the customer's answer to the proposed solution."""

    code = "customer_answer_required"

    def __init__(self) -> None:
        super().__init__(ERRORS[self.code]["en"], field="customer_answer")

    @property
    def words_key(self) -> str:
        return self.code
