"""The vocabularies of a public post: where it was written, its status and its history."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    LINKEDIN = "linkedin"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    GOOGLE_REVIEWS = "google_reviews"
    TRUSTPILOT = "trustpilot"
    FORUM = "forum"
    OTHER = "other"


class PostStatus(StrEnum):
    """``new`` until the first public reply, ``answered`` after it, ``resolved`` at the end.

    There is no "hidden" or "deleted": a public complaint is never removed."""

    NEW = "new"
    ANSWERED = "answered"
    RESOLVED = "resolved"


class PostEventKind(StrEnum):
    REGISTERED = "registered"
    REPLIED = "replied"
    PROMISE_MADE = "promise_made"
    PROMISE_KEPT = "promise_kept"
    ESCALATED_TO_CASE = "escalated_to_case"
    NOTE = "note"
    RESOLVED = "resolved"
    SLA_BREACHED = "social_sla_breached"
    PERSONAL_DATA_ERASED = "personal_data_erased"
    EDITED_ON_PLATFORM = "edited_on_platform"
    """The author edited it on the platform; ``previous_text`` keeps what it said before."""
    DELETED_ON_PLATFORM = "deleted_on_platform"
    PUBLISHED = "published"
    """A reply went out through the connector: ``platform_id`` and ``url`` from its answer."""
    PUBLISH_FAILED = "publish_failed"
