"""The trouble spots the complaints reveal: the reports page's figures, each one GROUP BY query.

Every report is about the complaints **received** in one period (a range of days in the
playbook's time zone, both ends included): how many per category, team, channel and week, how
fast they got a first response and how many of those kept the internal target, how many missed
their legal deadline, what compensation they were granted and what their customers answered in
the satisfaction survey. The abuse agents received is about the live contacts **started** in the
period. One cohort for every figure, so the numbers of one page add up with each other.

The cases are found by a range scan of ``ix_cases_received_at`` (migration
``0002_cases_05_reports``); a contact's team is looked up through ``ix_cases_source_contact``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from calmdesk.cases.enums import CompensationStatus
from calmdesk.cases.models import Case, CaseSurvey, Compensation
from calmdesk.errors import InvalidInput
from calmdesk.live.models import Contact, ContactStatus
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

ReportName = Literal[
    "categories",
    "teams",
    "channels",
    "weeks",
    "first_response",
    "legal_missed",
    "compensation",
    "satisfaction",
    "abuse",
]
REPORTS: tuple[ReportName, ...] = (
    "categories",
    "teams",
    "channels",
    "weeks",
    "first_response",
    "legal_missed",
    "compensation",
    "satisfaction",
    "abuse",
)
DEFAULT_WEEKS = 8
MAX_DAYS = 731
"""The longest period a report covers: two years (one of them may be a leap year)."""
GRANTED = (CompensationStatus.GRANTED.value, CompensationStatus.APPROVED.value)


class InvalidPeriod(InvalidInput):
    """A period the reports cannot cover; ``field`` names the bad end ("from", "to") and
    ``problem`` says what is wrong (``not_a_date``, ``from_after_to``, ``too_long``)."""

    code = "invalid_report_period"


class UnknownReport(InvalidInput):
    code = "unknown_report"


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` (both included) in the playbook's time zone."""

    start: date
    end: date
    timezone: str

    @property
    def since(self) -> datetime:
        """The first moment of ``start`` in the time zone, as UTC."""
        return _midnight(self.start, self.timezone)

    @property
    def until(self) -> datetime:
        """The first moment after ``end`` in the time zone, as UTC (excluded)."""
        return _midnight(self.end + timedelta(days=1), self.timezone)

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches, in order."""
        monday = self.start - timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            out.append(monday)
            monday += timedelta(days=7)
        return out


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def ensure_report(name: str) -> ReportName:
    for known in REPORTS:
        if name == known:
            return known
    raise UnknownReport(
        f"There is no report called {name!r}; the reports are: {', '.join(REPORTS)}.",
        report=name[:100],
        reports=list(REPORTS),
    )


def _parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidPeriod(
            f"{field}: {value[:40]!r} is not a date (write it as YYYY-MM-DD).",
            field=field,
            problem="not_a_date",
        ) from None


def parse_period(
    start: str | None, end: str | None, *, playbook: Playbook, today: date | None = None
) -> Period:
    """The period of ``from``/``to`` as typed (ISO dates, either may be empty): by default the
    last :data:`DEFAULT_WEEKS` weeks up to today in the playbook's time zone. Refused with
    :class:`InvalidPeriod` naming the field: a date that is not one, ``from`` after ``to``, or
    more than :data:`MAX_DAYS` days."""
    zone = playbook.calendar.timezone
    today = today or utcnow().astimezone(ZoneInfo(zone)).date()
    last = _parse_day(end, "to") if end and end.strip() else today
    first = (
        _parse_day(start, "from")
        if start and start.strip()
        else last - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
    )
    if first > last:
        raise InvalidPeriod(
            f"from: {first.isoformat()} is after to ({last.isoformat()}).",
            field="from",
            problem="from_after_to",
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidPeriod(
            f"to: the period covers {(last - first).days + 1} days; at most {MAX_DAYS} "
            "(two years).",
            field="to",
            problem="too_long",
            max_days=MAX_DAYS,
        )
    return Period(start=first, end=last, timezone=zone)


def _received_in(period: Period) -> ColumnElement[bool]:
    return and_(Case.received_at >= period.since, Case.received_at < period.until)


# -- volume -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    key: str
    """The category, team or channel key, or the week's Monday as ISO text."""
    cases: int


