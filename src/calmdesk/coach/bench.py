"""Speed of the coach (``calmdesk bench --suite coach``): one customer turn's guidance, analysis
included, on the shipped playbooks. Target p99 <= 15 ms.

Wall-clock figures include time the process waited for a core; on a busy machine (see
``load_average_1m``) the tail is mostly that wait, so the CPU time of the turn (``cpu_*``, the
thread's own work) is reported beside it.

Conversations of :data:`TURNS_PER_CONVERSATION` turns are played from the analysis benchmark's
deterministic pl/ru/en messages, with the agent's actions in between (not timed), so the ladder,
the phrases and the summary's category matching all run as in a real call.
"""

from __future__ import annotations

import os
import time
from typing import Any

from calmdesk.analysis.bench import percentile, sample_messages
from calmdesk.coach.conversation import Conversation
from calmdesk.playbook.load import default_playbook

TARGET_P99_MS = 15.0
TURNS_PER_CONVERSATION = 12
WARM_UP_TURNS = 50
_PLAYBOOKS = ("pl", "ru", "en")


def run_coach_bench(n: int = 2000) -> dict[str, Any]:
    """Time ``n`` customer turns; returns p50/p99/mean/max in milliseconds and the target."""
    messages = sample_messages(n + WARM_UP_TURNS)
    playbooks = [default_playbook(key) for key in _PLAYBOOKS]
    timings: list[float] = []
    cpu_timings: list[float] = []
    conversation: Conversation | None = None
    for index, text in enumerate(messages):
        if index % TURNS_PER_CONVERSATION == 0:
            playbook = playbooks[(index // TURNS_PER_CONVERSATION) % len(playbooks)]
            conversation = Conversation(playbook, agent_name="Ola")
        assert conversation is not None
        start, cpu_start = time.perf_counter(), time.thread_time()
        guidance = conversation.customer_says(text)
        elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
        if index >= WARM_UP_TURNS:
            timings.append(elapsed * 1000)
            cpu_timings.append(cpu * 1000)
        if guidance.stage.value == "warn":
            conversation.agent_did("warning_given")
    timings.sort()
    cpu_timings.sort()
    return {
        "turns": len(timings),
        "p50_ms": round(percentile(timings, 0.50), 3),
        "p99_ms": round(percentile(timings, 0.99), 3),
        "mean_ms": round(sum(timings) / len(timings), 3),
        "max_ms": round(timings[-1], 3),
        "cpu_p50_ms": round(percentile(cpu_timings, 0.50), 3),
        "cpu_p99_ms": round(percentile(cpu_timings, 0.99), 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": percentile(timings, 0.99) <= TARGET_P99_MS,
    }
