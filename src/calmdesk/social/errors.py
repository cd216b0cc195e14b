"""The social domain's errors (rendered by the API as ``{"code", "message", ...}``)."""

from __future__ import annotations

from calmdesk.errors import Conflict, InvalidInput, NotFound


class PostNotFound(NotFound):
    code = "social_post_not_found"


class PromiseNotFound(NotFound):
    code = "social_promise_not_found"


class InvalidSocialInput(InvalidInput):
    """A value the schema accepts but the domain does not (a promise due in the past, say);
    ``field`` names it, like a validation error."""

    code = "validation_error"


class AlreadyEscalated(Conflict):
    code = "already_escalated"


class PromiseAlreadyKept(Conflict):
    code = "promise_already_kept"


class PostResolved(Conflict):
    code = "post_resolved"


class OpenPromises(Conflict):
    """A post cannot be closed while something promised in public is still undone."""

    code = "open_promises"


class ReplyReadsAsTemplate(Conflict):
    """A reply that is the 5P draft unedited or a copy of another recent public reply; the
    handler edits it or sends it again with ``confirm_template``."""

    code = "reply_reads_as_template"
