"""The cascade: the n-gram heads answer alone where they are sure, the full model (with the
sentence encoder) scores the rest, and a message the lexicons already found abusive never
reaches the encoder."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from calmdesk.analysis import pipeline
from calmdesk.analysis.gate import DevScores, choose, evaluate_bands, gate_from, routed
from calmdesk.analysis.model import (
    DEFAULT_WEIGHTS,
    FAST_WEIGHTS,
    GATE_FILE,
    Band,
    CascadeToneModel,
    Gate,
    LinearToneModel,
    load_default_model,
    variant_name,
)
from calmdesk.errors import ConfigurationError

from .test_model_train import run_cli, write_tiny_data

TEXTS = [
    "Dzień dobry, faktura jest o 200 zł wyższa niż w umowie.",
    "TO JUŻ TRZECI RAZ DZWONIĘ I NIKT NIC NIE ZROBIŁ!!!",
    "You are a useless waste of space.",
    "Спасибо, всё понятно.",
]
LANGS = ["pl", "pl", "en", "ru"]


class CountingEncoder:
    """The real sentence encoder, counting the texts it is asked to embed."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.seen += texts
        return self.inner.encode(texts)  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="module")
def quick() -> LinearToneModel:
    return LinearToneModel.load(FAST_WEIGHTS)


@pytest.fixture(scope="module")
def shared_full() -> LinearToneModel:
    model = LinearToneModel.load(DEFAULT_WEIGHTS)
    model.warm_up()
    return model


@pytest.fixture
def full(shared_full: LinearToneModel) -> Iterator[LinearToneModel]:
    counting = CountingEncoder(shared_full.encoder)
    model = LinearToneModel(heads=shared_full.heads, meta=shared_full.meta, encoder=counting)  # type: ignore[arg-type]
    yield model


def cascade(
    quick: LinearToneModel, full: LinearToneModel, low: float, high: float
) -> CascadeToneModel:
    return CascadeToneModel(quick=quick, full=full, gate=Gate(Band(low, high), Band(low, high)))


def seen(model: LinearToneModel) -> list[str]:
    return model.encoder.seen  # type: ignore[attr-defined, no-any-return]


def test_a_gate_open_everywhere_gives_the_full_models_scores(
    quick: LinearToneModel, full: LinearToneModel, shared_full: LinearToneModel
) -> None:
    scores = cascade(quick, full, 0.0, 1.0).predict(TEXTS, LANGS)
    expected = shared_full.predict(TEXTS, LANGS)
    assert [s.scorer for s in scores] == ["full"] * len(TEXTS)
    assert [round(s.anger, 5) for s in scores] == [round(s.anger, 5) for s in expected]
    assert seen(full) == TEXTS


def test_a_closed_gate_keeps_the_ngram_scores_and_never_calls_the_encoder(
    quick: LinearToneModel, full: LinearToneModel
) -> None:
    scores = cascade(quick, full, 1.0, 1.0).predict(TEXTS, LANGS)
    expected = quick.predict(TEXTS, LANGS)
    assert [s.scorer for s in scores] == ["ngrams"] * len(TEXTS)
    assert [s.abuse for s in scores] == [s.abuse for s in expected]
    assert seen(full) == []


def test_only_the_texts_inside_a_band_reach_the_encoder(
    quick: LinearToneModel, full: LinearToneModel
) -> None:
    ngram_scores = quick.predict(TEXTS, LANGS)
    band = Band(0.3, 0.7)
    unsure = [
        text
        for text, s in zip(TEXTS, ngram_scores, strict=True)
        if s.abuse in band or s.anger in band
    ]
    scores = CascadeToneModel(quick=quick, full=full, gate=Gate(band, band)).predict(TEXTS, LANGS)
    assert seen(full) == unsure
    assert [s.scorer == "full" for s in scores] == [t in unsure for t in TEXTS]


def test_a_message_settled_by_the_lexicons_skips_the_encoder(
    quick: LinearToneModel, full: LinearToneModel
) -> None:
    scores = cascade(quick, full, 0.0, 1.0).predict(
        TEXTS, LANGS, settled=[False, False, True, False]
    )
    assert "You are a useless waste of space." not in seen(full)
    assert scores[2].scorer == "ngrams"
    assert len(seen(full)) == 3


def test_settled_must_match_the_texts(quick: LinearToneModel, full: LinearToneModel) -> None:
    with pytest.raises(ValueError, match="same length"):
        cascade(quick, full, 0.0, 1.0).predict(TEXTS, LANGS, settled=[True])


def test_the_pipeline_tells_which_model_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_default_model("cascade")
    assert isinstance(model, CascadeToneModel)
    swearing = pipeline.analyze("Kurwa, ile można czekać na tę paczkę!", "pl")
    reasons = [e.reason for e in swearing.explanations if e.source == "model"]
    assert reasons and all(reason.startswith("tone model (n-grams)") for reason in reasons)
    assert swearing.level == "abusive"


