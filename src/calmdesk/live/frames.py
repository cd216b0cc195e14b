"""The WebSockets' own frames: what a client sends (validated into :data:`ContactFrame` or
:data:`BoardFrame` before anything runs), and what only a socket answers (``snapshot``,
``pong``, ``error``). The pushed messages are in :mod:`calmdesk.live.wire`.

A frame is a JSON object of at most :data:`MAX_FRAME_CHARS` characters nested at most
:data:`MAX_FRAME_DEPTH` levels; the depth is counted before the JSON is parsed, so a frame of a
thousand nested arrays is refused like any other bad frame instead of exhausting the parser's
recursion.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    Field,
    PlainValidator,
    Strict,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.coach.heard import Step
from calmdesk.errors import CalmDeskError
from calmdesk.live import wire_examples as ex
from calmdesk.live.schemas import ContactRead
from calmdesk.live.wire import (
    AlertMessage,
    BreakGrantedMessage,
    ContactUpdateMessage,
    Speaker,
    StoredGuidance,
    WireModel,
    examples,
)

MAX_FRAME_CHARS = 20_000
MAX_FRAME_DEPTH = 4
"""A client frame is one object of plain values: depth 1. Anything deeper is refused unread."""
MAX_REF_CHARS = 100
MAX_REF = 2**53
"""The largest integer a browser's JSON keeps exactly."""


def _checked_ref(value: object) -> str | int | None:
    if value is None or (isinstance(value, str) and len(value) <= MAX_REF_CHARS):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_REF:
        return value
    raise ValueError(
        f"a ref is a string of at most {MAX_REF_CHARS} characters or an integer (|n| <= 2**53)"
    )


Ref = Annotated[
    str | int | None,
    PlainValidator(_checked_ref),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": MAX_REF_CHARS},
                {"type": "integer", "minimum": -MAX_REF, "maximum": MAX_REF},
                {"type": "null"},
            ],
            "description": "yours: it comes back in this frame's error, or its pong",
        }
    ),
]


# -- client to server -------------------------------------------------------------------------


class UtteranceFrame(BaseModel):
    """A line of the customer or of the agent: the coach answers with a ``guidance``."""

    model_config = examples(
        [
            {"type": "utterance", "speaker": e["speaker"], "text": e["text"], "ref": ref}
            for e, ref in zip(ex.UTTERANCES, ("l1", 2, None), strict=True)
        ]
    )

    type: Literal["utterance"]
    speaker: Speaker
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    ref: Ref = None


class ActionFrame(BaseModel):
    """What the agent did (as ``POST .../actions``): a ``guidance``; ``call_ended`` also ends."""

    model_config = examples(
        [
            {"type": "action", "action": a["action"], "ref": ref}
            for a, ref in zip(ex.ACTIONS, ("a1", None, 7), strict=True)
        ]
    )

    type: Literal["action"]
    action: str = Field(min_length=1, max_length=40)
    ref: Ref = None


class UndoFrame(BaseModel):
    """Take back a step heard in the agent's words (as ``POST .../undo``): a ``guidance``."""

    model_config = examples(
        [
            {"type": "undo", **u, "ref": ref}
            for u, ref in zip(ex.UNDOS, ("u1", None, 3), strict=True)
        ]
    )

    type: Literal["undo"]
    seq: Annotated[int, Strict()] = Field(ge=1, le=2**31 - 1)
    step: Step
    ref: Ref = None


class EndFrame(BaseModel):
    """End the contact: a ``summary``."""

    model_config = examples(
        [{"type": "end", "ref": "koniec"}, {"type": "end", "ref": "конец"}, {"type": "end"}]
    )

    type: Literal["end"]
    ref: Ref = None


class PingFrame(BaseModel):
    """Is the socket alive? A ``pong``."""

    model_config = examples(
        [{"type": "ping", "ref": "pl-1"}, {"type": "ping", "ref": "ru-1"}, {"type": "ping"}]
    )

    type: Literal["ping"]
    ref: Ref = None


TurnFrame = UtteranceFrame | ActionFrame | UndoFrame | EndFrame
ContactFrame = Annotated[TurnFrame | PingFrame, Field(discriminator="type")]
BoardFrame = PingFrame
AgentFrame = PingFrame

