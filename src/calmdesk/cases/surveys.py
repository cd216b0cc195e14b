"""The customer's satisfaction after a case is closed: a one-click survey behind a signed link.

Closing a case opens its survey (:func:`open_survey`); the link (:func:`link_of`) carries the
survey's id and expiry, signed with the server's secret key, so the customer answers without a
login and nobody can guess another customer's link or stretch its life. A survey is answered
once (1 to 5, and a comment) and expires :data:`SURVEY_VALID` after it was sent.

The link is shown on the case page to paste into a chat; a mail notice can send it
(:func:`survey_path`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.cases.models import Case, CaseSurvey
from calmdesk.errors import Conflict, InvalidInput, NotFound
from calmdesk.storage.types import utcnow

SURVEY_VALID = timedelta(days=14)
SCORES = (1, 2, 3, 4, 5)
MAX_COMMENT_CHARS = 2000
GROUPINGS = ("team", "category", "owner")
Grouping = Literal["team", "category", "owner"]


class SurveyLinkInvalid(NotFound):
    """The link was not made by this server (altered, truncated or from elsewhere)."""

    code = "survey_link_invalid"


class SurveyExpired(Conflict):
    code = "survey_expired"
    http_status = 410


class SurveyAlreadyAnswered(Conflict):
    code = "survey_already_answered"


class InvalidSurveyAnswer(InvalidInput):
    code = "validation_error"


def _signature(secret: str, survey_id: int, expires: int) -> str:
    message = f"calmdesk-survey:{survey_id}.{expires}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_of(survey: CaseSurvey, secret: str) -> str:
    """The survey's link token: ``<id>.<expiry as Unix seconds>.<HMAC-SHA256>``."""
    expires = int(survey.expires_at.timestamp())
    return f"{survey.id}.{expires}.{_signature(secret, survey.id, expires)}"


def survey_path(survey: CaseSurvey, secret: str) -> str:
    """The page the customer opens, relative to the server's address."""
    return f"/survey/{token_of(survey, secret)}"


def open_survey(session: Session, *, case: Case, now: datetime | None = None) -> CaseSurvey:
    """The case's survey, opened now if it has none yet (a case closed again keeps its first)."""
    existing = session.scalar(select(CaseSurvey).where(CaseSurvey.case_id == case.id))
    if existing is not None:
        return existing
    now = now or utcnow()
    survey = CaseSurvey(
        case_id=case.id,
        language=case.language,
        team=case.team,
        category=case.category,
        owner_id=case.owner_id,
        sent_at=now,
        expires_at=(now + SURVEY_VALID).replace(microsecond=0),
    )
    session.add(survey)
    session.flush()
    return survey


def survey_of_case(session: Session, *, case_id: int) -> CaseSurvey | None:
    return session.scalar(select(CaseSurvey).where(CaseSurvey.case_id == case_id))


def survey_for_token(
    session: Session, *, token: str, secret: str, now: datetime | None = None
) -> CaseSurvey:
    """The survey a link names; :class:`SurveyLinkInvalid` when its signature does not hold,
    :class:`SurveyExpired` after its expiry (checked from the signed expiry, then the row)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(token) > 200:
        raise SurveyLinkInvalid("This survey link is not valid.")
    survey_id, expires = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(parts[2], _signature(secret, survey_id, expires)):
        raise SurveyLinkInvalid("This survey link is not valid.")
    survey = session.get(CaseSurvey, survey_id) if survey_id < 2**31 else None
    if survey is None or int(survey.expires_at.timestamp()) != expires:
        raise SurveyLinkInvalid("This survey link is not valid.")
    if (now or utcnow()) >= datetime.fromtimestamp(expires, UTC):
        raise SurveyExpired("This survey has expired.")
    return survey


def answer(
    session: Session,
    *,
    survey: CaseSurvey,
    score: int,
    comment: str | None,
    now: datetime | None = None,
) -> CaseSurvey:
    """Record the customer's answer, once."""
    if survey.answered_at is not None:
        raise SurveyAlreadyAnswered("This survey has already been answered. Thank you!")
    if score not in SCORES:
        raise InvalidSurveyAnswer("score: choose from 1 to 5", field="score")
    text = (comment or "").replace("\x00", "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise InvalidSurveyAnswer(
            f"comment: at most {MAX_COMMENT_CHARS} characters", field="comment"
        )
    survey.score = score
    survey.comment = text or None
    survey.answered_at = now or utcnow()
    session.flush()
    return survey


@dataclass(frozen=True)
class SatisfactionRow:
    group: str
    """The team's or category's key, or the handler's user id as text ("" when none)."""
    sent: int
    answered: int
    average: float | None
    scores: dict[int, int]
    """How many answers gave each score, 1 to 5."""


def results(
    session: Session,
    *,
    by: Grouping,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[SatisfactionRow]:
    """Surveys sent in ``[since, until)`` per team, category or handler: how many were sent
    and answered, the average score and the spread of scores; best answered first."""
    column = {
        "team": CaseSurvey.team,
        "category": CaseSurvey.category,
        "owner": CaseSurvey.owner_id,
    }[by]
    conditions = []
    if since is not None:
        conditions.append(CaseSurvey.sent_at >= since)
    if until is not None:
        conditions.append(CaseSurvey.sent_at < until)
    rows = session.execute(
        select(column, CaseSurvey.score, func.count())
        .where(*conditions)
        .group_by(column, CaseSurvey.score)
    ).all()
    groups: dict[str, dict[int | None, int]] = {}
    for group, score, count in rows:
        groups.setdefault("" if group is None else str(group), {})[score] = count
    out = []
    for group, counts in groups.items():
        answered = {s: n for s, n in counts.items() if s is not None}
        total_answered = sum(answered.values())
        average = (
            sum(s * n for s, n in answered.items()) / total_answered if total_answered else None
        )
        out.append(
            SatisfactionRow(
                group=group,
                sent=sum(counts.values()),
                answered=total_answered,
                average=round(average, 2) if average is not None else None,
                scores={s: answered.get(s, 0) for s in SCORES},
            )
        )
    return sorted(out, key=lambda r: (-r.answered, r.group))
