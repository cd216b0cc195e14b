"""The labelled sets the tone model learns from, and the deterministic train/dev split.

Each public set (``../shared/data/<folder>/train.jsonl``, described in that folder's README) is
mapped to the two heads: ``abuse`` (offensive, hateful, harmful or toxic) and ``anger``. A row
labels only the heads its set speaks about; the other head ignores it. CalmDesk's own
customer-service messages (``datasets/customer_service/train.jsonl``) label both.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calmdesk.errors import InvalidInput

DEV_PERCENT = 12
CUSTOMER_SERVICE_SET = "customer_service"
# The only in-domain rows (contact-centre messages) among ~125k: weighted up so that calm
# complaints about money or delays are not read as angry the way product reviews are.
CUSTOMER_SERVICE_WEIGHT = 10.0

Labeler = Callable[[dict[str, Any]], int | None]


def _label_in(*positives: str) -> Labeler:
    wanted = set(positives)

    def label(row: dict[str, Any]) -> int | None:
        value = row.get("label")
        values = set(value) if isinstance(value, list) else {value}
        return int(bool(values & wanted))

    return label


def _bitext_abuse(row: dict[str, Any]) -> int | None:
    return int(bool(row.get("offensive_flag_W")))


def _polemic_anger(row: dict[str, Any]) -> int | None:
    if row.get("label") in ("no_majority", "unannotated"):
        return None
    return int(row.get("label") == "zlosc")


def _sentiment_anger(row: dict[str, Any]) -> int | None:
    """Negative sentiment as weak evidence of anger (the sets' only link to customer service)."""
    if row.get("label") == "mixed":
        return None
    return int(row.get("label") == "negative")


@dataclass(frozen=True)
class SetSpec:
    """How one public set feeds a head: its labeler, a row cap and a sample weight."""

    folder: str
    head: str
    label: Labeler
    cap: int | None = None
    weight: float = 1.0
    group_key: str | None = None


PUBLIC_SETS: tuple[SetSpec, ...] = (
    SetSpec("en_tweeteval_offensive", "abuse", _label_in("offensive")),
    SetSpec("en_tweeteval_hate", "abuse", _label_in("hate"), cap=6000, weight=0.5),
    SetSpec(
        "en_davidson_hate_offensive", "abuse", _label_in("offensive_language", "hate_speech"), 8000
    ),
    SetSpec("en_bitext_customer_support_20k", "abuse", _bitext_abuse, cap=6000),
    SetSpec("pl_ban_pl", "abuse", _label_in("harmful", "hate-speech"), 14000, group_key="id"),
    SetSpec("pl_poleval2019_cyberbullying", "abuse", _label_in("harmful")),
    SetSpec("ru_toxic_2ch_pikabu", "abuse", _label_in("toxic")),
    SetSpec("ru_paradetox_russe2022", "abuse", _label_in("toxic"), 14000, group_key="pair_id"),
    SetSpec("en_tweeteval_emotion", "anger", _label_in("anger")),
    SetSpec("en_goemotions", "anger", _label_in("anger", "annoyance"), 15000, group_key="id"),
    SetSpec("pl_clarin_emo_poleval2024", "anger", _label_in("Anger"), group_key="review_id"),
    SetSpec("pl_polemic_tweet_emotions", "anger", _polemic_anger, group_key="tweet_id"),
    SetSpec("ru_cedr", "anger", _label_in("anger")),
    SetSpec("ru_sentirueval_banks_telecom", "anger", _sentiment_anger, 6000, 0.3, "twitid"),
    SetSpec("en_tweeteval_sentiment", "anger", _sentiment_anger, weight=0.3),
)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    lang: str
    source: str
    abuse: int | None
    anger: int | None
    weight: float
    is_dev: bool


def is_dev(key: str, seed: int) -> bool:
    """Deterministic split by a stable key (a pair or review id where rows belong together)."""
    return zlib.crc32(f"{seed}:{key}".encode()) % 100 < DEV_PERCENT


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a JSONL file with their 1-based line numbers; a broken line is an error."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise InvalidInput(f"{path}:{number}: not a JSON line ({error})") from error
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise InvalidInput(f"{path}:{number}: expected an object with a 'text' string")
            yield number, row


def load_public_set(data_dir: Path, spec: SetSpec, seed: int) -> list[Example]:
    path = data_dir / spec.folder / "train.jsonl"
    if not path.exists():
        raise InvalidInput(f"training set missing: {path} (pass --data with the data folder)")
    examples: list[Example] = []
    for _, row in read_jsonl(path):
        label = spec.label(row)
        text = row["text"].strip()
        if label is None or not text:
            continue
        group = row.get(spec.group_key) if spec.group_key else None
        key = f"{spec.folder}:{group}" if group is not None else text
        examples.append(
            Example(
                text=text,
                lang=str(row.get("lang", "other")),
                source=spec.folder,
                abuse=label if spec.head == "abuse" else None,
                anger=label if spec.head == "anger" else None,
                weight=spec.weight,
                is_dev=is_dev(key, seed),
            )
        )
    return _cap(examples, spec.cap, seed)


def _cap(examples: list[Example], cap: int | None, seed: int) -> list[Example]:
    """Keep at most ``cap`` rows, chosen by a stable hash of the text (train and dev alike)."""
    if cap is None or len(examples) <= cap:
        return examples
    ranked = sorted(examples, key=lambda ex: zlib.crc32(f"{seed}|{ex.text}".encode()))
    return ranked[:cap]


def load_customer_service(path: Path, seed: int) -> list[Example]:
    """CalmDesk's own hand-written messages: both heads labelled."""
    examples: list[Example] = []
    for number, row in read_jsonl(path):
        abuse, anger = row.get("abuse"), row.get("anger")
        if abuse not in (0, 1) or anger not in (0, 1):
            raise InvalidInput(f"{path}:{number}: 'abuse' and 'anger' must be 0 or 1")
        examples.append(
            Example(
                text=row["text"],
                lang=str(row.get("lang", "other")),
                source=CUSTOMER_SERVICE_SET,
                abuse=abuse,
                anger=anger,
                weight=CUSTOMER_SERVICE_WEIGHT,
                is_dev=is_dev(row["text"], seed),
            )
        )
    return examples
