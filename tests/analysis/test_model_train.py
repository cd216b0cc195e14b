"""`calmdesk model train`: a reproducible run on a tiny copy of the data layout writes weights
that load and score; a wrong data folder is a clear error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from calmdesk.analysis import train
from calmdesk.analysis.model import LinearToneModel
from calmdesk.analysis.train_data import PUBLIC_SETS
from tests.playbook.test_load import run_cli as run_in_process

POSITIVE: dict[str, object] = {
    "en_tweeteval_offensive": "offensive",
    "en_tweeteval_hate": "hate",
    "en_davidson_hate_offensive": "offensive_language",
    "pl_ban_pl": "harmful",
    "pl_poleval2019_cyberbullying": "harmful",
    "ru_toxic_2ch_pikabu": "toxic",
    "ru_paradetox_russe2022": "toxic",
    "en_tweeteval_emotion": "anger",
    "en_goemotions": ["anger"],
    "pl_clarin_emo_poleval2024": ["Anger"],
    "pl_polemic_tweet_emotions": "zlosc",
    "ru_cedr": ["anger"],
    "ru_sentirueval_banks_telecom": "negative",
    "en_tweeteval_sentiment": "negative",
}
WORDS = {
    "pl": ("kurwa idioto", "dziękuję za pomoc"),
    "ru": ("блядь идиот", "спасибо за помощь"),
    "en": ("fuck you idiot", "thanks for the help"),
}


def write_tiny_data(root: Path) -> None:
    for spec in PUBLIC_SETS:
        lang = spec.folder[:2]
        folder = root / spec.folder
        folder.mkdir(parents=True)
        rows = []
        for i in range(24):
            positive = i % 2 == 0
            text = f"{WORDS[lang][0 if positive else 1]} {i}"
            row: dict[str, object] = {"text": text, "lang": lang, "id": str(i), "pair_id": str(i)}
            if spec.folder == "en_bitext_customer_support_20k":
                row.update(label="complaint", offensive_flag_W=positive)
            else:
                row["label"] = POSITIVE[spec.folder] if positive else "neutral"
            rows.append(json.dumps(row, ensure_ascii=False))
        (folder / "train.jsonl").write_text("\n".join(rows), encoding="utf-8")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calmdesk", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_it_trains_reproducible_weights_that_load_and_score(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tiny_data(data)
    customer_service = tmp_path / "cs.jsonl"
    customer_service.write_text(
        json.dumps({"text": "Ty idioto", "lang": "pl", "abuse": 1, "anger": 1}), encoding="utf-8"
    )
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / f"{run}.npz"
        result = run_cli(
            "model", "train", "--data", str(data), "--out", str(out),
            "--cache", str(tmp_path / "cache"), "--customer-service", str(customer_service),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "Dev scores" in result.stdout and "pl_ban_pl" in result.stdout
        outputs.append(LinearToneModel.load(out))
    first, second = outputs
    assert first.meta == second.meta
    for head in ("abuse", "anger"):
        assert (first.heads[head].ngrams == second.heads[head].ngrams).all()
    calm, rude = first.predict(["dziękuję za pomoc 99", "kurwa idioto 99"], ["pl", "pl"])
    assert rude.abuse > calm.abuse


def test_a_missing_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(
        "model", "train", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "x.npz")
    )
    assert result.returncode == 2
    assert "data folder not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_set_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = run_cli(
        "model", "train", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "x.npz")
    )
    assert result.returncode == 2
    assert "training set missing" in result.stderr and "train.jsonl" in result.stderr


def test_without_the_train_extra_it_says_how_to_install_it_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(train, "TRAINING_MODULES", ("calmdesk_no_such_module",))
    code, _, err = run_in_process(
        monkeypatch, capsys, "model", "train", "--data", str(tmp_path / "nope")
    )
    assert code == 2
    assert "training needs scikit-learn" in err and "pip install -e '.[train]'" in err
    assert "data folder not found" not in err  # refused before reading anything
