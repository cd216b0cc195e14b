"""A live line is embedded by the tone model and then by the category suggester: the encoder
answers the second from its recent vectors instead of running the network again."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest

from calmdesk.analysis.features import RECENT_CALL_TEXTS, SentenceEncoder, shared_encoder


class CountingBackend:
    """The real backend, counting the texts it is asked to embed."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.asked: list[str] = []

    def encode(self, texts: Sequence[str]) -> Any:
        self.asked.extend(texts)
        return self.backend.encode(texts)


@pytest.fixture
def encoder() -> Iterator[tuple[SentenceEncoder, CountingBackend]]:
    encoder = shared_encoder()
    encoder.encode(["."])  # loaded
    real = encoder._backend
    counting = CountingBackend(real)
    encoder._backend = counting
    try:
        yield encoder, counting
    finally:
        encoder._backend = real


def test_a_line_embedded_again_is_not_run_through_the_network_again(
    encoder: tuple[SentenceEncoder, CountingBackend],
) -> None:
    sentence_encoder, backend = encoder
    line = "Faktura FV/2026/11/42 jest o 200 zł za wysoka (test powtórki 1)."
    first = sentence_encoder.encode([line])
    second = sentence_encoder.encode([line])
    assert backend.asked == [line]
    np.testing.assert_array_equal(first, second)


def test_a_small_call_runs_only_its_new_texts_and_keeps_their_order(
    encoder: tuple[SentenceEncoder, CountingBackend],
) -> None:
    sentence_encoder, backend = encoder
    known, new = "Znam tę linię (test 2).", "A tej jeszcze nie (test 2)."
    alone = sentence_encoder.encode([known])
    both = sentence_encoder.encode([new, known])
    assert backend.asked == [known, new]
    np.testing.assert_array_equal(both[1], alone[0])
    np.testing.assert_allclose(both[0], sentence_encoder.encode([new])[0], atol=1e-6)


def test_a_batch_goes_straight_to_the_network(
    encoder: tuple[SentenceEncoder, CountingBackend],
) -> None:
    sentence_encoder, backend = encoder
    texts = [f"Wiersz wsadu numer {i} (test 3)." for i in range(RECENT_CALL_TEXTS + 1)]
    sentence_encoder.encode(texts)
    sentence_encoder.encode(texts)
    assert len(backend.asked) == 2 * len(texts)
