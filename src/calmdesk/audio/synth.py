"""Speech synthesised with Debian's ``espeak-ng`` as a telephone would carry it (8 kHz, 16-bit):
the audio of the tests, the benchmarks and the console's demo call. Not used while serving."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

from calmdesk.audio.codecs import PCM, TELEPHONY_RATE

VOICES = {"pl": "pl", "ru": "ru", "en": "en-gb"}


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def _lowpass(x: np.ndarray, cutoff: float, rate: int, taps: int = 101) -> np.ndarray:
    n = np.arange(taps) - (taps - 1) / 2
    h = np.sinc(2 * cutoff / rate * n) * np.hamming(taps)
    return np.convolve(x, h / h.sum(), mode="same")


def speak(text: str, lang: str, *, speed: int = 150, voice: str | None = None) -> PCM:
    """``text`` said in ``lang`` at 8 kHz (band-limited to the telephone's 3.4 kHz)."""
    command = ["espeak-ng", "-v", voice or VOICES.get(lang, lang), "-s", str(speed), "--stdout"]
    wav = subprocess.run(  # noqa: S603 - Debian's espeak-ng, our own arguments, no shell
        [*command, text],
        check=True,
        capture_output=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64)
    x = _lowpass(x, 3400, rate)
    count = int(len(x) * TELEPHONY_RATE / rate)
    y = np.interp(np.arange(count) * rate / TELEPHONY_RATE, np.arange(len(x)), x)
    said: PCM = np.clip(y, -32768, 32767).astype(np.int16)
    return said


def silence(seconds: float) -> PCM:
    return np.zeros(int(seconds * TELEPHONY_RATE), dtype=np.int16)


# The console's demo call: the customer's side of a difficult call, in our own words.
DEMO_CALLS = {
    "en": [
        "Hello. I was charged twice for my internet this month, and nobody called me back.",
        "This is outrageous. I want to speak to your manager right now.",
        "You are useless. Shut up, you moron.",
    ],
    "pl": [
        "Dzień dobry. W tym miesiącu zapłaciłem dwa razy za internet i nikt do mnie nie oddzwonił.",
        "To jest skandal. Chcę rozmawiać z kierownikiem.",
        "Jesteś do niczego, ty idioto.",
    ],
    "ru": [
        "Здравствуйте. В этом месяце с меня дважды списали за интернет, и никто не перезвонил.",
        "Это безобразие. Позовите вашего начальника.",
        "Вы ни на что не годитесь, идиот.",
    ],
}


def demo_call(lang: str) -> PCM:
    parts = [silence(0.5)]
    for line in DEMO_CALLS[lang]:
        parts += [speak(line, lang), silence(2.5)]
    return np.concatenate(parts)


def write_wav(path: Path, samples: PCM) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(TELEPHONY_RATE)
        w.writeframes(samples.astype("<i2").tobytes())


if __name__ == "__main__":  # python -m calmdesk.audio.synth: the console's demo call files
    folder = Path(__file__).parents[1] / "web" / "static" / "demo"
    folder.mkdir(exist_ok=True)
    for lang in DEMO_CALLS:
        write_wav(folder / f"call-{lang}.wav", demo_call(lang))
