"""pl/ru/en examples of the live messages, from real calls through the coach (regenerate by
playing such calls; every example must validate against its model, see tests/live/test_wire.py)."""

from __future__ import annotations

from typing import Any


def _fact(
    kind: str,
    text: str,
    value: str,
    span: tuple[int, int],
    amount: str | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    start, end = span
    return {
        "kind": kind,
        "text": text,
        "value": value,
        "start": start,
        "end": end,
        "amount": amount,
        "currency": currency,
    }


def _text(key: str, **params: Any) -> dict[str, Any]:
    """A message as it is stored: its key and parameters."""
    return {"key": key, "params": params}


def _alert(
    kind: str, message: str, quoted: list[str] | None = None, **params: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "message": message,
        "evidence": quoted or [],
        "alternative": None,
        "minutes": None,
        "text": _text(f"alerts.{kind}", **params),
    }


def _why(
    signal: str, reason: str, source: str, matched: str | None, score: float | None = None
) -> dict[str, Any]:
    return {
        "signal": signal,
        "reason": reason,
        "source": source,
        "score": score,
        "matched": matched,
    }


def _customer_said(text: str) -> dict[str, Any]:
    return {"seq": 1, "kind": "customer_said", "speaker": "customer", "text": text, "action": None}


# The facts of each language's first line: in its analysis, its guidance and its call's summary.
_FACTS_PL = [
    _fact("invoice", "FV/2026/11/42", "FV/2026/11/42", (57, 70)),
    _fact("phone", "601 234 567", "+48601234567", (82, 93)),
]
_FACTS_RU = [
    _fact("amount", "2000 рублей", "2000 RUB", (36, 47), amount="2000", currency="RUB"),
    _fact("order", "заказ 55120", "55120", (51, 62)),
]
_FACTS_EN = [_fact("ticket", "ticket #4417", "4417", (68, 80))]

GUIDANCE: list[dict[str, Any]] = [
    {
        "type": "guidance",
        "contact_id": 1,
        "seq": 1,
        "turn": 1,
        "stage": "acknowledge",
        "rung": "acknowledge",
        "lang": "pl",
        "suggestions": [
            {
                "step": "acknowledge",
                "text": "Nazywam się Bartek. Rozumiem, że to bardzo frustrujące, i naprawdę mi "
                "przykro, że tak się stało.",
                "why": "Nazwij emocję, okaż zrozumienie i przedstaw się z imienia: rozmowa z "
                "człowiekiem studzi szybciej niż z infolinią.",
                "why_texts": [_text("why.acknowledge")],
            }
        ],
        "alerts": [
            _alert(
                "abuse",
                "Obraźliwa wypowiedź klienta (#$&^&%@!, idioto).",
                ["#$&^&%@!", "idioto"],
                evidence=["#$&^&%@!", "idioto"],
                more=0,
            )
        ],
        "may_end_call": False,
        "end_call_reason": "Potrzebne ostrzeżenia: 1, udzielone: 0.",
        "end_call_text": _text("end_call_reasons.warnings", needed=1, given=0),
        "signals": {
            "lang": "pl",
            "anger": 0.76,
            "abuse": 0.95,
            "level": "abusive",
            "profanity": [
                {
                    "start": 3,
                    "end": 11,
                    "text": "#$&^&%@!",
                    "kind": "grawlix",
                    "normalized": "#$&^&%@!",
                    "entry": "grawlix",
                },
                {
                    "start": 12,
                    "end": 18,
                    "text": "idioto",
                    "kind": "insult",
                    "normalized": "idioto",
                    "entry": "idiot*",
                },
            ],
            "insult_directed": True,
            "shouting": False,
            "intents": [],
            "facts": _FACTS_PL,
            "pii": [{"kind": "phone", "start": 82, "end": 93, "text": "601 234 567"}],
            "explanations": [
                _why(
                    "abuse",
                    "'#$&^&%@!' is a string of symbols standing for swearing",
                    "pattern",
                    "#$&^&%@!",
                ),
                _why(
                    "abuse",
                    "'idioto' belongs to the pl insult family 'idiot*', "
                    "aimed at the listener by 'idioto'",
                    "lexicon",
                    "idioto",
                ),
            ],
        },
        "facts": _FACTS_PL,
        "category": "service_quality",
        "end_outcome": "hang_up",
        "event": _customer_said(
            "Ty #$&^&%@! idioto, trzeci raz dzwonię w sprawie faktury FV/2026/11/42, mój "
            "numer 601 234 567!"
        ),
    },
    {
        "type": "guidance",
        "contact_id": 2,
        "seq": 1,
        "turn": 1,
        "stage": "clarify",
        "rung": None,
        "lang": "ru",
        "suggestions": [
            {
                "step": "acknowledge",
                "text": "Меня зовут Ольга. Я слышу, как сильно вас расстроила эта ситуация, и "
                "мне очень жаль, что так получилось.",
                "why": "Назовите эмоцию, проявите сочувствие и представьтесь по имени: с "
                "человеком успокаиваются быстрее, чем с «горячей линией».",
                "why_texts": [_text("why.acknowledge")],
            },
            {
                "step": "clarify",
                "text": "Позвольте уточнить, правильно ли я понимаю: сумма 2\xa0000 ₽, заказ "
                "55120. Всё верно?",
                "why": "Перескажите факты своими словами и задавайте вопросы о фактах и о том, "
                "какое решение нужно клиенту.",
                "why_texts": [_text("why.clarify")],
            },
        ],
        "alerts": [_alert("churn_risk", "Клиент говорит об уходе или расторжении.")],
        "may_end_call": False,
        "end_call_reason": (
            "Клиент сейчас не оскорбляет: одно раздражение не повод прерывать разговор."
        ),
        "end_call_text": _text("end_call_reasons.not_abusive"),
        "signals": {
            "lang": "ru",
            "anger": 0.302,
            "abuse": 0.009,
            "level": "upset",
            "profanity": [],
            "insult_directed": False,
            "shouting": False,
            "intents": ["churn"],
            "facts": _FACTS_RU,
            "pii": [],
            "explanations": [
                _why(
                    "churn",
                    "says they will leave: 'уйду к конкурентам'",
                    "pattern",
                    "уйду к конкурентам",
                ),
                _why("abuse", "tone model: not abusive on its own (0.01)", "model", None, 0.011),
            ],
        },
        "facts": _FACTS_RU,
        "category": "billing_error",
        "end_outcome": "closed",
        "event": _customer_said(
            "Здравствуйте, с меня дважды списали 2000 рублей за заказ 55120, я уйду к конкурентам."
        ),
    },
    {
        "type": "guidance",
        "contact_id": 3,
        "seq": 1,
        "turn": 1,
        "stage": "transfer",
        "rung": None,
        "lang": "en",
        "suggestions": [
            {
                "step": "transfer",
                "text": "I can see I'm not managing to help you the way you need. I'll transfer "
                "you to a colleague who can take this on; please stay on the line.",
                "why": "The customer asks for a supervisor: that request is always honoured.",
                "why_texts": [_text("supervisor_why")],
            }
        ],
        "alerts": [_alert("supervisor_requested", "The customer asks for a supervisor.")],
        "may_end_call": False,
        "end_call_reason": (
            "The customer is not abusive now: anger alone is no reason to end a call."
        ),
        "end_call_text": _text("end_call_reasons.not_abusive"),
        "signals": {
            "lang": "en",
            "anger": 0.863,
            "abuse": 0.033,
            "level": "angry",
            "profanity": [],
            "insult_directed": False,
            "shouting": False,
            "intents": ["supervisor_request"],
            "facts": _FACTS_EN,
            "pii": [],
            "explanations": [
                _why("anger", "exasperation: 'ridiculous'", "cue", "ridiculous"),
                _why(
                    "supervisor_request", "asks for a supervisor: 'manager'", "pattern", "manager"
                ),
            ],
        },
        "facts": _FACTS_EN,
        "category": None,
        "end_outcome": "closed",
        "event": _customer_said(
            "This is ridiculous, I want to speak to your manager right now about ticket #4417."
        ),
    },
]


def _summary(
    counts: tuple[int, int, int, int],
    peak_anger: float,
    rungs: list[str],
    transfer: tuple[bool, bool, bool],
    ended: str,
    intents: list[str],
    category: str | None,
    difficulty: float,
    break_minutes: int,
    facts: list[dict[str, Any]],
) -> dict[str, Any]:
    """A call's summary; ``counts``: turns, the customer's, the agent's, abusive ones."""
    turns, customer_turns, agent_turns, abusive_turns = counts
    offered, failed, done = transfer
    return {
        "turns": turns,
        "customer_turns": customer_turns,
        "agent_turns": agent_turns,
        "peak_anger": peak_anger,
        "abusive_turns": abusive_turns,
        "highest_rung": rungs[-1] if rungs else None,
        "rungs": rungs,
        "warnings": rungs.count("warn"),
        "boundaries": rungs.count("set_boundary"),
        "transfer": {"offered": offered, "failed": failed, "done": done},
        "supervisor_requested": "supervisor_request" in intents,
        "ended": ended,
        # The coach's verdict is recorded for a hang-up only (a normal close needs none).
        "end_allowed": True if ended == "hang_up" else None,
        "end_reason": "allowed" if ended == "hang_up" else None,
        "intents": intents,
        "category": category,
        "difficulty": difficulty,
        "break_minutes": break_minutes,
        "break_recommended": break_minutes > 0,
        "facts": facts,
    }


SUMMARIES: list[dict[str, Any]] = [
    _summary(
        (8, 4, 0, 4),
        0.861,
        ["acknowledge", "set_boundary", "warn", "silent_record", "end_call"],
        (False, True, False),
        "hang_up",
        [],
        "invoice_error",
        0.81,
        10,
        _FACTS_PL,
    ),
    _summary(
        (4, 2, 1, 0),
        0.302,
        [],
        (False, False, False),
        "closed",
        ["churn"],
        "billing_error",
        0.015,
        0,
        _FACTS_RU,
    ),
    _summary(
        (3, 1, 0, 0),
        0.863,
        [],
        (True, False, True),
        "transferred",
        ["supervisor_request"],
        None,
        0.158,
        0,
        _FACTS_EN,
    ),
]

HEARD: list[dict[str, Any]] = [
    {
        "turn": 6,
        "step": "warning",
        "evidence": "Przy kolejnej obeldze będę zmuszony zakończyć rozmowę.",
        "message": (
            "Ostrzeżenie usłyszane: „Przy kolejnej obeldze będę zmuszony zakończyć rozmowę.”"
        ),
        "action": "warning_given",
        "undone": False,
        "text": {
            "key": "heard.warning",
            "params": {"evidence": "Przy kolejnej obeldze będę zmuszony zakończyć rozmowę."},
        },
    },
    {
        "turn": 4,
        "step": "boundary",
        "evidence": "Давайте без грубостей.",
        "message": "Отменено: граница. Подсказки идут дальше так, будто этого не было сказано.",
        "action": "boundary_stated",
        "undone": True,
        "text": {"key": "heard_undone", "params": {"step": "boundary"}},
    },
    {
        "turn": 2,
        "step": "restate",
        "evidence": "ticket #4417",
        "message": "Facts restated: “ticket #4417”",
        "action": None,
        "undone": False,
        "text": {"key": "heard.restate", "params": {"evidence": "ticket #4417"}},
    },
]
for _guidance in GUIDANCE:  # the examples answer customers' lines: nothing heard from the agent
    _guidance["heard"] = []
UNDOS: list[dict[str, Any]] = [
    {"seq": 6, "step": "warning"},
    {"seq": 4, "step": "boundary"},
    {"seq": 2, "step": "restate"},
]

STARTED_AT = "2026-11-23T09:00:00Z"
AGENTS = [("bartek", "Bartek"), ("olga", "Ольга"), ("sam", "Sam")]
SUPERVISORS = ["sylwia", "nadia", "jordan"]
SUPERVISOR_NAMES = ["Sylwia", "Надя", "Jordan"]
CHANNELS = ["phone", "chat", "phone"]


def _first(key: str, source: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first item of ``key`` in each language's example that has one."""
    return [item[key][0] for item in source if item.get(key)]


GUIDANCE_RECORDS: list[dict[str, Any]] = [
    {k: v for k, v in g.items() if k != "event"} for g in GUIDANCE
]
ERASED_GUIDANCE: list[dict[str, Any]] = [
    {
        **{k: g[k] for k in ("type", "contact_id", "seq", "turn", "stage", "rung", "lang")},
        "alerts": [{"kind": a["kind"]} for a in g["alerts"]],
    }
    for g in GUIDANCE
]
SUGGESTIONS: list[dict[str, Any]] = _first("suggestions", GUIDANCE)
ALERTS: list[dict[str, Any]] = _first("alerts", GUIDANCE)
FACTS: list[dict[str, Any]] = _first("facts", GUIDANCE)
SIGNALS: list[dict[str, Any]] = [g["signals"] for g in GUIDANCE]
PROFANITY: list[dict[str, Any]] = [
    *_first("profanity", SIGNALS),
    {
        "start": 4,
        "end": 9,
        "text": "дебил",
        "kind": "insult",
        "normalized": "дебил",
        "entry": "дебил*",
    },
    {
        "start": 10,
        "end": 15,
        "text": "idiot",
        "kind": "insult",
        "normalized": "idiot",
        "entry": "idiot*",
    },
]
PII: list[dict[str, Any]] = [
    *_first("pii", SIGNALS),
    {"kind": "phone", "start": 11, "end": 27, "text": "+7 912 345-67-89"},
    {"kind": "email", "start": 17, "end": 34, "text": "sam@example.co.uk"},
]
EXPLANATIONS: list[dict[str, Any]] = _first("explanations", SIGNALS)
EVENTS: list[dict[str, Any]] = [g["event"] for g in GUIDANCE]
TRANSFERS: list[dict[str, Any]] = [s["transfer"] for s in SUMMARIES]
ERASED_SUMMARIES: list[dict[str, Any]] = [
    {k: v for k, v in s.items() if k != "facts"} for s in SUMMARIES
]
SUMMARY_MESSAGES: list[dict[str, Any]] = [
    {
        "type": "summary",
        "contact_id": index,
        "summary": summary,
        "break_recommended": summary["break_recommended"],
        "break_minutes": summary["break_minutes"],
    }
    for index, summary in enumerate(SUMMARIES, start=1)
]
CONTACT_UPDATES: list[dict[str, Any]] = [
    {
        "type": "contact_update",
        "contact_id": g["contact_id"],
        "agent": agent,
        "agent_name": name,
        "channel": channel,
        "lang": g["lang"],
        "stage": g["stage"],
        "rung": g["rung"],
        "heat": round(max(g["signals"]["anger"], g["signals"]["abuse"]), 3),
        "peak_heat": round(max(g["signals"]["anger"], g["signals"]["abuse"]), 3),
        "alerts": [a["kind"] for a in g["alerts"]],
        "status": "live",
        "turns": g["seq"],
        "break_minutes": None,
        "started_at": STARTED_AT,
        "taken_over_by": taker,
        "taken_over_by_name": taker_name,
    }
    for g, (agent, name), channel, (taker, taker_name) in zip(
        GUIDANCE,
        AGENTS,
        CHANNELS,
        [(None, None), ("nadia", "Надежда Орлова"), (None, None)],
        strict=True,
    )
]
ALERT_MESSAGES: list[dict[str, Any]] = [
    {
        "type": "alert",
        "contact_id": g["contact_id"],
        "kind": g["alerts"][0]["kind"],
        "message": g["alerts"][0]["message"],
        "text": g["alerts"][0]["text"],
        "agent": agent,
        "agent_name": name,
        "seq": g["seq"],
        "minutes": None,
        "params": {},
        "alert_id": index,
        "severity": severity,
        "at": "2026-11-23T09:00:13Z",
        "acknowledged_at": acknowledged,
        "acknowledged_by": by,
        "acknowledged_by_name": by_name,
    }
    for index, (g, (agent, name), severity, (acknowledged, by, by_name)) in enumerate(
        zip(
            GUIDANCE,
            AGENTS,
            (60, 60, 60),
            [
                (None, None, None),
                ("2026-11-23T09:01:30Z", "nadia", "Надежда Орлова"),
                (None, None, None),
            ],
            strict=True,
        ),
        start=1,
    )
]
RUNG_CLIMBS: list[dict[str, Any]] = [
    {
        "type": "alert",
        "contact_id": 1,
        "kind": "rung_climbed",
        "message": "",
        "text": None,
        "agent": "bartek",
        "agent_name": "Bartek",
        "seq": 5,
        "minutes": None,
        "params": {"rung": "warn"},
        "alert_id": 7,
        "severity": 40,
        "at": "2026-11-23T09:02:10Z",
        "acknowledged_at": None,
        "acknowledged_by": None,
        "acknowledged_by_name": None,
    }
]
BREAKS_GRANTED: list[dict[str, Any]] = [
    {
        "type": "break_granted",
        "contact_id": index,
        "agent": agent,
        "minutes": minutes,
        "granted_by": by,
        "granted_by_name": name,
        "granted_at": "2026-11-23T09:08:00Z",
    }
    for index, ((agent, _), (by, name), minutes) in enumerate(
        zip(AGENTS, zip(SUPERVISORS, SUPERVISOR_NAMES, strict=True), (10, 5, 15), strict=True),
        start=1,
    )
]

CONTACTS: list[dict[str, Any]] = [
    {
        "id": update["contact_id"],
        "agent": update["agent"],
        "agent_name": update["agent_name"],
        "channel": update["channel"],
        "lang": update["lang"],
        "can_transfer": True,
        "status": "ended",
        "started_at": STARTED_AT,
        "ended_at": "2026-11-23T09:07:30Z",
        "stage": update["stage"],
        "rung": update["rung"],
        "heat": update["heat"],
        "peak_heat": update["peak_heat"],
        "alerts": update["alerts"],
        "turns": summary["turns"],
        "summary": summary,
        "break_minutes": summary["break_minutes"],
        "break_granted_minutes": granted,
        "break_granted_at": "2026-11-23T09:09:00Z" if granted else None,
        "break_requested_at": "2026-11-23T09:08:10Z" if granted else None,
        "redacted_at": None,
        "erased_at": None,
    }
    for update, summary, granted in zip(CONTACT_UPDATES, SUMMARIES, (10, None, None), strict=True)
]
CONTACT_EVENTS: list[dict[str, Any]] = [
    {
        "seq": 1,
        "kind": "customer_said",
        "text": g["event"]["text"],
        "action": None,
        "created_at": "2026-11-23T09:00:12Z",
        "guidance": record,
    }
    for g, record in zip(GUIDANCE, GUIDANCE_RECORDS, strict=True)
]
CONTACT_DETAILS: list[dict[str, Any]] = [
    {**contact, "events": [event]} for contact, event in zip(CONTACTS, CONTACT_EVENTS, strict=True)
]
CONTACTS_STARTED: list[dict[str, Any]] = [
    {"channel": "phone", "lang": "pl", "can_transfer": True, "agent": None},
    {"channel": "chat", "lang": "ru", "can_transfer": None, "agent": "olga"},
    {"channel": "phone", "lang": "en", "can_transfer": False, "agent": None},
    {"channel": "email", "lang": "auto", "can_transfer": None, "agent": "bartek"},
]
UTTERANCES: list[dict[str, Any]] = [
    {"speaker": event["speaker"], "text": event["text"]} for event in EVENTS[:2]
] + [{"speaker": "agent", "text": "I'm sorry about the wait; let me look at the refund now."}]
ACTIONS: list[dict[str, Any]] = [
    {"action": "warning_given"},
    {"action": "transfer_offered"},
    {"action": "call_ended"},
]
BREAK_GRANTS: list[dict[str, Any]] = [{"minutes": 10}, {"minutes": None}, {"minutes": 15}]
ALERTS_ACKNOWLEDGED: list[dict[str, Any]] = [
    {
        "type": "alert_acknowledged",
        "alert_id": index,
        "contact_id": index,
        "acknowledged_at": "2026-11-23T09:01:30Z",
        "acknowledged_by": by,
        "acknowledged_by_name": name,
    }
    for index, (by, name) in enumerate(
        zip(SUPERVISORS, ("Sylwia Nowak", "Надежда Орлова", "Jordan Lee"), strict=True), start=1
    )
]
WHISPERS: list[dict[str, Any]] = [
    {
        "type": "whisper",
        "contact_id": index,
        "seq": 3,
        "text": text,
        "by": by,
        "by_name": name,
        "at": "2026-11-23T09:02:00Z",
    }
    for index, (by, name, text) in enumerate(
        [
            ("sylwia", "Sylwia Nowak", "Spokojnie, zaproponuj wymianę, zgodę już mam."),
            ("nadia", "Надежда Орлова", "Предложите возврат, я согласовала."),
            ("jordan", "Jordan Lee", "You may offer the refund; I approved it."),
        ],
        start=1,
    )
]
TAKEN_OVER: list[dict[str, Any]] = [
    {
        "type": "taken_over",
        "contact_id": index,
        "seq": 5,
        "agent": agent,
        "by": by,
        "by_name": name,
        "at": "2026-11-23T09:03:00Z",
    }
    for index, ((agent, _), by, name) in enumerate(
        zip(AGENTS, SUPERVISORS, ("Sylwia Nowak", "Надежда Орлова", "Jordan Lee"), strict=True),
        start=1,
    )
]
