"""The reports page for team leads and managers: the trouble spots the complaints reveal, over a
period, as server-drawn SVG charts (no script, no external asset) each with its numbers in a
table, in the viewer's language and number formats; every report also as a CSV file.

The figures come from :mod:`calmdesk.cases.reports`; the same rows are the API's
``/api/reports/{name}`` (:mod:`calmdesk.cases.views`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from calmdesk.cases import permissions as case_permissions
from calmdesk.cases import reports
from calmdesk.playbook.deps import request_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.users.deps import CurrentUser, SessionDep
from calmdesk.web.i18n import gettext_for
from calmdesk.web.pages_cases import localized
from calmdesk.web.pages_common import SECURITY_HEADERS, page_language, render
from calmdesk.web.pages_labels import CHANNELS, COMPENSATION_KINDS, N_, label

router = APIRouter(include_in_schema=False)

DateText = Annotated[str, Query(max_length=40)]

# -- charts -----------------------------------------------------------------------------------

CHART_WIDTH = 360
BAR_ROW = 34
BAR_SPACE = 280
"""The longest bar, in the chart's units; its value is written after it."""
LABEL_CHARS = 44


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str
    """The value as the viewer reads it (formatted for the locale)."""
    width: float
    y: int


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * BAR_ROW + 4


def bar_chart(
    chart_id: str, title: str, items: Sequence[tuple[str, float, str]], desc: str
) -> BarChart:
    """Horizontal bars (labels above them, so a phone's width holds them): ``items`` are
    ``(label, value, value as shown)``."""
    top = max((value for _, value, _ in items), default=0) or 1
    bars = [
        Bar(
            label=name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…",
            shown=shown,
            width=round(max(0.0, value) / top * BAR_SPACE, 1),
            y=i * BAR_ROW,
        )
        for i, (name, value, shown) in enumerate(items)
    ]
    return BarChart(id=chart_id, title=title, desc=desc, bars=bars)


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    desc: str
    points: list[tuple[float, float]]
    ticks: list[tuple[float, str]]
    """x positions and labels of the weeks written under the axis."""
    top_label: str
    width: int = CHART_WIDTH
    height: int = 190
    left: int = 40
    bottom: int = 160

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.points)


