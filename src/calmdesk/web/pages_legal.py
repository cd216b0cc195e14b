"""What the pages say about a case's legal deadline: its basis and consequence from the
playbook, whether it is at risk or missed, and why a date is provisional, in the page language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from calmdesk.cases import deadlines
from calmdesk.cases.models import Case
from calmdesk.playbook.calendar import published_through
from calmdesk.playbook.schema import Playbook
from calmdesk.web.pages_labels import N_

STATUTE_DEFAULTS: dict[str, str] = {
    "RU": N_(
        "the Labour Code's own rule (art. 112: a holiday falling on a day off gives the next"
        " working day off, except the New Year holidays)"
    ),
}
"""The statute's default a provisional year follows, per country of the playbook's calendar."""
GENERIC_DEFAULT = N_("the statute's default rule")


@dataclass(frozen=True, slots=True)
class LegalView:
    state: str | None
    """``"missed"``, ``"at_risk"`` or ``None``."""
    basis: str
    consequence: str
    provisional: str | None
    """Why the date may move (a sentence), or ``None`` when every day of the term is known."""
    provisional_short: str | None


def legal_viewer(
    playbook: Playbook, lang: str, gettext: Callable[[str], str], now: datetime
) -> Callable[[Case], LegalView]:
    """A function giving each case's :class:`LegalView` at ``now``."""

    def local(text: dict[str, str]) -> str:
        return text.get(lang) or text.get(playbook.default_language) or next(iter(text.values()))

    country = playbook.calendar.country.upper()
    statute = gettext(STATUTE_DEFAULTS.get(country, GENERIC_DEFAULT))
    known = published_through(country)

    def view(case: Case) -> LegalView:
        try:
            legal = playbook.category(case.category).legal
            basis, consequence = local(legal.basis), local(legal.consequence)
        except KeyError:
            basis = consequence = ""
        provisional = short = None
        year = case.legal_provisional_year
        if year is not None:
            provisional = gettext(
                "Provisional: the official calendar for {year} is not published yet (the data"
                " ends with {known}), so this date follows {statute} and may move."
            ).format(year=year, known=known if known is not None else "—", statute=statute)
            short = gettext("provisional: the {year} calendar is not published yet").format(
                year=year
            )
        return LegalView(
            state=deadlines.legal_state(case, now=now),
            basis=basis,
            consequence=consequence,
            provisional=provisional,
            provisional_short=short,
        )

    return view
