"""Voice activity detection on a live leg: faster-whisper's bundled Silero VAD (ONNX), run window
by window with its recurrent state carried across chunks, cutting the leg into utterances.

An utterance starts when a 32 ms window's speech probability reaches ``threshold`` and ends
after ``min_silence_ms`` under ``neg_threshold`` (the end-of-utterance wait: the coach's
latency starts there); a turn longer than ``max_seconds`` is cut there. ``flush()`` hands over
what is being said when the stream stops, so a hang-up mid-sentence loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from calmdesk.audio.codecs import MODEL_RATE, Audio

WINDOW = 512  # samples at 16 kHz: the bundled model's window
CONTEXT = 64


@dataclass(frozen=True, slots=True)
class VadOptions:
    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_silence_ms: int = 500
    speech_pad_ms: int = 160
    min_speech_ms: int = 250
    max_seconds: float = 20.0


@dataclass(slots=True)
class Utterance:
    """One stretch of speech on a leg: 16 kHz float samples and where it lies in the leg."""

    audio: Audio
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.audio.size / MODEL_RATE


Scorer = Callable[[npt.NDArray[np.float32], Any], tuple[npt.NDArray[np.float32], Any]]


def silero_scorer() -> Scorer:
    """Speech probabilities of consecutive windows (each with its 64 samples of context), and
    the model's state after them."""
    from calmdesk.audio.model import offline

    offline()
    from faster_whisper.vad import get_vad_model

    session = get_vad_model().session

    def score(batch: npt.NDArray[np.float32], state: Any) -> tuple[npt.NDArray[np.float32], Any]:
        h, c = state if state is not None else (np.zeros((1, 1, 128), np.float32),) * 2
        out, h, c = session.run(None, {"input": batch, "h": h, "c": c})
        return np.asarray(out, dtype=np.float32).reshape(-1), (h, c)

    return score


@dataclass
class Segmenter:
    """Feed 16 kHz audio of one leg; get back the utterances that ended."""

    score: Scorer
    options: VadOptions = field(default_factory=VadOptions)
    _pending: Audio = field(default_factory=lambda: np.zeros(0, np.float32))
    _context: Audio = field(default_factory=lambda: np.zeros(CONTEXT, np.float32))
    _state: Any = None
    _seen: int = 0  # samples scored so far
    _preroll: list[Audio] = field(default_factory=list)
    _speech: list[Audio] = field(default_factory=list)
    _speech_start: int = 0
    _silence: int = 0

    def feed(self, audio: Audio) -> list[Utterance]:
        self._pending = np.concatenate([self._pending, audio.astype(np.float32, copy=False)])
        count = self._pending.size // WINDOW
        if count == 0:
            return []
        windows = self._pending[: count * WINDOW].reshape(count, WINDOW)
        self._pending = self._pending[count * WINDOW :]
        contexts = np.empty((count, CONTEXT), np.float32)
        contexts[0] = self._context
        contexts[1:] = windows[:-1, -CONTEXT:]
        self._context = windows[-1, -CONTEXT:].copy()
        probs, self._state = self.score(np.concatenate([contexts, windows], axis=1), self._state)
        done: list[Utterance] = []
        for window, prob in zip(windows, probs, strict=True):
            ended = self._step(window, float(prob))
            if ended is not None:
                done.append(ended)
        return done

    @property
    def speaking(self) -> bool:
        return bool(self._speech)

    def _ms(self, ms: int) -> int:
        return MODEL_RATE * ms // 1000

    def _step(self, window: Audio, prob: float) -> Utterance | None:
        o = self.options
        at = self._seen
        self._seen += WINDOW
        if not self._speech:
            self._preroll.append(window)
            pad_windows = max(1, self._ms(o.speech_pad_ms) // WINDOW)
            del self._preroll[:-pad_windows]
            if prob >= o.threshold:
                self._speech = list(self._preroll)
                self._speech_start = at + WINDOW - WINDOW * len(self._preroll)
                self._preroll = []
                self._silence = 0
            return None
        self._speech.append(window)
        if prob < o.neg_threshold:
            self._silence += WINDOW
        elif prob >= o.threshold:
            self._silence = 0
        length = WINDOW * len(self._speech)
        if self._silence >= self._ms(o.min_silence_ms) or length >= o.max_seconds * MODEL_RATE:
            return self._cut()
        return None

    def _cut(self) -> Utterance | None:
        o = self.options
        trailing = max(0, self._silence - self._ms(o.speech_pad_ms)) // WINDOW
        kept = self._speech[: len(self._speech) - trailing] if trailing else self._speech
        self._speech, self._silence = [], 0
        audio = np.concatenate(kept) if kept else np.zeros(0, np.float32)
        start = self._speech_start / MODEL_RATE
        voiced = audio.size - max(0, self._ms(o.speech_pad_ms) * 2)
        if voiced < self._ms(o.min_speech_ms):
            return None
        return Utterance(audio=audio, start=start, end=start + audio.size / MODEL_RATE)

    def flush(self) -> Utterance | None:
        """What is being said now (the stream stopped mid-sentence), if anything."""
        if not self._speech:
            return None
        if self._pending.size:
            self._speech.append(self._pending)
            self._pending = np.zeros(0, np.float32)
        return self._cut()