CONTACT_FRAME: TypeAdapter[ContactFrame] = TypeAdapter(ContactFrame)
BOARD_FRAME: TypeAdapter[BoardFrame] = TypeAdapter(BoardFrame)
CONTACT_FRAME_TYPES = ("utterance", "action", "undo", "end", "ping")


# -- server to client, from the socket itself -------------------------------------------------


class ContactSnapshot(WireModel):
    """``snapshot`` on ``/ws/contacts/{id}``: the contact and its latest guidance (or null)."""

    model_config = examples(
        [
            {"type": "snapshot", "contact": contact, "guidance": guidance}
            for contact, guidance in zip(
                ex.CONTACTS, [ex.GUIDANCE_RECORDS[0], ex.ERASED_GUIDANCE[1], None], strict=True
            )
        ]
    )

    type: Literal["snapshot"] = "snapshot"
    contact: ContactRead
    guidance: StoredGuidance | None = None


class BoardSnapshot(WireModel):
    """``snapshot`` on ``/ws/board``: every live contact, the breaks not yet granted and today's
    stored alerts (loudest first, with who acknowledged each)."""

    model_config = examples(
        [
            {
                "type": "snapshot",
                "contacts": ex.CONTACT_UPDATES,
                "breaks_pending": [],
                "alerts": ex.ALERT_MESSAGES,
            },
            {
                "type": "snapshot",
                "contacts": ex.CONTACT_UPDATES[1:],
                "breaks_pending": [],
                "alerts": ex.RUNG_CLIMBS,
            },
            {
                "type": "snapshot",
                "contacts": [],
                "breaks_pending": ex.CONTACT_UPDATES[2:],
                "alerts": [],
            },
        ]
    )

    type: Literal["snapshot"] = "snapshot"
    contacts: list[ContactUpdateMessage]
    breaks_pending: list[ContactUpdateMessage]
    alerts: list[AlertMessage] = Field(default_factory=list)


class AgentSnapshot(WireModel):
    """``snapshot`` on ``/ws/agent`` (the signed-in agent's own socket): the break granted to
    them while it still runs, or null. ``break_granted`` messages follow as they come."""

    model_config = examples(
        [
            {"type": "snapshot", "break_granted": ex.BREAKS_GRANTED[0]},
            {"type": "snapshot", "break_granted": ex.BREAKS_GRANTED[1]},
            {"type": "snapshot", "break_granted": None},
        ]
    )

    type: Literal["snapshot"] = "snapshot"
    break_granted: BreakGrantedMessage | None = None


class PongMessage(WireModel):
    """``pong``: the answer to ``ping``."""

    model_config = examples(
        [
            {"type": "pong", "ref": "pl-1"},
            {"type": "pong", "ref": "ru-1"},
            {"type": "pong", "ref": None},
        ]
    )

    type: Literal["pong"] = "pong"
    ref: str | int | None = None


_ERROR_FIELDS = (
    "retry_after_seconds",
    "limit",
    "limit_requests",
    "limit_window_seconds",
    "limit_scope",
)
_NO_FIELDS: dict[str, Any] = {"type": "error", "ref": None} | dict.fromkeys(_ERROR_FIELDS)
RATE_LIMITED_EXAMPLE = (
    "Too many requests: the limit is 30 per 60 s per API token; try again in 12 s."
)


