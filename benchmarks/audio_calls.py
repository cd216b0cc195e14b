"""Live call audio: how well and how fast CalmDesk hears a phone call.

``--part accuracy`` (in process): every line of the synthetic set (espeak-ng, 8 kHz, μ-law, as
a telephone network carries it) through the VAD-free transcriber: word error rate per language,
abuse recall of the analysis on the transcript beside the same lines as text, and the real-time
factor (transcription time / audio length, one worker, one thread).

``--part calls``: one ``calmdesk serve`` (SQLite, ``CALMDESK_ASR_WORKERS`` speech processes) and
N simultaneous two-channel calls streamed in real time over ``/ws/media/twilio`` (20 ms frames,
both tracks), each call's console socket listening; for every utterance the time from the end
of its speech (the last voiced frame sent) to its guidance on the agent's socket. It includes the
VAD's end-of-utterance wait (500 ms of silence), reported apart too.

    .venv/bin/python benchmarks/audio_calls.py --part accuracy
    .venv/bin/python benchmarks/audio_calls.py --part calls --calls 1,2,4 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from live_server import free_port, machine, percentile, prepare_agents, start_server, stop_server

from calmdesk.analysis import analyze
from calmdesk.audio.codecs import Upsampler, to_float, ulaw_decode, ulaw_encode
from calmdesk.audio.synth import silence, speak

# (speaker, text, abusive) in our own words: calm, angry, insults, a supervisor request, the
# agent's boundary and warning.
SET: dict[str, list[tuple[str, str, bool]]] = {
    "en": [
        ("customer", "Hello, my refund for order five five one two still has not arrived.", False),
        ("agent", "I am sorry about the wait, let me check the refund right now.", False),
        ("customer", "This is outrageous, I have called three times already.", False),
        ("customer", "I want to speak to your manager, now.", False),
        ("customer", "You are an idiot, you know nothing.", True),
        ("agent", "Please speak to me with respect.", False),
        ("customer", "Shut up, you moron.", True),
        ("agent", "One more insult and I will end this call.", False),
        ("customer", "You stupid useless clown.", True),
        ("customer", "Fine, just send me the money back.", False),
    ],
    "pl": [
        ("customer", "Dzień dobry, za październik naliczyliście mi za dużo pieniędzy.", False),
        ("agent", "Rozumiem, sprawdzę to od razu.", False),
        ("customer", "To jest skandal, dzwonię już trzeci raz.", False),
        ("customer", "Chcę rozmawiać z kierownikiem.", False),
        ("customer", "Ty idioto, nic nie umiesz.", True),
        ("agent", "Proszę zwracać się do mnie z szacunkiem.", False),
        ("customer", "Zamknij się, debilu.", True),
        ("agent", "Przy kolejnej obeldze zakończę rozmowę.", False),
        ("customer", "Jesteś zwykłym kretynem.", True),
        ("customer", "Dobrze, proszę po prostu oddać pieniądze.", False),
    ],
    "ru": [
        ("customer", "Здравствуйте, с меня дважды списали деньги за один заказ.", False),
        ("agent", "Понимаю вас, сейчас проверю оба списания.", False),
        ("customer", "Это безобразие, я звоню уже третий раз.", False),
        ("customer", "Позовите вашего начальника.", False),
        ("customer", "Ты идиот, ничего не умеешь.", True),
        ("agent", "Давайте без грубостей, пожалуйста.", False),
        ("customer", "Заткнись, дебил.", True),
        ("agent", "Ещё одно оскорбление, и я прерву звонок.", False),
        ("customer", "Вы просто тупой клоун.", True),
        ("customer", "Хорошо, просто верните мне деньги.", False),
    ],
}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def wer(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference words): word-level Levenshtein distance."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[len(hyp)], len(ref)


def telephone(text: str, lang: str) -> np.ndarray:
    """The line as the server gets it: espeak-ng at 8 kHz, μ-law on the wire, 16 kHz floats."""
    pcm = ulaw_decode(ulaw_encode(speak(text, lang)))
    return Upsampler()(to_float(pcm))


def accuracy(model_dir: str | None) -> dict[str, Any]:
    from calmdesk.audio.model import load
    from calmdesk.audio.transcribe import transcribe_audio

    model = load(model_dir, 1)
    transcribe_audio(model, np.zeros(16000, np.float32), "en")  # warm
    report: dict[str, Any] = {}
    audio_seconds = busy = cpu = 0.0
    for lang, lines in SET.items():
        edits = total = 0
        text_hits = asr_hits = abusive = 0
        rows = []
        for _, line, is_abusive in lines:
            audio = telephone(line, lang)
            start, start_cpu = time.perf_counter(), time.process_time()
            heard = transcribe_audio(model, audio, lang)
            busy += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            audio_seconds += audio.size / 16000
            e, n = wer(line, heard)
            edits, total = edits + e, total + n
            if is_abusive:
                abusive += 1
                text_hits += analyze(line, lang).is_abusive
                asr_hits += bool(heard) and analyze(heard, lang).is_abusive
            rows.append({"said": line, "heard": heard})
        report[lang] = {
            "wer": round(edits / total, 3),
            "abuse_recall_text": round(text_hits / abusive, 2),
            "abuse_recall_asr": round(asr_hits / abusive, 2),
            "lines": rows,
        }
        print(
            lang,
            report[lang]["wer"],
            report[lang]["abuse_recall_text"],
            report[lang]["abuse_recall_asr"],
            flush=True,
        )
    report["model"] = model_dir or "whisper-base (default)"
    # Wall clock on this (shared) machine, and the CPU time the transcription itself took.
    report["real_time_factor"] = round(busy / audio_seconds, 3)
    report["real_time_factor_cpu"] = round(cpu / audio_seconds, 3)
    report["audio_seconds"] = round(audio_seconds, 1)
    return report


# --- concurrent calls ------------------------------------------------------------------------

FRAME = 160


def call_layout(lang: str) -> tuple[dict[str, np.ndarray], list[tuple[str, float]]]:
    """Both legs of a call (customer and agent lines alternating as in the set) and, for each
    utterance, its speaker and the second its speech ends."""
    legs: dict[str, list[np.ndarray]] = {"customer": [silence(0.5)], "agent": [silence(0.5)]}
    ends: list[tuple[str, float]] = []
    at = 0.5
    for speaker, line, _ in SET[lang]:
        said = speak(line, lang)
        at += said.size / 8000
        ends.append((speaker, at))
        gap = silence(1.2)
        at += gap.size / 8000
        other = "agent" if speaker == "customer" else "customer"
        legs[speaker] += [said, gap]
        legs[other].append(silence((said.size + gap.size) / 8000))
    return {k: np.concatenate(v) for k, v in legs.items()}, ends


async def one_call(base: str, token: str, lang: str, results: list[float]) -> int:
    import httpx
    import websockets

    async with httpx.AsyncClient(base_url=f"http://{base}") as http:
        answer = await http.post(
            "/api/contacts", json={"lang": lang}, headers={"Authorization": f"Bearer {token}"}
        )
        contact = answer.json()["id"]
    legs, ends = call_layout(lang)
    heard: dict[str, list[float]] = {"customer": [], "agent": []}
    async with websockets.connect(f"ws://{base}/ws/contacts/{contact}?token={token}") as console:
        await console.recv()  # snapshot

        async def listen() -> None:
            async for raw in console:
                message = json.loads(raw)
                if message.get("type") == "guidance" and message.get("event"):
                    kind = message["event"].get("kind", "")
                    heard["customer" if kind == "customer_said" else "agent"].append(
                        time.monotonic()
                    )

        listener = asyncio.create_task(listen())
        async with websockets.connect(f"ws://{base}/ws/media/twilio") as media:
            params = {"token": token, "contact": str(contact), "end": "false"}
            start = {
                "event": "start",
                "streamSid": f"MZ{contact}",
                "start": {
                    "streamSid": f"MZ{contact}",
                    "tracks": ["inbound", "outbound"],
                    "customParameters": params,
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                },
            }
            await media.send(json.dumps(start))
            t0 = time.monotonic()
            length = max(x.size for x in legs.values())
            for index, offset in enumerate(range(0, length, FRAME)):
                for track, leg in (("inbound", legs["customer"]), ("outbound", legs["agent"])):
                    piece = leg[offset : offset + FRAME]
                    if piece.size:
                        payload = base64.b64encode(ulaw_encode(piece)).decode()
                        await media.send(
                            json.dumps(
                                {"event": "media", "media": {"track": track, "payload": payload}}
                            )
                        )
                delay = t0 + (index + 1) * FRAME / 8000 - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            await media.send(json.dumps({"event": "stop", "stop": {}}))
            with_stop = time.monotonic()
            with contextlib.suppress(Exception):  # the server closes once the call is done
                await asyncio.wait_for(media.recv(), 60)
        await asyncio.sleep(max(0.0, 3 - (time.monotonic() - with_stop)))
        listener.cancel()
    got = 0
    for speaker in ("customer", "agent"):
        # Each utterance's latency: from the end of its speech to the first guidance for that
        # speaker after it (the VAD may cut a long line in two; the later part counts).
        arrivals = sorted(heard[speaker])
        for who, end in ends:
            if who != speaker:
                continue
            spoke = t0 + end
            later = [a for a in arrivals if a >= spoke]
            if later:
                results.append(later[0] - spoke)
                arrivals.remove(later[0])
                got += 1
    return got


def calls(counts: list[int], workers: int) -> dict[str, Any]:
    report: dict[str, Any] = {"workers": workers, "runs": []}
    os.environ["CALMDESK_ASR_WORKERS"] = str(workers)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/audio.sqlite3"
        tokens = prepare_agents(url, max(counts))
        port = free_port()
        with open(Path(folder) / "server.log", "wb") as log:
            server = start_server(url, port, Path(folder), log=log, embedded_worker=False)
        try:
            base = f"127.0.0.1:{port}"
            asyncio.run(one_call(base, tokens[0], "en", []))  # warm: the workers load the model
            for count in counts:
                latencies: list[float] = []

                async def run_all(
                    count: int = count, latencies: list[float] = latencies
                ) -> list[int]:
                    langs = ["en", "pl", "ru"]
                    return await asyncio.gather(
                        *(one_call(base, tokens[i], langs[i % 3], latencies) for i in range(count))
                    )

                got = asyncio.run(run_all())
                utterances = sum(len(SET[["en", "pl", "ru"][i % 3]]) for i in range(count))
                run = {
                    "calls": count,
                    "utterances": utterances,
                    "guided": sum(got),
                    "p50_s": round(percentile(latencies, 0.5), 2),
                    "p95_s": round(percentile(latencies, 0.95), 2),
                    "p95_after_vad_wait_s": round(percentile(latencies, 0.95) - 0.5, 2),
                    "max_s": round(max(latencies), 2) if latencies else None,
                    "mean_s": round(statistics.fmean(latencies), 2) if latencies else None,
                }
                print(run, flush=True)
                report["runs"].append(run)
        finally:
            stop_server(server)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["accuracy", "calls"], required=True)
    parser.add_argument("--calls", default="1,2,4")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", help="a CTranslate2 Whisper directory (default: whisper-base)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report: dict[str, Any] = {"machine": machine(), "part": args.part}
    if args.part == "accuracy":
        report |= accuracy(args.model)
    else:
        report |= calls([int(x) for x in args.calls.split(",")], args.workers)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