def test_the_default_variant_is_the_cascade_with_the_shipped_gate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CALMDESK_TONE_MODEL", raising=False)
    assert variant_name() == "cascade"
    model = load_default_model()
    assert isinstance(model, CascadeToneModel)
    shipped = Gate.load(GATE_FILE)
    assert model.gate.abuse == shipped.abuse and model.gate.anger == shipped.anger
    assert shipped.meta["encoder_share"] < 1.0
    assert shipped.meta["level_agreement_with_full"] >= 0.99
    assert isinstance(load_default_model("full"), LinearToneModel)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "cannot read the cascade gate"),
        (json.dumps({"abuse": [0.1, 0.9]}), "cannot read the cascade gate"),
        (json.dumps({"abuse": [0.1, 0.9], "anger": [0.8, 0.2]}), "anger band"),
        (json.dumps({"abuse": [-0.1, 0.9], "anger": [0.2, 0.8]}), "abuse band"),
    ],
)
def test_a_broken_gate_file_is_a_configuration_error(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "cascade.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=problem):
        Gate.load(path)


def test_a_gate_round_trips_through_its_file(tmp_path: Path) -> None:
    gate = Gate(Band(0.1, 0.9), Band(0.25, 0.75), meta={"dev_rows": 3})
    path = tmp_path / "cascade.json"
    path.write_text(gate.to_json(), encoding="utf-8")
    assert Gate.load(path) == gate


def synthetic_scores() -> DevScores:
    """Ten rows: the n-gram model is wrong exactly where its anger score is between 0.4 and 0.6;
    row 9 is settled by the lexicons (abusive either way)."""
    anger = np.array([0.05, 0.1, 0.45, 0.5, 0.55, 0.9, 0.95, 0.2, 0.8, 0.5])
    level_full = np.array([0, 0, 2, 0, 2, 2, 2, 0, 2, 3], dtype=np.int8)
    level_quick = level_full.copy()
    level_quick[[2, 3, 4]] = [0, 2, 0]
    return DevScores(
        sources=["s"] * 10,
        abuse_label=np.full(10, -1, dtype=np.int8),
        anger_label=(level_full >= 2).astype(np.int8),
        settled=np.array([False] * 9 + [True]),
        quick=np.column_stack([np.full(10, 0.01), anger]),
        level_quick=level_quick,
        level_full=level_full,
    )


def test_routing_skips_settled_rows() -> None:
    scores = synthetic_scores()
    to_full = routed(scores, Band(0.0, 1.0), Band(0.0, 1.0))
    assert to_full.tolist() == [True] * 9 + [False]


def test_the_chosen_gate_is_the_cheapest_that_agrees_with_the_full_model() -> None:
    scores = synthetic_scores()
    report = choose(scores)
    chosen = report.chosen
    assert chosen.agreement == 1.0
    assert chosen.anger_f1 == report.full_anger_f1
    # Rows 2-4 must go to the full model; nothing else needs to.
    assert routed(scores, chosen.abuse, chosen.anger).tolist()[2:5] == [True, True, True]
    assert chosen.encoder_share == pytest.approx(0.3)
    meta = gate_from(report).meta
    assert meta["encoder_share"] == pytest.approx(0.3)
    closed = evaluate_bands(scores, Band(1.0, 1.0), Band(1.0, 1.0))
    assert closed.agreement == pytest.approx(0.7) and closed.encoder_share == 0.0


def test_the_gate_command_writes_bands_from_the_dev_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tiny_data(data)
    out = tmp_path / "cascade.json"
    result = run_cli("model", "gate", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    gate = Gate.load(out)
    assert gate.meta["dev_rows"] > 0
    assert "cascade" in result.stdout and "encoder share" in result.stdout


def test_the_gate_command_names_a_missing_data_folder(tmp_path: Path) -> None:
    result = run_cli("model", "gate", "--data", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "data folder not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_default_cascade_starts_with_the_student_of_the_full_model() -> None:
    model = load_default_model("cascade")
    assert isinstance(model, CascadeToneModel)
    assert model.quick.meta["teacher"] == DEFAULT_WEIGHTS.name
    assert not model.quick.uses_embeddings


@pytest.mark.slow
def test_the_student_learns_from_the_full_model(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tiny_data(data)
    out = tmp_path / "student.npz"
    args = ["--data", str(data), "--out", str(out), "--cache", str(tmp_path / "cache")]
    result = run_cli("model", "train", "--student", *args)
    assert result.returncode == 0, result.stderr
    student = LinearToneModel.load(out)
    assert student.meta["teacher"] == DEFAULT_WEIGHTS.name and not student.uses_embeddings
    calm, rude = student.predict(["dziękuję za pomoc 99", "kurwa idioto 99"], ["pl", "pl"])
    assert rude.abuse > calm.abuse


def test_fast_and_student_cannot_be_trained_at_once(tmp_path: Path) -> None:
    result = run_cli("model", "train", "--fast", "--student", "--data", str(tmp_path))
    assert result.returncode == 2
    assert "choose one of --fast and --student" in result.stderr
