"""``calmdesk audiosocket``: the Asterisk AudioSocket server on its own; ``calmdesk asr-worker``:
a speech-to-text worker taking utterances from Redis (``CALMDESK_REDIS_URL``)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

import typer

from calmdesk.errors import ConfigurationError
from calmdesk.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command("audiosocket")(audiosocket)
    app.command("asr-worker")(asr_worker)


def audiosocket(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65534, help="The customer legs' port; the agent legs' is +1.")
    ] = 9092,
) -> None:
    """Take both legs of Asterisk calls (dialplan ``AudioSocket(uuid,host:port)``), transcribe
    them and coach the contacts they belong to. With ``CALMDESK_REDIS_URL`` the consoles and the
    board of every ``calmdesk serve`` see them live, and ``calmdesk asr-worker`` processes do the
    transcription; without it, set ``CALMDESK_AUDIOSOCKET_PORT`` for ``calmdesk serve`` instead."""
    from calmdesk.web.app import create_app

    settings = get_settings().model_copy(
        update={"audiosocket_host": host, "audiosocket_port": port, "embedded_worker": False}
    )
    if not settings.redis_url:
        typer.echo(
            "calmdesk audiosocket: without CALMDESK_REDIS_URL only this process sees its calls; "
            "the board of `calmdesk serve` will not.",
            err=True,
        )
    app = create_app(settings)

    async def run() -> None:
        async with app.router.lifespan_context(app):
            typer.echo(f"AudioSocket: customer legs on {host}:{port}, agent legs on {port + 1}")
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def asr_worker(
    once: Annotated[
        bool, typer.Option("--once", help="Stop when no utterance is waiting.")
    ] = False,
    threads: Annotated[int | None, typer.Option(min=1, help="CPU threads of the model.")] = None,
) -> None:
    """Transcribe the utterances of every server's calls from the Redis stream
    ``<prefix>:asr:jobs``; run one per core on any machine that reaches the Redis. A worker that
    dies leaves its utterance to another after 30 s."""
    from calmdesk.audio.transcribe import AsrOptions, run_worker

    settings = get_settings()
    if not settings.redis_url:
        raise ConfigurationError(
            "calmdesk asr-worker takes its work from Redis: set CALMDESK_REDIS_URL."
        )
    options = AsrOptions(
        settings.asr_model, threads or settings.asr_threads, settings.asr_beam_size
    )
    done = run_worker(settings.redis_url, settings.redis_channel_prefix, options, once=once)
    typer.echo(f"{done} utterance(s) transcribed")
