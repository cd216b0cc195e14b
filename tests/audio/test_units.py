"""The pieces without speech: the codecs, the model's integrity check, the AudioSocket UUIDs,
the VAD's hand-over of a sentence cut short, and the status route's access."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from calmdesk.audio import codecs, model
from calmdesk.audio.streams import call_uuid, contact_of_uuid
from calmdesk.audio.vad import Segmenter, VadOptions
from tests.live.helpers import bearer


def test_ulaw_round_trip_is_within_the_codecs_step() -> None:
    ramp = np.linspace(-32000, 32000, 4001).astype(np.int16)
    back = codecs.ulaw_decode(codecs.ulaw_encode(ramp))
    # G.711's quantisation step grows with the level: about 3 % of it at most.
    assert np.all(np.abs(back.astype(int) - ramp) <= np.abs(ramp) * 0.035 + 8)
    assert codecs.ulaw_decode(b"\xff\x7f").tolist() == [0, 0]  # the two zeros of μ-law


def test_slin_is_little_endian_and_drops_an_odd_byte() -> None:
    assert codecs.slin_decode(b"\x01\x00\xff\xff\x05").tolist() == [1, -1]


def test_upsampling_is_continuous_across_chunks() -> None:
    x = codecs.to_float(np.arange(0, 800, 8, dtype=np.int16))
    up = codecs.Upsampler()
    joined = np.concatenate([up(x[:37]), up(x[37:])])
    assert joined.size == 2 * x.size
    assert np.allclose(np.diff(joined[1:]), np.diff(joined[1:])[0])


def test_the_packaged_model_matches_its_manifest() -> None:
    if not model.asr_available():
        pytest.skip("the asr extra is not installed")
    files = model.default_files()
    assert files.files is not None
    spec = model.manifest()
    assert hashlib.sha256(files.files["model.bin"]).hexdigest() == spec["assembled"]["sha256"]
    assert set(files.files) == set(model.REQUIRED)


def test_a_tampered_model_file_is_refused(tmp_path: Path) -> None:
    part = tmp_path / "model.bin.part1"
    part.write_bytes(b"not the weights")
    with pytest.raises(model.ModelUnavailable, match="not the published one"):
        model._checked(part, 15, "0" * 64)


def test_a_model_directory_must_have_its_tokenizer(tmp_path: Path) -> None:
    for name in ("model.bin", "config.json", "vocabulary.json"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(model.ModelUnavailable, match=r"tokenizer\.json missing"):
        model.locate(str(tmp_path))
    with pytest.raises(model.ModelUnavailable, match="not a directory"):
        model.locate(str(tmp_path / "nowhere"))


def test_the_manifest_names_its_source() -> None:
    spec = json.loads(model.MANIFEST.read_text())
    assert "MIT" in spec["source"] and len(spec["parts"]) == 2


def test_call_uuids_carry_the_contact_and_cannot_be_forged() -> None:
    issued = call_uuid("secret", 42)
    assert contact_of_uuid("secret", issued.bytes) == 42
    assert contact_of_uuid("another secret", issued.bytes) is None
    forged = uuid.UUID(bytes=(43).to_bytes(6, "big") + issued.bytes[6:])
    assert contact_of_uuid("secret", forged.bytes) is None
    assert contact_of_uuid("secret", b"short") is None


def test_a_sentence_cut_short_is_handed_over_at_the_end() -> None:
    """A scripted VAD (speech from the 10th window on): the stream stops mid-speech."""

    def score(batch: np.ndarray, state: object) -> tuple[np.ndarray, object]:
        start = 0 if state is None else int(state)  # type: ignore[call-overload]
        probs = np.array([0.9 if start + i >= 10 else 0.0 for i in range(len(batch))])
        return probs.astype(np.float32), start + len(batch)

    segmenter = Segmenter(score, VadOptions(min_speech_ms=100))
    assert segmenter.feed(np.zeros(512 * 30, np.float32)) == []
    assert segmenter.speaking
    tail = segmenter.flush()
    assert tail is not None and tail.seconds > 0.6 and not segmenter.speaking


def test_the_backlog_is_for_the_board(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/audio/status", headers=bearer(tokens["agent"])).status_code == 403
    status = client.get("/api/audio/status", headers=bearer(tokens["supervisor"]))
    assert status.status_code == 200
    assert status.json() | {"mode": ""} == {
        "mode": "",
        "workers": 0,
        "backlog": 0,
        "oldest_wait_seconds": 0.0,
        "transcribed": 0,
        "failed": 0,
        "calls": 0,
    }
