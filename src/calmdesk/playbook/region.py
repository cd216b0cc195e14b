"""The region in which phone numbers written without a country code are read: the company's
country, from the playbook's calendar (so ``601 234 567`` is ``+48601234567`` in Poland)."""

from __future__ import annotations

from calmdesk.analysis.phones import DEFAULT_REGION
from calmdesk.errors import CalmDeskError
from calmdesk.playbook.schema import Playbook


def company_region(playbook: Playbook) -> str:
    return playbook.calendar.country.upper()


def configured_region() -> str:
    """The region of the configured playbook (for migrations, which run without one at hand);
    the default region when it cannot be loaded."""
    from calmdesk.playbook.load import load_playbook
    from calmdesk.settings import Settings

    try:
        return company_region(load_playbook(Settings().playbook))
    except (CalmDeskError, OSError, ValueError):
        return DEFAULT_REGION


def configured_timezone() -> str:
    """The time zone of the configured playbook's calendar (for migrations); UTC when it cannot
    be loaded."""
    from calmdesk.playbook.load import load_playbook
    from calmdesk.settings import Settings

    try:
        return load_playbook(Settings().playbook).calendar.timezone
    except (CalmDeskError, OSError, ValueError):
        return "UTC"
