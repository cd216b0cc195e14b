"""`calmdesk bench`: speed of the analysis and of the coach on this machine."""

from __future__ import annotations

import importlib
import json
import os
import platform
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from calmdesk.errors import InvalidInput

MAX_MESSAGES = 1_000_000


class Suite(StrEnum):
    ANALYSIS = "analysis"
    COACH = "coach"
    ALL = "all"


def _machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "tone_model": _tone_variant(),
    }


def _tone_variant() -> str:
    from calmdesk.analysis.model import variant_name

    return variant_name()


def _coach_bench(n: int) -> dict[str, Any]:
    """The coach helper's ``run_coach_bench``; a clear note while it does not exist yet."""
    try:
        module = importlib.import_module("calmdesk.coach.bench")
    except ImportError:
        return {"error": "calmdesk.coach.bench is not installed"}
    result: dict[str, Any] = module.run_coach_bench(n=n)
    return result


def _print_analysis(console: Console, figures: dict[str, Any]) -> None:
    table = Table(title="analysis")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    rows = [
        ("single message p50", f"{figures['p50_ms']:.2f} ms", "<= 3 ms"),
        ("single message p99", f"{figures['p99_ms']:.2f} ms", "<= 10 ms"),
        ("single message mean", f"{figures['mean_ms']:.2f} ms", ""),
        ("CPU time p50 / p99", f"{figures['cpu_p50_ms']:.2f} / {figures['cpu_p99_ms']:.2f} ms", ""),
        ("words per message", f"{figures['mean_words']}", "~20"),
        (
            f"batch of {figures['batch_messages']}",
            f"{figures['batch_per_second']:.0f} msg/s",
            ">= 1000 msg/s",
        ),
        ("model load (fresh process)", _seconds(figures["model_load_s"]), "<= 1.5 s"),
        ("first analysis (fresh process)", _seconds(figures["first_analysis_s"]), ""),
        (
            "resident memory now / peak",
            f"{figures['rss_mb']} / {figures['peak_rss_mb']} MB",
            "<= 300 MB",
        ),
        ("batch sent to the sentence encoder", f"{figures['encoder_share']:.0%}", ""),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _print_coach(console: Console, figures: dict[str, Any]) -> None:
    table = Table(title="coach")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        table.add_row(str(key), str(value))
    console.print(table)


def bench_command(
    suite: Annotated[Suite, typer.Option(help="Which measurements to run.")] = Suite.ANALYSIS,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    n: Annotated[int, typer.Option("--n", help="Messages for the latency figures.")] = 2000,
    batch: Annotated[int, typer.Option(help="Messages in the throughput batch.")] = 10_000,
    skip_load: Annotated[
        bool, typer.Option("--skip-load", help="Do not time the model load in a subprocess.")
    ] = False,
) -> None:
    """Latency, throughput, load time and memory, measured on this machine."""
    for name, value in (("--n", n), ("--batch", batch)):
        if not 1 <= value <= MAX_MESSAGES:
            raise InvalidInput(f"{name} must be between 1 and {MAX_MESSAGES}, got {value}")
    console = Console(stderr=as_json)
    results: dict[str, Any] = {"machine": _machine()}
    if suite in (Suite.ANALYSIS, Suite.ALL):
        from calmdesk.analysis.bench import run_analysis_bench

        with console.status("measuring the analysis...") as status:
            analysis = run_analysis_bench(
                n,
                batch,
                measure_load_time=not skip_load,
                on_step=lambda text: status.update(f"analysis: {text}"),
            )
        results["analysis"] = analysis.to_dict()
    if suite in (Suite.COACH, Suite.ALL):
        with console.status("measuring the coach..."):
            results["coach"] = _coach_bench(n)
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    machine = results["machine"]
    console.print(
        f"machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}; "
        f"tone model: {machine['tone_model']}"
    )
    if "analysis" in results:
        _print_analysis(console, results["analysis"])
    if "coach" in results:
        _print_coach(console, results["coach"])


def register(app: typer.Typer) -> None:
    """Add `calmdesk bench`."""
    app.command("bench")(bench_command)