def cases_per(
    session: Session, period: Period, by: Literal["category", "team", "channel"]
) -> list[CountRow]:
    """Complaints received in the period per category, team or channel, most first."""
    column = {"category": Case.category, "team": Case.team, "channel": Case.channel}[by]
    rows = session.execute(
        select(column, func.count()).where(_received_in(period)).group_by(column)
    ).all()
    return sorted((CountRow(str(k), int(n)) for k, n in rows), key=lambda r: (-r.cases, r.key))


def cases_per_week(session: Session, period: Period) -> list[CountRow]:
    """Complaints received per week (Monday to Sunday in the playbook's time zone, the first
    and last weeks cut to the period), every week listed, empty ones with 0."""
    mondays = period.weeks()
    # Week boundaries as UTC instants, computed here so daylight saving time is exact; the
    # database only compares (portable, and the range scan stays on the index).
    bounds = [_midnight(m + timedelta(days=7), period.timezone) for m in mondays[:-1]]
    week: ColumnElement[int] = (
        case(*((Case.received_at < b, i) for i, b in enumerate(bounds)), else_=len(bounds))
        if bounds
        else literal(0)
    )
    counts = dict(
        session.execute(
            select(week.label("week"), func.count()).where(_received_in(period)).group_by("week")
        ).all()
    )
    return [CountRow(m.isoformat(), int(counts.get(i, 0))) for i, m in enumerate(mondays)]


# -- time to first response -------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    team: str | None
    """``None`` for the row of every team together."""
    cases: int
    responded: int
    median_seconds: float | None
    p90_seconds: float | None
    """Nearest-rank percentiles of the wall-clock time from receipt to the first response."""
    within_target: int
    judged: int
    """Cases whose first response is in or overdue: those the share within target is of."""

    @property
    def within_share(self) -> float | None:
        return self.within_target / self.judged if self.judged else None


def _seconds_between(session: Session, later: Any, earlier: Any) -> ColumnElement[float]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(extract("epoch", later - earlier), Float)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def first_response(
    session: Session, period: Period, *, now: datetime | None = None
) -> list[ResponseRow]:
    """Per team and for every team (the first row): the median and 90th percentile of the time
    to the first response, and how many responses kept the internal target (the business-time
    ``first_response_due``, pauses included). A case not answered yet counts against the target
    once it is overdue; before that it is not judged."""
    now = now or utcnow()
    in_period = _received_in(period)
    within = and_(
        Case.first_responded_at.is_not(None), Case.first_responded_at <= Case.first_response_due
    )
    judged = or_(Case.first_responded_at.is_not(None), Case.first_response_due <= now)
    counts = session.execute(
        select(
            Case.team,
            func.count(),
            func.count(Case.first_responded_at),
            func.sum(case((within, 1), else_=0)),
            func.sum(case((judged, 1), else_=0)),
        )
        .where(in_period)
        .group_by(Case.team)
    ).all()

    seconds = _seconds_between(session, Case.first_responded_at, Case.received_at)
    responded = and_(in_period, Case.first_responded_at.is_not(None))

    def percentiles(per_team: bool) -> dict[str | None, tuple[float | None, float | None]]:
        if session.get_bind().dialect.name == "postgresql":
            # The ordered-set aggregate: one sort, the same nearest rank as below.
            keys = [Case.team] if per_team else []
            found = session.execute(
                select(
                    (Case.team if per_team else literal(None)).label("team"),
                    func.percentile_disc(0.5).within_group(seconds),
                    func.percentile_disc(0.9).within_group(seconds),
                )
                .where(responded)
                .group_by(*keys)
            ).all()
            return {(str(t) if per_team else None): (_float(m), _float(p)) for t, m, p in found}
        # Elsewhere (SQLite): rank within the team by window functions; the median is the
        # smallest time whose rank reaches half the count, the 90th percentile nine tenths.
        partition = [Case.team] if per_team else []
        ranked = (
            select(
                (Case.team if per_team else literal(None)).label("team"),
                seconds.label("s"),
                func.row_number().over(partition_by=partition, order_by=seconds).label("rn"),
                func.count().over(partition_by=partition).label("n"),
            )
            .where(responded)
            .subquery()
        )
        rows = session.execute(
            select(
                ranked.c.team,
                func.min(case((ranked.c.rn * 2 >= ranked.c.n, ranked.c.s))),
                func.min(case((ranked.c.rn * 10 >= ranked.c.n * 9, ranked.c.s))),
            ).group_by(ranked.c.team)
        ).all()
        return {(str(t) if per_team else None): (_float(m), _float(p)) for t, m, p in rows}

    per_team = percentiles(True)
    overall = percentiles(False).get(None, (None, None))
    rows = [
        ResponseRow(
            team=str(team),
            cases=int(n),
            responded=int(r),
            median_seconds=per_team.get(str(team), (None, None))[0],
            p90_seconds=per_team.get(str(team), (None, None))[1],
            within_target=int(w or 0),
            judged=int(j or 0),
        )
        for team, n, r, w, j in counts
    ]
    rows.sort(key=lambda r: (-r.cases, r.team or ""))
    total = ResponseRow(
        team=None,
        cases=sum(r.cases for r in rows),
        responded=sum(r.responded for r in rows),
        median_seconds=overall[0],
        p90_seconds=overall[1],
        within_target=sum(r.within_target for r in rows),
        judged=sum(r.judged for r in rows),
    )
    return [total, *rows]


