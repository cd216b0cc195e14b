"""`calmdesk.analysis.evaluate`: reading labelled files and counting P/R/F1 by hand-checkable
examples (the full-pipeline runs are in test_eval_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calmdesk.analysis.evaluate import (
    LabelledRow,
    predicted_labels,
    read_labelled,
    score,
)
from calmdesk.analysis.signals import Signals
from calmdesk.errors import InvalidInput


def row(line: int, **labels: bool) -> LabelledRow:
    return LabelledRow(line=line, text=f"text {line}", lang="pl", labels=labels)


def test_it_counts_precision_recall_and_f1_per_signal() -> None:
    # abuse: predictions T T F F T against truth T F T F T -> tp=2, fp=1, fn=1
    truth = [True, False, True, False, True]
    guess = [True, True, False, False, True]
    rows = [row(i, abuse=t) for i, t in enumerate(truth)]
    predictions = [{"abuse": g} for g in guess]

    metrics = score(rows, predictions, ["pl"] * 5)

    overall = next(m for m in metrics if m.lang == "all")
    assert (overall.tp, overall.fp, overall.fn, overall.support) == (2, 1, 1, 3)
    assert overall.precision == pytest.approx(2 / 3, abs=1e-4)
    assert overall.recall == pytest.approx(2 / 3, abs=1e-4)
    assert overall.f1 == pytest.approx(2 / 3, abs=1e-4)


def test_it_splits_scores_by_language_and_skips_unlabelled_signals() -> None:
    rows = [row(1, abuse=True), row(2, abuse=True, anger=False), row(3, anger=True)]
    predictions = [
        {"abuse": True, "anger": True},
        {"abuse": False, "anger": True},
        {"abuse": True, "anger": True},
    ]

    metrics = score(rows, predictions, ["pl", "ru", "ru"])
    by_key = {(m.signal, m.lang): m for m in metrics}

    assert by_key[("abuse", "pl")].f1 == 1.0
    assert by_key[("abuse", "ru")].recall == 0.0
    assert by_key[("abuse", "all")].rows == 2  # row 3 has no abuse label
    assert by_key[("anger", "ru")].precision == 0.5
    assert ("anger", "pl") not in by_key


def test_no_predicted_positives_gives_zero_not_a_division_error() -> None:
    metrics = score([row(1, abuse=True)], [{"abuse": False}], ["en"])
    assert all(m.precision == 0.0 and m.f1 == 0.0 for m in metrics)


def test_levels_map_to_predicted_abuse_and_anger() -> None:
    abusive = Signals(lang="en", anger=0.9, abuse=0.9, level="abusive")
    angry = Signals(lang="en", anger=0.8, abuse=0.1, level="angry", intents=frozenset({"churn"}))
    upset = Signals(lang="en", anger=0.4, abuse=0.1, level="upset")

    assert predicted_labels(abusive)["abuse"] and predicted_labels(abusive)["anger"]
    assert not predicted_labels(angry)["abuse"] and predicted_labels(angry)["anger"]
    assert predicted_labels(angry)["churn"] and not predicted_labels(angry)["threat_legal"]
    assert not predicted_labels(upset)["anger"]


def test_bad_lines_are_reported_with_their_number_and_the_rest_is_read(tmp_path: Path) -> None:
    good = json.dumps({"text": "Faktura jest za wysoka", "lang": "pl", "abuse": 0})
    path = tmp_path / "rows.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                good.encode(),
                b"{not json",
                b'{"text": "ok", "abuse": 2}',
                b'{"text": "\xff\xfe broken utf-8"}',
                b"",
                b'{"text": "   "}',
                b'{"text": "x", "intents": ["world_peace"]}',
                json.dumps({"text": "Chcę kierownika", "intents": ["supervisor_request"]}).encode(),
            ]
        )
    )

    rows, bad = read_labelled(path)

    assert [r.line for r in rows] == [1, 8]
    assert rows[1].labels["supervisor_request"] and not rows[1].labels["churn"]
    problems = {b.line: b.problem for b in bad}
    assert set(problems) == {2, 3, 4, 6, 7}
    assert "JSON" in problems[2]
    assert "0 or 1" in problems[3]
    assert "UTF-8" in problems[4]
    assert "non-empty" in problems[6]
    assert "world_peace" in problems[7]


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="file not found"):
        read_labelled(tmp_path / "nope.jsonl")
