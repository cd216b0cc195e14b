"""The playbook's ``public.reply_phrases`` are checked when a playbook loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

import calmdesk.playbook
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import PUBLIC_REPLY_STEPS, Playbook

DEFAULTS = Path(calmdesk.playbook.__file__).parent / "defaults"


def with_replies(replies: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEFAULTS / "en.yaml").read_text(encoding="utf-8"))
    data["public"]["reply_phrases"] = replies
    return data


def every_step(text: str = "Sorry, {author}.") -> dict[str, Any]:
    return {step: {"pl": [text], "ru": [text], "en": [text]} for step in PUBLIC_REPLY_STEPS}


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_the_shipped_playbooks_have_every_step_in_every_language(lang: str) -> None:
    replies = default_playbook(lang).public.reply_phrases
    assert tuple(replies) == PUBLIC_REPLY_STEPS
    for texts in replies.values():
        assert all(texts[language] for language in ("pl", "ru", "en"))


def test_a_sound_set_of_phrases_loads() -> None:
    assert Playbook.model_validate(with_replies(every_step())).public.reply_phrases


def test_an_unknown_placeholder_is_refused_with_its_path() -> None:
    replies = every_step()
    replies["counteract"]["ru"] = ["Ответим до {when}."]
    with pytest.raises(ValidationError, match=r"public\.reply_phrases\.counteract\.ru\[0\]"):
        Playbook.model_validate(with_replies(replies))


def test_an_unknown_step_and_a_missing_step_are_refused() -> None:
    replies = every_step()
    replies["praise"] = replies.pop("improve")
    with pytest.raises(ValidationError) as error:
        Playbook.model_validate(with_replies(replies))
    assert "unknown step 'praise'" in str(error.value)
    assert "missing step 'improve'" in str(error.value)


def test_a_missing_translation_is_refused() -> None:
    replies = every_step()
    del replies["apologise"]["pl"]
    with pytest.raises(ValidationError, match="missing translation for 'pl'"):
        Playbook.model_validate(with_replies(replies))