def _float(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


# -- legal deadlines missed -------------------------------------------------------------------


@dataclass(frozen=True)
class LegalRow:
    category: str
    cases: int
    missed: int
    """Resolved after the legal deadline, or still open past it."""
    missed_open: int
    """Of those, still open: the ones to act on now."""


def legal_missed(
    session: Session, period: Period, *, now: datetime | None = None
) -> list[LegalRow]:
    """Per category: the complaints whose legal deadline passed before they were resolved."""
    now = now or utcnow()
    open_missed = and_(Case.resolved_at.is_(None), Case.legal_missed_at <= now)
    missed = or_(open_missed, Case.resolved_at >= Case.legal_missed_at)
    rows = session.execute(
        select(
            Case.category,
            func.count(),
            func.sum(case((missed, 1), else_=0)),
            func.sum(case((open_missed, 1), else_=0)),
        )
        .where(_received_in(period))
        .group_by(Case.category)
    ).all()
    out = [LegalRow(str(c), int(n), int(m or 0), int(o or 0)) for c, n, m, o in rows]
    return sorted(out, key=lambda r: (-r.missed, -r.cases, r.category))


# -- compensation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompensationRow:
    kind: str
    currency: str
    """The playbook's currency, or ``%`` for percent discounts (whose sum means little: the
    page shows their count only)."""
    count: int
    total: Decimal


def compensation_granted(session: Session, period: Period) -> list[CompensationRow]:
    """Compensation granted (within the agent's limit, or approved) on the period's
    complaints: how many and how much per kind and currency."""
    rows = session.execute(
        select(
            Compensation.kind, Compensation.currency, func.count(), func.sum(Compensation.amount)
        )
        .join(Case, Case.id == Compensation.case_id)
        .where(_received_in(period), Compensation.status.in_(GRANTED))
        .group_by(Compensation.kind, Compensation.currency)
    ).all()
    out = [
        CompensationRow(str(k), str(c), int(n), Decimal(t or 0).quantize(Decimal("0.01")))
        for k, c, n, t in rows
    ]
    return sorted(out, key=lambda r: (-r.count, r.kind, r.currency))


# -- satisfaction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionRow:
    team: str
    """The team when the survey was sent."""
    sent: int
    answered: int
    average: float | None

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.sent if self.sent else None


def satisfaction(session: Session, period: Period) -> list[SatisfactionRow]:
    """Per team: the surveys of the period's complaints, how many were answered and the
    average score (1 to 5)."""
    rows = session.execute(
        select(
            CaseSurvey.team,
            func.count(),
            func.count(CaseSurvey.answered_at),
            func.avg(CaseSurvey.score),
        )
        .join(Case, Case.id == CaseSurvey.case_id)
        .where(_received_in(period))
        .group_by(CaseSurvey.team)
    ).all()
    out = [
        SatisfactionRow(str(t), int(s), int(a), None if avg is None else round(float(avg), 2))
        for t, s, a, avg in rows
    ]
    return sorted(out, key=lambda r: (-r.sent, r.team))


# -- abuse agents received --------------------------------------------------------------------


@dataclass(frozen=True)
class AbuseRow:
    team: str | None
    """The team of the cases opened from these contacts; ``None`` when no case was opened
    from them, and then the row is the agent's."""
    agent_id: int | None
    agent: str | None
    """The agent's display name (or user name) on a row without a team."""
    contacts: int
    abusive_contacts: int
    abusive_turns: int
    """The customer's abusive lines, as each ended contact's summary counts them."""


def abuse_received(session: Session, period: Period) -> list[AbuseRow]:
    """The abuse agents received in the live contacts that started in the period and ended
    (the summary counts a contact's abusive lines): per team when a case was opened from the
    contact (the case's team), else per agent."""
    team = (
        select(Case.team)
        .where(Case.source_contact_id == Contact.id)
        .order_by(Case.id)
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )
    turns = func.coalesce(Contact.summary["abusive_turns"].as_integer(), 0)
    rows = session.execute(
        select(
            team.label("team"),
            Contact.agent_id,
            func.count(),
            func.sum(case((turns > 0, 1), else_=0)),
            func.sum(turns),
        )
        .where(
            Contact.started_at >= period.since,
            Contact.started_at < period.until,
            Contact.status == ContactStatus.ENDED,
        )
        .group_by("team", Contact.agent_id)
    ).all()
    teams: dict[str, list[int]] = {}
    agents: dict[int, list[int]] = {}
    for team_key, agent_id, n, abusive, total in rows:
        bucket = (
            teams.setdefault(str(team_key), [0, 0, 0])
            if team_key is not None
            else agents.setdefault(int(agent_id), [0, 0, 0])
        )
        bucket[0] += int(n)
        bucket[1] += int(abusive or 0)
        bucket[2] += int(total or 0)
    names = _agent_names(session, list(agents))
    out = [AbuseRow(k, None, None, *v) for k, v in teams.items()] + [
        AbuseRow(None, a, names.get(a, str(a)), *v) for a, v in agents.items()
    ]
    return sorted(out, key=lambda r: (-r.abusive_turns, -r.contacts, r.team or "", r.agent or ""))


def _agent_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(User.id, User.display_name, User.username).where(User.id.in_(ids))
    ).all()
    return {int(i): str(d or u) for i, d, u in rows}


