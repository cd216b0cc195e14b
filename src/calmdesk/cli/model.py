"""`calmdesk model train` (train the tone model) and `calmdesk eval` (score the pipeline)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from calmdesk.errors import InvalidInput

model_app = typer.Typer(help="Train and inspect the tone model (abuse and anger).")

DataOption = Annotated[
    Path, typer.Option("--data", help="Folder with the public labelled sets (see its README).")
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Where to write the weights (default: inside the package)."),
]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    )


def _reporter(progress: Progress) -> Callable[[str, int, int], None]:
    """A progress callback showing one bar per step description."""
    tasks: dict[str, TaskID] = {}

    def report(description: str, done: int, total: int) -> None:
        if description not in tasks:
            tasks[description] = progress.add_task(escape(description), total=total)
        progress.update(tasks[description], completed=done, total=total)

    return report


@model_app.command("train")
def train_command(
    data: DataOption = Path("../shared/data"),
    out: OutOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev split and the solver.")] = 13,
    customer_service: Annotated[
        Path, typer.Option(help="CalmDesk's own labelled messages (train part).")
    ] = Path("datasets/customer_service/train.jsonl"),
    cache: Annotated[
        Path | None, typer.Option(help="Embedding cache folder (default: the user cache dir).")
    ] = None,
    fast: Annotated[
        bool,
        typer.Option("--fast", help="Train the fast variant: no sentence encoder at run time."),
    ] = False,
    student: Annotated[
        bool,
        typer.Option(
            "--student",
            help="Train the cascade's first stage: n-gram heads taught by the installed full "
            "model.",
        ),
    ] = False,
) -> None:
    """Train the abuse and anger heads, print dev scores per set, write the weights."""
    import platformdirs

    from calmdesk.analysis.distil import train_student
    from calmdesk.analysis.model import DEFAULT_WEIGHTS, FAST_WEIGHTS, STUDENT_WEIGHTS
    from calmdesk.analysis.train import require_training_libraries, train

    if fast and student:
        raise InvalidInput("choose one of --fast and --student")
    require_training_libraries()

    cache_dir = cache or Path(platformdirs.user_cache_dir("calmdesk")) / "embeddings"
    with _progress() as progress:
        report = _reporter(progress)

        if student:
            result = train_student(
                data,
                DEFAULT_WEIGHTS,
                out=out or STUDENT_WEIGHTS,
                seed=seed,
                customer_service=customer_service,
                cache_dir=cache_dir,
                progress=report,
            )
        else:
            result = train(
                data,
                out=out or (FAST_WEIGHTS if fast else DEFAULT_WEIGHTS),
                seed=seed,
                customer_service=customer_service,
                cache_dir=cache_dir,
                progress=report,
                with_embeddings=not fast,
            )
    table = Table(title="Dev scores (positive class, threshold 0.5)")
    for column in ("head", "set", "rows", "positives", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column in ("head", "set") else "right")
    for s in result.dev:
        table.add_row(
            s.head,
            s.source,
            str(s.rows),
            str(s.positives),
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
        )
    console = Console()
    console.print(table)
    console.print(f"weights: {result.out} ({result.size_bytes / 1e6:.1f} MB)")


@model_app.command("gate")
def gate_command(
    data: DataOption = Path("../shared/data"),
    out: OutOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev split (as in training).")] = 13,
    customer_service: Annotated[
        Path, typer.Option(help="CalmDesk's own labelled messages (its dev part is used).")
    ] = Path("datasets/customer_service/train.jsonl"),
    limit: Annotated[
        int | None, typer.Option(min=10, help="Dev rows per set (default: all).")
    ] = None,
) -> None:
    """Choose when the cascade may skip the sentence encoder, on the dev split; write the bands."""
    from calmdesk.analysis.gate import choose, collect, gate_from
    from calmdesk.analysis.model import GATE_FILE

    if not data.is_dir():
        raise InvalidInput(f"data folder not found: {data}")
    with _progress() as progress:
        report = _reporter(progress)

        scores = collect(data, customer_service, seed=seed, limit=limit, progress=report)
        result = choose(scores)
    gate = gate_from(result)
    target = out or GATE_FILE
    target.write_text(gate.to_json(), encoding="utf-8")
    chosen = result.chosen
    console = Console()
    table = Table(title=f"Dev rows: {result.rows}")
    for column in ("model", "encoder share", "level = full", "abuse F1", "anger F1"):
        table.add_column(column, justify="left" if column == "model" else "right")
    table.add_row(
        "full", "100%", "100%", f"{result.full_abuse_f1:.4f}", f"{result.full_anger_f1:.4f}"
    )
    table.add_row(
        "first stage", "0%", "", f"{result.quick_abuse_f1:.4f}", f"{result.quick_anger_f1:.4f}"
    )
    table.add_row(
        "cascade",
        f"{chosen.encoder_share:.1%}",
        f"{chosen.agreement:.2%}",
        f"{chosen.abuse_f1:.4f}",
        f"{chosen.anger_f1:.4f}",
    )
    console.print(table)
    console.print(
        f"bands: abuse {chosen.abuse.low:.2f}-{chosen.abuse.high:.2f}, "
        f"anger {chosen.anger.low:.2f}-{chosen.anger.high:.2f}; written to {target}"
    )


def eval_command(
    file: Annotated[Path, typer.Argument(help="JSONL rows: text, lang, abuse, anger, intents.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Precision, recall and F1 of the full analysis per language and per signal."""
    from calmdesk.analysis.evaluate import evaluate

    console = Console()
    err = Console(stderr=True)
    if as_json:
        report = evaluate(file)
    else:
        with _progress() as progress:
            task = progress.add_task("analysing", total=None)
            report = evaluate(
                file,
                on_batch=lambda done, total: progress.update(task, completed=done, total=total),
            )
    for bad in report.bad_lines:
        err.print(f"skipped line {bad.line}: {escape(bad.problem)}", highlight=False)
    if not report.rows:
        raise InvalidInput(f"{file}: no valid rows to evaluate")
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{escape(str(file))}: {report.rows} rows")
    for column in ("signal", "lang", "rows", "support", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column in ("signal", "lang") else "right")
    for m in report.metrics:
        table.add_row(
            m.signal,
            m.lang,
            str(m.rows),
            str(m.support),
            f"{m.precision:.3f}",
            f"{m.recall:.3f}",
            f"{m.f1:.3f}",
            end_section=m.lang == "all",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `calmdesk model ...` and the top-level `calmdesk eval`."""
    app.add_typer(model_app, name="model")
    app.command("eval")(eval_command)
