"""The telephony codecs CalmDesk takes, decoded to 16-bit samples, and the 8 kHz -> 16 kHz
step the speech models need. Pure numpy; no state beyond the lookup table."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

PCM = npt.NDArray[np.int16]
Audio = npt.NDArray[np.float32]

TELEPHONY_RATE = 8000
MODEL_RATE = 16000

_BIAS = 0x84
_CLIP = 32635


def _ulaw_table() -> PCM:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


ULAW_TABLE = _ulaw_table()


def ulaw_decode(data: bytes) -> PCM:
    """G.711 μ-law bytes (Twilio's ``audio/x-mulaw``) to 16-bit linear samples."""
    return ULAW_TABLE[np.frombuffer(data, dtype=np.uint8)]


def ulaw_encode(samples: PCM) -> bytes:
    """16-bit linear samples to G.711 μ-law (what a telephone network sends)."""
    x = samples.astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), _CLIP) + _BIAS
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    code = ~(sign | (exponent << 4) | mantissa) & 0xFF
    encoded: bytes = code.astype(np.uint8).tobytes()
    return encoded


def slin_decode(data: bytes) -> PCM:
    """Signed linear 16-bit little-endian (AudioSocket's ``0x10`` payload). An odd last byte is
    the caller's error: it is dropped."""
    usable = len(data) - len(data) % 2
    return np.frombuffer(data[:usable], dtype="<i2").astype(np.int16)


def to_float(samples: PCM) -> Audio:
    return (samples.astype(np.float32) / 32768.0).astype(np.float32)


class Upsampler:
    """8 kHz -> 16 kHz, chunk by chunk, continuous across chunks: each output pair is an input
    sample and the midpoint to the next one (telephone speech has nothing above 4 kHz for a
    better filter to keep)."""

    def __init__(self) -> None:
        self._last: float | None = None

    def __call__(self, chunk: Audio) -> Audio:
        if chunk.size == 0:
            return chunk
        previous = chunk[:1] if self._last is None else np.array([self._last], dtype=np.float32)
        joined = np.concatenate([previous, chunk])
        out = np.empty(chunk.size * 2, dtype=np.float32)
        out[0::2] = (joined[:-1] + joined[1:]) / 2
        out[1::2] = chunk
        self._last = float(chunk[-1])
        return out