def line_chart(
    chart_id: str, title: str, values: Sequence[tuple[str, int]], top_label: str, desc: str
) -> LineChart:
    """One line over the weeks (``(week as shown, value)``), from 0 to the highest value."""
    left, right, top_y, bottom = 40, CHART_WIDTH - 12, 16, 160
    top = max((v for _, v in values), default=0) or 1
    step = (right - left) / max(1, len(values) - 1)
    points = [
        (round(left + i * step, 1), round(bottom - v / top * (bottom - top_y), 1))
        for i, (_, v) in enumerate(values)
    ]
    if len(points) == 1:
        points = [(left, points[0][1]), (right, points[0][1])]
    picks = sorted({0, len(values) // 2, len(values) - 1}) if values else []
    ticks = [(points[i][0] if len(values) > 1 else left, values[i][0]) for i in picks]
    return LineChart(
        id=chart_id, title=title, desc=desc, points=points, ticks=ticks, top_label=top_label
    )


# -- the sections -----------------------------------------------------------------------------


@dataclass
class Section:
    name: reports.ReportName
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: BarChart | LineChart | None = None
    empty: str = ""


@dataclass(frozen=True)
class Formats:
    """The viewer's number, date and money formats (Babel, for the page language)."""

    lang: str

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.lang)

    def share(self, value: float | None) -> str:
        return "—" if value is None else format_percent(value, locale=self.lang)

    def day(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.lang)

    def short_day(self, value: date) -> str:
        return format_date(value, format="d MMM", locale=self.lang)

    def money(self, value: Decimal, currency: str) -> str:
        return format_currency(value, currency, locale=self.lang)

    def hours(self, seconds: float | None, gettext: Callable[[str], str]) -> str:
        if seconds is None:
            return "—"
        return gettext("{hours} h").format(
            hours=format_decimal(seconds / 3600, format="#,##0.0", locale=self.lang)
        )


@dataclass(frozen=True)
class Names:
    """The viewer's names for the keys in the rows."""

    gettext: Callable[[str], str]
    teams: dict[str, str]
    categories: dict[str, str]

    def team(self, key: str | None) -> str:
        return "—" if key is None else self.teams.get(key, key)

    def category(self, key: str) -> str:
        return self.categories.get(key, key)

    def channel(self, key: str) -> str:
        return label(CHANNELS, key, self.gettext)

    def kind(self, key: str) -> str:
        return label(COMPENSATION_KINDS, key, self.gettext)


def names_for(playbook: Playbook, lang: str) -> Names:
    return Names(
        gettext=gettext_for(lang),
        teams={t.key: localized(t.name, lang, playbook) for t in playbook.teams},
        categories={c.key: localized(c.name, lang, playbook) for c in playbook.categories},
    )


def section(
    name: reports.ReportName,
    rows: Sequence[Any],
    *,
    names: Names,
    fmt: Formats,
    period: reports.Period,
) -> Section:
    """What the page (and the CSV's header) shows of report ``name``: the title, the table
    and the chart."""
    _ = names.gettext
    empty = _("No complaint was received in this period.")
    if name in ("categories", "teams", "channels"):
        title, header, namer = {
            "categories": (_("Complaints per category"), _("Category"), names.category),
            "teams": (_("Complaints per team"), _("Team"), names.team),
            "channels": (_("Complaints per channel"), _("Channel"), names.channel),
        }[name]
        counted: Sequence[reports.CountRow] = rows
        items = [(namer(r.key), float(r.cases), fmt.number(r.cases)) for r in counted]
        total = sum(r.cases for r in counted)
        return Section(
            name,
            title,
            [header, _("Complaints")],
            [[n, shown] for n, _v, shown in items],
            bar_chart(
                f"chart-{name}",
                title,
                items,
                _("Complaints in all: {count}; the longest bar is the most.").format(
                    count=fmt.number(total)
                ),
            )
            if counted
            else None,
            empty,
        )
    if name == "weeks":
        weeks: Sequence[reports.CountRow] = rows
        title = _("Complaints per week")
        values = [(fmt.short_day(date.fromisoformat(r.key)), r.cases) for r in weeks]
        peak = max(weeks, key=lambda r: r.cases, default=None)
        desc = (
            _("From {first} to {last}; the most, {count}, in the week of {week}.").format(
                first=fmt.day(period.start),
                last=fmt.day(period.end),
                count=fmt.number(peak.cases),
                week=fmt.day(date.fromisoformat(peak.key)),
            )
            if peak is not None
            else ""
        )
        return Section(
            name,
            title,
            [_("Week starting"), _("Complaints")],
            [[fmt.day(date.fromisoformat(r.key)), fmt.number(r.cases)] for r in weeks],
            line_chart(
                "chart-weeks",
                title,
                values,
                fmt.number(max((r.cases for r in weeks), default=0)),
                desc,
            )
            if any(r.cases for r in weeks)
            else None,
            empty,
        )
    if name == "first_response":
        responses: Sequence[reports.ResponseRow] = rows
        title = _("Time to first response")
        table = [
            [
                _("All teams") if r.team is None else names.team(r.team),
                fmt.number(r.cases),
                fmt.number(r.responded),
                fmt.hours(r.median_seconds, _),
                fmt.hours(r.p90_seconds, _),
                fmt.share(r.within_share),
            ]
            for r in responses
        ]
        teams = [r for r in responses if r.team is not None and r.within_share is not None]
        return Section(
            name,
            title,
            [
                _("Team"),
                _("Complaints"),
                _("Responded"),
                _("Median"),
                _("90th percentile"),
                _("Within the internal target"),
            ],
            table if len(responses) > 1 else [],
            bar_chart(
                "chart-first-response",
                _("Share of first responses within the internal target"),
                [
                    (names.team(r.team), r.within_share or 0.0, fmt.share(r.within_share))
                    for r in teams
                ],
                _("Per team; a complaint not answered yet counts once it is overdue."),
            )
            if teams
            else None,
            empty,
        )
    if name == "legal_missed":
        legal: Sequence[reports.LegalRow] = rows
        title = _("Legal deadlines missed")
        missed = [r for r in legal if r.missed]
        return Section(
            name,
            title,
            [_("Category"), _("Complaints"), _("Deadline missed"), _("Of those, still open")],
            [
                [
                    names.category(r.category),
                    fmt.number(r.cases),
                    fmt.number(r.missed),
                    fmt.number(r.missed_open),
                ]
                for r in legal
            ],
            bar_chart(
                "chart-legal",
                title,
                [
                    (names.category(r.category), float(r.missed), fmt.number(r.missed))
                    for r in missed
                ],
                _(
                    "Complaints answered after the legal deadline or still open past it: {count}."
                ).format(count=fmt.number(sum(r.missed for r in legal))),
            )
            if missed
            else None,
            empty if not legal else _("No legal deadline was missed in this period."),
        )
    if name == "compensation":
        money: Sequence[reports.CompensationRow] = rows
        title = _("Compensation granted")
        return Section(
            name,
            title,
            [_("Kind"), _("Granted"), _("Total")],
            [
                [
                    names.kind(r.kind),
                    fmt.number(r.count),
                    "—" if r.currency == "%" else fmt.money(r.total, r.currency),
                ]
                for r in money
            ],
            bar_chart(
                "chart-compensation",
                title,
                [(names.kind(r.kind), float(r.count), fmt.number(r.count)) for r in money],
                _("How many times each kind was granted (within the agent's limit or approved)."),
            )
            if money
            else None,
            _("No compensation was granted on this period's complaints."),
        )
    if name == "satisfaction":
        surveys: Sequence[reports.SatisfactionRow] = rows
        title = _("Satisfaction")
        scored = [r for r in surveys if r.average is not None]
        return Section(
            name,
            title,
            [_("Team"), _("Surveys sent"), _("Answered"), _("Average (1–5)")],
            [
                [
                    names.team(r.team),
                    fmt.number(r.sent),
                    fmt.share(r.answered_share),
                    "—" if r.average is None else fmt.number(r.average),
                ]
                for r in surveys
            ],
            bar_chart(
                "chart-satisfaction",
                _("Average satisfaction per team (1–5)"),
                [
                    (names.team(r.team), r.average or 0.0, fmt.number(r.average or 0))
                    for r in scored
                ],
                _(
                    "The customers' average score per team, from 1 (very unhappy) to 5 "
                    "(very happy)."
                ),
            )
            if scored
            else None,
            _("No survey was sent for this period's complaints."),
        )
    abuse: Sequence[reports.AbuseRow] = rows
    title = _("Abuse agents received")

    def who(r: reports.AbuseRow) -> str:
        if r.team is not None:
            return names.team(r.team)
        return _("{agent} (no team known)").format(agent=r.agent or "—")

    hit = [r for r in abuse if r.abusive_turns]
    return Section(
        name,
        title,
        [_("Team or agent"), _("Contacts"), _("Contacts with abuse"), _("Abusive lines")],
        [
            [
                who(r),
                fmt.number(r.contacts),
                fmt.number(r.abusive_contacts),
                fmt.number(r.abusive_turns),
            ]
            for r in abuse
        ],
        bar_chart(
            "chart-abuse",
            title,
            [(who(r), float(r.abusive_turns), fmt.number(r.abusive_turns)) for r in hit],
            _(
                "Abusive lines of customers in the ended contacts; a contact counts for the "
                "team of the case opened from it, else for its agent."
            ),
        )
        if hit
        else None,
        _("No contact ended in this period."),
    )


# -- routes -----------------------------------------------------------------------------------


def period_problem(error: reports.InvalidPeriod, gettext: Callable[[str], str], typed: str) -> str:
    problem = str(error.fields.get("problem", ""))
    if problem == "not_a_date":
        return gettext("“{value}” is not a date: write it as YYYY-MM-DD.").format(value=typed)
    if problem == "from_after_to":
        return gettext("The start of the period comes after its end.")
    return gettext("The period is too long: at most {days} days (two years).").format(
        days=reports.MAX_DAYS
    )


@router.get("/reports")
def reports_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
) -> Response:
    case_permissions.ensure_may_see_reports(user)
    lang = page_language(request, user)
    gettext = gettext_for(lang)
    playbook = request_playbook(request)
    typed = {"from": start or "", "to": end or ""}
    context: dict[str, Any] = {
        "title": gettext("Reports"),
        "typed": typed,
        "dir": Locale.parse(lang).text_direction,
        "sections": [],
        "problem": "",
        "problem_field": "",
        "period": None,
        "timezone": playbook.calendar.timezone,
    }
    try:
        period = reports.parse_period(start, end, playbook=playbook)
    except reports.InvalidPeriod as error:
        bad = str(error.fields.get("field", ""))
        context["problem"] = period_problem(error, gettext, typed.get(bad, ""))
        context["problem_field"] = bad
        return render(request, "reports.html", user=user, status_code=422, **context)
    fmt, names = Formats(lang), names_for(playbook, lang)
    context["period"] = period
    context["typed"] = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    context["shown_period"] = gettext("From {first} to {last} ({zone})").format(
        first=fmt.day(period.start), last=fmt.day(period.end), zone=playbook.calendar.timezone
    )
    context["sections"] = [
        section(name, reports.run(session, name, period), names=names, fmt=fmt, period=period)
        for name in reports.REPORTS
    ]
    return render(request, "reports.html", user=user, **context)


