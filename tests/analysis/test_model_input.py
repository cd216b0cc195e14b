"""The tone model does not hear swear words inside innocent look-alikes."""

import pytest

from calmdesk.analysis.base import Document
from calmdesk.analysis.model_input import model_text
from calmdesk.analysis.normalize import tokenize
from calmdesk.analysis.signals import ProfanitySpan


def doc_of(text: str, lang: str) -> Document:
    return Document.build(text, lang, tokenize(text))


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "Ребята, я купил скипидар и хлеб.", "Ребята, я купил  и хлеб."),
        ("ru", "Сукно пришло мятое.", " пришло мятое."),
        ("en", "I live in Scunthorpe.", "I live in ."),
        ("pl", "Wypieram się tej umowy.", " się tej umowy."),
    ],
)
def test_an_unflagged_word_holding_a_swear_fragment_is_hidden(
    lang: str, text: str, expected: str
) -> None:
    assert model_text(doc_of(text, lang), []) == expected


def test_a_word_the_lexicons_flagged_stays_for_the_model() -> None:
    text = "Ty kurwo, oddawaj kasę."
    flagged = [ProfanitySpan(3, 8, "kurwo", "profanity", "kurwo", "kurw")]
    assert model_text(doc_of(text, "pl"), flagged) == text


def test_text_without_fragments_is_passed_unchanged() -> None:
    text = "Faktura jest o 200 zł wyższa niż w umowie."
    assert model_text(doc_of(text, "pl"), []) == text