# -- one report by name ----------------------------------------------------------------------
Cell = str | int | float | None

COLUMNS: dict[ReportName, tuple[str, ...]] = {
    "categories": ("category", "cases"),
    "teams": ("team", "cases"),
    "channels": ("channel", "cases"),
    "weeks": ("week", "cases"),
    "first_response": (
        "team",
        "cases",
        "responded",
        "median_seconds",
        "p90_seconds",
        "within_target",
        "judged",
        "within_share",
    ),
    "legal_missed": ("category", "cases", "missed", "missed_open"),
    "compensation": ("kind", "currency", "count", "total"),
    "satisfaction": ("team", "sent", "answered", "answered_share", "average"),
    "abuse": ("team", "agent_id", "agent", "contacts", "abusive_contacts", "abusive_turns"),
}
"""Each report's fields, in order: the API's row keys and the CSV's columns."""
KEY_FIELD: dict[ReportName, str] = {
    "categories": "category",
    "teams": "team",
    "channels": "channel",
    "weeks": "week",
}


def as_records(name: ReportName, rows: Sequence[Any]) -> list[dict[str, Cell]]:
    """The rows as plain values (money as text, shares as fractions to 4 places)."""
    out: list[dict[str, Cell]] = []
    for row in rows:
        record: dict[str, Cell] = {}
        for column in COLUMNS[name]:
            value = row.key if column == KEY_FIELD.get(name) else getattr(row, column)
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, float) and column.endswith("_share"):
                value = round(value, 4)
            record[column] = value
        out.append(record)
    return out


def run(
    session: Session, name: ReportName, period: Period, *, now: datetime | None = None
) -> Sequence[Any]:
    """The rows of report ``name`` (see :data:`REPORTS`)."""
    if name == "categories":
        return cases_per(session, period, "category")
    if name == "teams":
        return cases_per(session, period, "team")
    if name == "channels":
        return cases_per(session, period, "channel")
    if name == "weeks":
        return cases_per_week(session, period)
    if name == "first_response":
        return first_response(session, period, now=now)
    if name == "legal_missed":
        return legal_missed(session, period, now=now)
    if name == "compensation":
        return compensation_granted(session, period)
    if name == "satisfaction":
        return satisfaction(session, period)
    return abuse_received(session, period)
