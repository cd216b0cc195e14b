"""`calmdesk bench`: runs end to end on a tiny sample and rejects bad options clearly. The
figures themselves are recorded in docs/benchmarks.md, never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from calmdesk.analysis.bench import percentile, sample_messages


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calmdesk", *args], capture_output=True, text=True, check=False
    )


def test_analysis_suite_reports_every_figure_as_json() -> None:
    result = run_cli("bench", "--suite", "analysis", "--n", "5", "--batch", "7", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    analysis = figures["analysis"]
    assert analysis["messages"] == 5 and analysis["batch_messages"] == 7
    assert 0 < analysis["p50_ms"] <= analysis["p99_ms"]
    assert analysis["batch_per_second"] > 0
    assert analysis["model_load_s"] is None or analysis["model_load_s"] > 0
    assert analysis["first_analysis_s"] > 0
    assert analysis["peak_rss_mb"] > 0 and analysis["rss_mb"] > 0
    assert 0.0 <= analysis["encoder_share"] <= 1.0
    assert figures["machine"]["cores"] >= 1


def bench_share(variant: str) -> float:
    command = ["bench", "--n", "3", "--batch", "30", "--skip-load", "--json"]
    result = subprocess.run(
        [sys.executable, "-m", "calmdesk", *command],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CALMDESK_TONE_MODEL": variant},
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["machine"]["tone_model"] == variant
    return float(figures["analysis"]["encoder_share"])


def test_the_share_sent_to_the_encoder_follows_the_variant() -> None:
    # The sample swears or insults in half its messages (settled by the lexicons) and is calm
    # in the rest: the cascade embeds some of them, the fast variant none, the full one all.
    assert bench_share("fast") == 0.0
    assert 0.0 < bench_share("cascade") < 1.0
    assert bench_share("full") == 1.0


def test_table_output_names_the_targets() -> None:
    result = run_cli("bench", "--n", "3", "--batch", "3", "--skip-load")
    assert result.returncode == 0, result.stderr
    assert "p50" in result.stdout and "<= 3 ms" in result.stdout


def test_a_non_positive_count_is_rejected_with_a_clear_message() -> None:
    result = run_cli("bench", "--n", "0")
    assert result.returncode == 2
    assert "--n must be between 1 and" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_suite_is_a_usage_error() -> None:
    result = run_cli("bench", "--suite", "everything")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_sample_messages_are_about_twenty_words_in_three_languages() -> None:
    messages = sample_messages(30)
    words = [len(m.split()) for m in messages]
    assert 14 <= sum(words) / len(words) <= 26
    assert any("zł" in m for m in messages) and any("рубл" in m for m in messages)
    assert sample_messages(30) == messages


def test_percentile_uses_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.5) == 0.0
