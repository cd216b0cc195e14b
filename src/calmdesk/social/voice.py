"""A human voice in public: a reply that reads as a pasted template is flagged before it is
published, and a name closes every reply.

Two templates are caught (seed 003: show a person, not a pasted text):

* the 5P draft unedited: nearly every character of the reply comes from sentences the draft
  offers for this post, whichever variant they came from (:data:`DRAFT_SHARE`);
* a copy of another public reply of the last :data:`TEMPLATE_WINDOW`: the two texts, without
  their signatures, are (near-)identical (:data:`SIMILARITY`, difflib's ratio on the words).

The handler edits it, or confirms it (``confirm_template``), and the confirmation is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.playbook.schema import Playbook
from calmdesk.social.drafts import DraftPost, every_draft_sentence
from calmdesk.social.enums import PostEventKind
from calmdesk.social.models import PostEvent, PublicPost
from calmdesk.users.models import User

TEMPLATE_WINDOW = timedelta(days=30)
SIMILARITY = 0.9
"""From this ratio on, two replies are the same text (a changed name or order number aside)."""
DRAFT_SHARE = 0.85
"""From this share of its characters coming from the draft's sentences, a reply is the draft."""
RECENT_LIMIT = 2_000
"""The most recent replies compared (a busy team's month, bounded)."""
HANDLER_MARK = "— "

Reason = Literal["unedited_draft", "same_as_recent_reply"]
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class TemplateFinding:
    reason: Reason
    similarity: float
    """The share of the draft in the reply, or the ratio to the other reply."""
    other_post_id: int | None = None
    """The post whose reply this one repeats."""


def normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def signature_for(playbook: Playbook | None, actor: User | None, lang: str) -> str | None:
    """What closes a reply: the team's signature when the playbook has one
    (``public.signature``), else the handler's name, else nothing (a system reply)."""
    if playbook is not None:
        team = playbook.public.signature
        text = team.get(lang) or team.get(playbook.default_language)
        if text:
            return text.strip()
    if actor is not None and actor.display_name.strip():
        return HANDLER_MARK + actor.display_name.strip()
    return None


def signed(text: str, signature: str | None) -> str:
    """``text`` closed by ``signature`` (left as it is when it already ends with it)."""
    body = text.rstrip()
    if not signature or normalised(body).endswith(normalised(signature)):
        return body
    return f"{body}\n{signature}"


def unsigned(text: str, signature: str | None) -> str:
    body = text.rstrip()
    if signature and body.endswith(signature):
        return body[: -len(signature)].rstrip()
    return body


def draft_share(text: str, sentences: list[str]) -> float:
    """The share of ``text``'s letters and digits that are sentences of the draft."""
    rest = normalised(text)
    total = len(rest.replace(" ", ""))
    if total == 0:
        return 0.0
    for sentence in sorted({normalised(s) for s in sentences if s.strip()}, key=len, reverse=True):
        if sentence:
            rest = rest.replace(sentence, " ")
    return 1 - len(rest.replace(" ", "")) / total


def find_template(
    session: Session,
    *,
    post: PublicPost,
    text: str,
    playbook: Playbook | None,
    now: datetime,
) -> TemplateFinding | None:
    """Why ``text`` (unsigned) reads as a pasted template, or ``None``."""
    if playbook is not None:
        draft_post = DraftPost(
            post.id, post.lang, post.author_handle, post.text, post.resolution_due
        )
        share = draft_share(text, every_draft_sentence(playbook, draft_post, now=now))
        if share >= DRAFT_SHARE:
            return TemplateFinding("unedited_draft", round(share, 3))
    mine = normalised(text)
    if not mine:
        return None
    recent = session.execute(
        select(PostEvent.post_id, PostEvent.data)
        .where(PostEvent.kind == str(PostEventKind.REPLIED), PostEvent.at >= now - TEMPLATE_WINDOW)
        .order_by(PostEvent.id.desc())
        .limit(RECENT_LIMIT)
    )
    matcher = SequenceMatcher(None, b=mine, autojunk=False)
    for other_post_id, data in recent:
        other = data.get("text")
        if not isinstance(other, str):
            continue
        matcher.set_seq1(normalised(unsigned(other, data.get("signature"))))
        if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
            continue
        ratio = matcher.ratio()
        if ratio >= SIMILARITY:
            return TemplateFinding("same_as_recent_reply", round(ratio, 3), other_post_id)
    return None