class ErrorMessage(WireModel):
    """``error``: a refused frame; the socket stays open. ``message`` is for people (English,
    as the REST errors); ``code`` is stable."""

    model_config = examples(
        [
            {**_NO_FIELDS, "code": "contact_ended", "message": "Contact 1 has ended.", "ref": "l1"},
            {
                **_NO_FIELDS,
                "code": "frame_too_deep",
                "message": f"A frame nests at most {MAX_FRAME_DEPTH} levels of objects and arrays.",
            },
            {
                **_NO_FIELDS,
                "code": "database_busy",
                "message": "The database is busy; nothing was stored. Send it again in a moment.",
                "ref": 2,
                "retry_after_seconds": 1.0,
            },
            {
                **_NO_FIELDS,
                "code": "rate_limited",
                "message": RATE_LIMITED_EXAMPLE,
                "ref": "l9",
                "retry_after_seconds": 12.0,
                "limit": "30 per 60 s per API token",
                "limit_requests": 30,
                "limit_window_seconds": 60,
                "limit_scope": "token",
            },
        ]
    )

    type: Literal["error"] = "error"
    code: str = Field(
        description="bad_frame, bad_json, frame_too_large, frame_too_deep, "
        "unknown_type, invalid_message, or a code of the REST errors"
    )
    message: str
    ref: str | int | None = None
    retry_after_seconds: float | None = Field(
        None, description="with database_busy and rate_limited: send the frame again after that"
    )
    limit: str | None = Field(None, description="with rate_limited: the limit, in words")
    limit_requests: int | None = None
    limit_window_seconds: int | None = None
    limit_scope: str | None = Field(None, description="with rate_limited: token or user")

    @classmethod
    def of(
        cls, error: CalmDeskError, *, ref: str | int | None, message: str | None = None
    ) -> ErrorMessage:
        """A refused turn's error, with the fields of it a client acts on; ``message`` in the
        reader's language when given."""
        kept = {name: error.fields[name] for name in _ERROR_FIELDS if name in error.fields}
        if not isinstance(kept.get("limit"), str):  # text_too_long's limit is its length
            kept.pop("limit", None)
        return cls.model_validate(
            {"code": error.code, "message": message or error.message, "ref": ref, **kept}
        )


SocketMessage = ContactSnapshot | BoardSnapshot | AgentSnapshot | PongMessage | ErrorMessage


# -- reading a frame --------------------------------------------------------------------------


class FrameRefused(Exception):
    """A frame the socket answers with ``error`` (and nothing else happens)."""

    def __init__(self, code: str, message: str, ref: str | int | None = None) -> None:
        super().__init__(message)
        self.error = ErrorMessage(code=code, message=message, ref=ref)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NESTING = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """How deep ``text``'s arrays and objects nest, counted without parsing it (strings, and
    any brackets inside them, are skipped)."""
    depth = deepest = 0
    for bracket in _NESTING.findall(_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _ref(frame: dict[str, Any]) -> str | int | None:
    """The frame's ``ref`` when it is one we can echo (a short string or a safe integer)."""
    try:
        return _checked_ref(frame.get("ref"))
    except ValueError:
        return None


def _problems(error: ValidationError, kind: str) -> str:
    """Each bad field and why (the union's tag, the frame's type, is left out of the path)."""
    problems = []
    for e in error.errors(include_input=False, include_url=False):
        loc = e["loc"][1:] if e["loc"][:1] == (kind,) else e["loc"]
        problems.append(f"{'.'.join(str(p) for p in loc) or 'frame'}: {e['msg']}")
    return "; ".join(problems)


FrameT = TypeVar("FrameT")


def read_frame(text: str | None, adapter: TypeAdapter[FrameT], types: tuple[str, ...]) -> FrameT:
    """The client's frame as its model, or :class:`FrameRefused` naming the problem."""
    if text is None:
        raise FrameRefused("bad_frame", "Send JSON text frames, not binary.")
    if len(text) > MAX_FRAME_CHARS:
        raise FrameRefused("frame_too_large", f"A frame is at most {MAX_FRAME_CHARS} characters.")
    if nesting_depth(text) > MAX_FRAME_DEPTH:
        raise FrameRefused(
            "frame_too_deep",
            f"A frame nests at most {MAX_FRAME_DEPTH} levels of objects and arrays.",
        )
    try:
        frame = json.loads(text)
    except ValueError as error:
        raise FrameRefused("bad_json", f"The frame is not JSON: {error}.") from None
    if not isinstance(frame, dict):
        raise FrameRefused("bad_json", "A frame is a JSON object with a 'type'.")
    ref = _ref(frame)
    kind = frame.get("type")
    if kind not in types:
        raise FrameRefused("unknown_type", f"Unknown type {kind!r}; use {', '.join(types)}.", ref)
    try:
        return adapter.validate_python(frame)
    except ValidationError as error:
        raise FrameRefused("invalid_message", _problems(error, kind), ref) from None
