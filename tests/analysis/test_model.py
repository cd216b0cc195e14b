"""The shipped tone model: it loads from the package, returns probabilities and ranks an obvious
insult above a calm complaint in every language."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from calmdesk.analysis.features import (
    HASH_DIM,
    SentenceEncoder,
    ngram_features,
    normalize_for_ngrams,
)
from calmdesk.analysis.model import (
    DEFAULT_WEIGHTS,
    FAST_WEIGHTS,
    PREDICT_CHUNK,
    LinearToneModel,
    ToneScores,
    load_default_model,
    variant_name,
)
from calmdesk.errors import ConfigurationError

CALM_VS_ABUSIVE = [
    ("pl", "Faktura jest o 200 zł wyższa niż w umowie.", "Ty pierdolony idioto, oddawaj kasę."),
    (
        "ru",
        "В счёте сумма на 500 рублей больше, чем в договоре.",
        "Ты тупой урод, верни деньги, блядь.",
    ),
    (
        "en",
        "My invoice is 40 pounds higher than the contract.",
        "You fucking idiot, give me my money.",
    ),
]
CALM_VS_ANGRY = [
    ("pl", "Proszę o korektę faktury.", "TO JUŻ TRZECI RAZ DZWONIĘ I NIKT NIC NIE ZROBIŁ!!!"),
    ("ru", "Прошу исправить счёт.", "Я ЗВОНЮ УЖЕ ТРЕТИЙ РАЗ, И НИКТО НИЧЕГО НЕ СДЕЛАЛ!!!"),
    (
        "en",
        "Please correct the invoice.",
        "THIS IS THE THIRD TIME I'M CALLING AND NOTHING IS DONE!!!",
    ),
]


@pytest.fixture(scope="module")
def model() -> LinearToneModel:
    loaded = load_default_model("full")
    assert loaded is not None, f"no weights at {DEFAULT_WEIGHTS}"
    assert isinstance(loaded, LinearToneModel)
    return loaded


def test_the_weights_ship_inside_the_package_and_are_small() -> None:
    assert DEFAULT_WEIGHTS.is_file()
    assert DEFAULT_WEIGHTS.stat().st_size < 5_000_000


def test_it_is_loaded_once_per_process(model: LinearToneModel) -> None:
    assert load_default_model("full") is model


def test_scores_are_probabilities_one_per_text(model: LinearToneModel) -> None:
    texts = ["", "ok", "💩💩💩", "a" * 50_000, "Zwrot\x00\x07 pieniędzy"]
    scores = model.predict(texts, ["pl", "en", "other", "ru", "xx"])
    assert len(scores) == len(texts)
    for s in scores:
        assert isinstance(s, ToneScores)
        assert 0.0 <= s.abuse <= 1.0
        assert 0.0 <= s.anger <= 1.0


@pytest.mark.parametrize(("lang", "calm", "abusive"), CALM_VS_ABUSIVE)
def test_an_insult_scores_more_abusive_than_a_calm_complaint(
    model: LinearToneModel, lang: str, calm: str, abusive: str
) -> None:
    calm_score, abusive_score = model.predict([calm, abusive], [lang, lang])
    assert abusive_score.abuse > 0.5 > calm_score.abuse


@pytest.mark.parametrize(("lang", "calm", "angry"), CALM_VS_ANGRY)
def test_a_shouted_complaint_scores_angrier_than_a_calm_one(
    model: LinearToneModel, lang: str, calm: str, angry: str
) -> None:
    calm_score, angry_score = model.predict([calm, angry], [lang, lang])
    assert angry_score.anger > calm_score.anger


def test_a_batch_scores_like_single_texts(model: LinearToneModel) -> None:
    texts = ["Kurwa, gdzie paczka?", "Thank you for your help."]
    batch = model.predict(texts, ["pl", "en"])
    single = [model.predict([t], [lang])[0] for t, lang in zip(texts, ["pl", "en"], strict=True)]
    for b, s in zip(batch, single, strict=True):
        assert b.abuse == pytest.approx(s.abuse, abs=1e-3)


def test_mismatched_langs_are_rejected(model: LinearToneModel) -> None:
    with pytest.raises(ValueError, match="same length"):
        model.predict(["a", "b"], ["en"])


def test_saved_weights_round_trip(model: LinearToneModel, tmp_path: Path) -> None:
    path = tmp_path / "tone.npz"
    model.save(path)
    again = LinearToneModel.load(path)
    again.encoder = model.encoder
    text = ["Jesteście bandą złodziei"]
    assert again.predict(text, ["pl"])[0].abuse == pytest.approx(
        model.predict(text, ["pl"])[0].abuse, abs=2e-3
    )


def test_a_broken_weights_file_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "tone.npz"
    path.write_bytes(b"not a numpy archive")
    with pytest.raises(ConfigurationError, match="cannot read"):
        LinearToneModel.load(path)


def test_ngram_hashing_is_the_same_in_every_process() -> None:
    # Python's hash() is salted per process; the shipped weights need a fixed hash.
    probe = (
        "from calmdesk.analysis.features import ngram_features as f; print(f('kurwa')[0].tolist())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", probe],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    idx, values = ngram_features("kurwa")
    assert outputs == {f"{idx.tolist()}\n"}
    assert idx.min() >= 0 and idx.max() < HASH_DIM
    assert np.isclose(float(np.dot(values, values)), 1.0)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("sh1t", "shit"), ("kuuuurwa", "kuurwa"), ("D3BIL", "debil"), ("$uka", "suka")],
)
def test_obfuscated_spellings_are_normalised_before_hashing(typed: str, normalised: str) -> None:
    assert normalize_for_ngrams(typed) == normalised


def test_a_batch_longer_than_one_chunk_scores_every_text(model: LinearToneModel) -> None:
    texts = [f"Zamówienie {i} nie dotarło" for i in range(PREDICT_CHUNK)] + ["Ty chuju"]
    scores = model.predict(texts, ["pl"] * len(texts))
    assert len(scores) == len(texts)
    last = model.predict(["Ty chuju"], ["pl"])[0]
    assert scores[-1].abuse == pytest.approx(last.abuse, abs=1e-3)
    assert scores[-1].abuse > scores[0].abuse


def test_the_fast_variant_never_loads_the_sentence_encoder() -> None:
    fast = load_default_model("fast")
    assert isinstance(fast, LinearToneModel)
    assert not fast.uses_embeddings
    # The process's encoder is shared (the category suggester may have loaded it), so the
    # model gets an encoder that fails if it is ever asked to embed.
    never = dataclasses.replace(fast, encoder=_RefusingEncoder())
    calm, rude = never.predict(
        ["Proszę o korektę faktury.", "Ty pierdolony idioto, oddawaj kasę."], ["pl", "pl"]
    )
    assert rude.abuse > 0.5 > calm.abuse


class _RefusingEncoder(SentenceEncoder):
    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        raise AssertionError(f"the fast variant embedded {list(texts)!r}")


def test_the_variant_is_chosen_by_name_and_an_unknown_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CALMDESK_TONE_MODEL", raising=False)
    assert variant_name() == "cascade"
    assert variant_name("Full") == "full"
    monkeypatch.setenv("CALMDESK_TONE_MODEL", "fast")
    assert variant_name() == "fast"
    fast = load_default_model()
    assert isinstance(fast, LinearToneModel) and not fast.uses_embeddings
    assert DEFAULT_WEIGHTS.is_file() and FAST_WEIGHTS.is_file()
    monkeypatch.setenv("CALMDESK_TONE_MODEL", "tiny")
    with pytest.raises(ConfigurationError, match="CALMDESK_TONE_MODEL='tiny'"):
        variant_name()


def test_the_encoder_threads_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from calmdesk.analysis.features import THREADS_ENV, SentenceEncoder, encoder_threads

    monkeypatch.setenv(THREADS_ENV, "1")
    assert encoder_threads() == 1 and SentenceEncoder().threads == 1
    monkeypatch.delenv(THREADS_ENV)
    assert 1 <= encoder_threads() <= 2
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(ConfigurationError, match=THREADS_ENV):
            encoder_threads()
