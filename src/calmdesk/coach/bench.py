"""Speed of the coach (``calmdesk bench --suite coach``): one customer message's guidance,
analysis included, on the shipped playbooks. Target p99 <= 15 ms.

Conversations of :data:`TURNS_PER_CONVERSATION` messages are played from the analysis benchmark's
deterministic pl/ru/en messages, with ``warning_given`` recorded when the coach asks for it (not
timed), so the ladder, the phrases and the category matching all run as in a real call.

Wall-clock figures include time the process waited for a core; on a busy machine (see
``load_average_1m``) the tail is mostly that wait, so the thread's CPU time is reported beside
it, split into the analysis and the coach's own work (``coach_only_cpu_*``).
"""

from __future__ import annotations

import os
import time
from typing import Any

from calmdesk.analysis.bench import percentile, sample_messages
from calmdesk.coach.conversation import Conversation, default_analyzer
from calmdesk.languages import LANGUAGES
from calmdesk.playbook.load import default_playbook

TARGET_P99_MS = 15.0
TURNS_PER_CONVERSATION = 12
WARM_UP_TURNS = 50


def run_coach_bench(n: int = 2000) -> dict[str, Any]:
    """Time ``n`` customer messages; p50/p99/mean/max in milliseconds and the target."""
    messages = sample_messages(n + WARM_UP_TURNS)
    playbooks = [default_playbook(key) for key in LANGUAGES]
    wall: list[float] = []
    cpu: list[float] = []
    coach_cpu: list[float] = []
    conversation: Conversation | None = None
    for index, text in enumerate(messages):
        if index % TURNS_PER_CONVERSATION == 0:
            playbook = playbooks[(index // TURNS_PER_CONVERSATION) % len(playbooks)]
            conversation = Conversation(playbook, agent_name="Ola")
        assert conversation is not None
        start, cpu_start = time.perf_counter(), time.thread_time()
        signals = default_analyzer(text, None)
        analysed = time.thread_time()
        guidance = conversation.customer_says(text, signals)
        elapsed, cpu_end = time.perf_counter() - start, time.thread_time()
        if index >= WARM_UP_TURNS:
            wall.append(elapsed * 1000)
            cpu.append((cpu_end - cpu_start) * 1000)
            coach_cpu.append((cpu_end - analysed) * 1000)
        if guidance.stage.value == "warn":
            conversation.agent_did("warning_given")
    for values in (wall, cpu, coach_cpu):
        values.sort()
    return {
        "turns": len(wall),
        "p50_ms": round(percentile(wall, 0.50), 3),
        "p99_ms": round(percentile(wall, 0.99), 3),
        "mean_ms": round(sum(wall) / len(wall), 3),
        "max_ms": round(wall[-1], 3),
        "cpu_p50_ms": round(percentile(cpu, 0.50), 3),
        "cpu_p99_ms": round(percentile(cpu, 0.99), 3),
        "coach_only_cpu_p50_ms": round(percentile(coach_cpu, 0.50), 3),
        "coach_only_cpu_p99_ms": round(percentile(coach_cpu, 0.99), 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": percentile(wall, 0.99) <= TARGET_P99_MS,
    }
