"""The coach's and the rehearsal report's words are data, complete in every language, and the
Polish addressed to agents does not assume their gender."""

from __future__ import annotations

import re
import string
from importlib import resources

import pytest
import yaml
from babel.messages.pofile import read_po

from calmdesk.languages import LANGUAGES
from calmdesk.texts import TextFiles, load_texts

PACKAGES = (
    "calmdesk.training",
    "calmdesk.playbook",
    "calmdesk.users",
    "calmdesk.social",
    "calmdesk.customers",
    "calmdesk.live",
    "calmdesk.chat",
)
# A first- or second-person past form is gendered in Polish ("zrobiłeś", "zrobiłam").
GENDERED = re.compile(r"\b\w+(?:łeś|łaś|łem|łam)\b", re.IGNORECASE)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.fixture(params=PACKAGES)
def texts(request: pytest.FixtureRequest) -> TextFiles:
    return load_texts(request.param)


def test_every_text_is_written_in_every_language_with_the_same_placeholders(
    texts: TextFiles,
) -> None:
    entries = [*texts.single.items()] + [
        (f"{table}.{key}", by_lang)
        for table, keyed in texts.tables.items()
        for key, by_lang in keyed.items()
    ]
    assert entries
    for name, by_lang in entries:
        assert sorted(by_lang) == sorted(LANGUAGES), name
        assert len({frozenset(_placeholders(t)) for t in by_lang.values()}) == 1, name


def test_a_text_file_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ValueError, match="expected a mapping"):
        load_texts("tests.fixtures.bad_texts")


def _polish_for_agents() -> list[str]:
    found: list[str] = []
    for package in PACKAGES:
        document = yaml.safe_load(
            resources.files(package).joinpath("texts", "pl.yaml").read_text(encoding="utf-8")
        )
        for entry in document.values():
            found.extend([entry] if isinstance(entry, str) else entry.values())
    for package, domain in (("calmdesk.web", "messages"), ("calmdesk.coach", "coach")):
        catalog = resources.files(package).joinpath(f"locale/pl/LC_MESSAGES/{domain}.po")
        with catalog.open("rb") as file:
            for message in read_po(file):
                if message.id and message.string:
                    strings = message.string
                    found.extend(strings if isinstance(strings, tuple) else [str(strings)])
    return found


def test_polish_addressed_to_agents_is_gender_neutral() -> None:
    texts = _polish_for_agents()
    assert len(texts) > 200
    assert [t for t in texts if GENDERED.search(t)] == []