@router.get("/reports/{name}.csv")
def report_csv(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    name: str,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
) -> Response:
    """One report as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Polish
    and Russian right): the table's header in the viewer's language, the values as the API
    gives them (ISO dates, dot decimals, seconds), so the file stays computable."""
    case_permissions.ensure_may_see_reports(user)
    report = reports.ensure_report(name)
    playbook = request_playbook(request)
    period = reports.parse_period(start, end, playbook=playbook)
    rows = reports.run(session, report, period)
    table = reports.as_records(report, rows)
    lang = page_language(request, user)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = reports.COLUMNS[report]
    gettext = gettext_for(lang)
    writer.writerow([gettext(CSV_HEADERS.get(c, c)) for c in columns])
    for record in table:
        writer.writerow([_cell(record[c]) for c in columns])
    filename = f"calmdesk-{report}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            **SECURITY_HEADERS,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell; text a spreadsheet would run as a formula is quoted with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


CSV_HEADERS: dict[str, str] = {
    "category": N_("Category"),
    "team": N_("Team"),
    "channel": N_("Channel"),
    "week": N_("Week starting"),
    "cases": N_("Complaints"),
    "responded": N_("Responded"),
    "median_seconds": N_("Median (seconds)"),
    "p90_seconds": N_("90th percentile (seconds)"),
    "within_target": N_("Within the internal target"),
    "judged": N_("Due or answered"),
    "within_share": N_("Share within the target"),
    "missed": N_("Deadline missed"),
    "missed_open": N_("Of those, still open"),
    "kind": N_("Kind"),
    "currency": N_("Currency"),
    "count": N_("Granted"),
    "total": N_("Total"),
    "sent": N_("Surveys sent"),
    "answered": N_("Answered"),
    "answered_share": N_("Answered share"),
    "average": N_("Average (1–5)"),
    "agent_id": N_("Agent id"),
    "agent": N_("Agent"),
    "contacts": N_("Contacts"),
    "abusive_contacts": N_("Contacts with abuse"),
    "abusive_turns": N_("Abusive lines"),
}
