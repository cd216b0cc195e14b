"""`calmdesk analyze`: analyse one message (readable or ``--json``) or a JSONL file in batches.

A batch file has one message a line: a JSON object with ``text`` and optionally ``lang`` (other
keys such as ``id`` are copied to the output), or a plain line of text. A line that is not valid
UTF-8, not valid JSON, or has no usable ``text`` becomes an error row naming its line number;
the rest of the file is still processed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from calmdesk.analysis import Signals, analyze_many
from calmdesk.analysis.line import MAX_TEXT_CHARS, check_line
from calmdesk.analysis.long_text import analyze_long
from calmdesk.analysis.pipeline import check_lang
from calmdesk.errors import CalmDeskError, InvalidInput

# Messages sent to the analyser (and its model) together when reading a file.
BATCH_SIZE = 256
_LEVEL_STYLES = {"calm": "green", "upset": "yellow", "angry": "dark_orange", "abusive": "bold red"}


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command(name="analyze")(analyze_command)


def analyze_command(
    text: Annotated[str | None, typer.Argument(help="The message to analyse.")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Force the language: pl, ru, en, other.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the signals as JSON.")] = False,
    input_file: Annotated[
        Path | None, typer.Option("--input", "-i", help="A JSONL file of messages to analyse.")
    ] = None,
    output_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write JSONL results.")
    ] = None,
) -> None:
    """Analyse a message: language, abuse, anger, level, intents, facts, personal data, and why.

    Give TEXT, or --input FILE.jsonl (rows with "text" and optional "lang") with --output."""
    if (text is None) == (input_file is None):
        raise InvalidInput("give either a TEXT to analyse or --input FILE", code="usage")
    if input_file is not None:
        if output_file is None:
            raise InvalidInput("--input needs --output FILE for the results", code="usage")
        _analyze_file(input_file, output_file)
        return
    assert text is not None
    console = Console(highlight=False)
    if len(text) > MAX_TEXT_CHARS:  # a letter: in pieces, each finding at its place
        found = analyze_long(text, lang)
        signals = found.signals
        if not as_json:
            for finding in found.findings:
                console.print(
                    Text.assemble(
                        (f"{finding.start:,}–{finding.end:,} ", "bold"),
                        (finding.level, _LEVEL_STYLES[finding.level]),
                        f" {' '.join(finding.intents)} ",
                        finding.sentence[:200],
                    )
                )
    else:
        signals = analyze_many([text], None if lang is None else [lang])[0]
    if as_json:
        console.out(json.dumps(signals.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_readable(console, text, signals)


def _print_readable(console: Console, text: str, signals: Signals) -> None:
    """Customer text is shown through ``Text`` objects, never parsed as Rich markup."""
    style = _LEVEL_STYLES[signals.level]
    header = Text.assemble(
        ("level ", "bold"),
        (signals.level, style),
        f"   abuse {signals.abuse:.2f}   anger {signals.anger:.2f}   lang {signals.lang}",
    )
    flags = [
        name
        for name, on in (
            ("insult directed", signals.insult_directed),
            ("shouting", signals.shouting),
        )
        if on
    ]
    flags += sorted(signals.intents)
    if flags:
        header.append("\nflags: " + ", ".join(flags), style="bold")
    console.print(header)
    if signals.profanity:
        console.print(
            Text("abuse: ")
            + Text(
                ", ".join(f"{span.text} [{span.kind}: {span.entry}]" for span in signals.profanity)
            )
        )
    if signals.facts:
        console.print(
            Text("facts: ")
            + Text(", ".join(f"{fact.kind} {fact.value} ('{fact.text}')" for fact in signals.facts))
        )
    if signals.pii:
        console.print(
            Text("personal data: ")
            + Text(", ".join(f"{span.kind} '{span.text}'" for span in signals.pii))
        )
    table = Table("signal", "why", "source", title="explanations", title_justify="left")
    for item in signals.explanations:
        score = f" ({item.score:.2f})" if item.score is not None else ""
        if score and score.strip(" ()") in item.reason:  # the reason already states it
            score = ""
        table.add_row(Text(item.signal), Text(item.reason + score), Text(item.source))
    console.print(table)


def _read_rows(raw_lines: list[bytes]) -> Iterator[tuple[int, dict[str, Any] | CalmDeskError]]:
    """``(line number, row or error)`` for each non-blank line."""
    for number, raw in enumerate(raw_lines, start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as error:
            yield (
                number,
                InvalidInput(
                    f"line {number}: not valid UTF-8 ({error.reason} at byte {error.start})",
                    code="invalid_utf8",
                ),
            )
            continue
        if not line:
            continue
        if not line.startswith("{"):
            yield number, {"text": line}
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield (
                number,
                InvalidInput(f"line {number}: invalid JSON ({error.msg})", code="invalid_json"),
            )
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            yield (
                number,
                InvalidInput(f'line {number}: a row needs a "text" string', code="missing_text"),
            )
            continue
        yield number, row


def _validated(number: int, row: dict[str, Any]) -> tuple[str, str | None] | CalmDeskError:
    try:
        lang = row.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise InvalidInput('"lang" must be a string', code="unknown_language")
        return check_line(row["text"]), check_lang(lang)
    except InvalidInput as error:
        return InvalidInput(f"line {number}: {error.message}", code=error.code)


def _analyze_file(input_file: Path, output_file: Path) -> None:
    try:
        raw_lines = input_file.read_bytes().splitlines()
    except OSError as error:
        raise InvalidInput(
            f"cannot read {input_file}: {error.strerror}", code="unreadable_file"
        ) from error
    err = Console(stderr=True, highlight=False)
    errors = 0
    try:
        out = output_file.open("w", encoding="utf-8")
    except OSError as error:
        raise InvalidInput(
            f"cannot write {output_file}: {error.strerror}", code="unwritable_file"
        ) from error
    progress = Progress(
        TextColumn("analysing"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} lines"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    with out, progress:
        task = progress.add_task("analyse", total=len(raw_lines))
        batch: list[_Item] = []
        for number, row in _read_rows(raw_lines):
            checked = row if isinstance(row, CalmDeskError) else _validated(number, row)
            if isinstance(checked, CalmDeskError):
                errors += 1
                err.print(Text(f"warning: {checked.message}", style="yellow"))
                batch.append((number, {}, checked))
            else:
                assert isinstance(row, dict)
                batch.append((number, row, checked))
            if len(batch) >= BATCH_SIZE:
                _flush(out, batch)
            progress.update(task, completed=number)
        _flush(out, batch)
    done = sum(1 for raw in raw_lines if raw.strip()) - errors
    err.print(
        f"analysed {done} messages into {output_file}; {errors} line(s) with errors", markup=False
    )


# (line number, row, (clean text, lang) or the row's error)
_Item = tuple[int, dict[str, Any], tuple[str, str | None] | CalmDeskError]


def _flush(out: IO[str], batch: list[_Item]) -> None:
    """Analyse the batch's valid rows in one call; write every row in line order."""
    valid = [
        (text, lang)
        for _, _, checked in batch
        if not isinstance(checked, CalmDeskError)
        for text, lang in [checked]
    ]
    results = iter(
        analyze_many([text for text, _ in valid], [lang for _, lang in valid]) if valid else []
    )
    for number, row, checked in batch:
        if isinstance(checked, CalmDeskError):
            _write(
                out, {"line": number, "error": {"code": checked.code, "message": checked.message}}
            )
            continue
        extra = {key: value for key, value in row.items() if key not in ("text", "lang")}
        _write(out, {"line": number, **extra, "text": row["text"], **next(results).to_dict()})
    batch.clear()


def _write(out: IO[str], row: dict[str, Any]) -> None:
    out.write(json.dumps(row, ensure_ascii=False) + "\n")
