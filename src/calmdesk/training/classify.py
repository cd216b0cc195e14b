"""What a trainee's line does, read from observable wording: plain phrase rules per language,
the analysis' facts, and the coach's own alerts (negative wording, risky promise).

The rules are deliberately transparent (a trainer can read and dispute them, and each finding
keeps the words that matched). They look at what the agent *says*, never at how the agent
feels. A line may do several things at once ("I understand this is frustrating, the invoice
FV/1 is 200 zł higher?" is empathy, a paraphrase and a question).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from calmdesk.analysis.signals import Fact
from calmdesk.coach import AlertKind, Guidance

_I = re.IGNORECASE

# Naming the emotion or showing understanding ("czy dobrze rozumiem", "if I understand
# correctly" check the facts, they are not empathy).
_EMPATHY = re.compile(
    r"((?<!dobrze\s)(?<!nie\s)rozumiem|s[łl]ysz[eę],?\s+[żz]e|widz[eę],?\s+[żz]e|zdenerwowan|zirytowan|zdenerwowa[ćc]"
    r"|frustruj|przykro\s+mi|ma\s+pan[i]?\s+prawo|na\s+(pana|pani)\s+miejscu|denerwuj[ąa]c"
    r"|(?<!правильно\s)(?<!не\s)понима[юе]|слышу,?\s+что|вижу,?\s+что|расстро|раздраж|возмущ|неприятн|сожале"
    r"|на\s+вашем\s+месте|имеете\s+право|обидно"
    r"|(?<!if\s)\bi\s+(fully\s+|completely\s+)?understand(?!\s+correctly)|\bi\s+hear\s+(that|you)|\bi\s+can\s+see"
    r"|frustrat|\bupset\b|annoying|\bangry\b|\bi'?m\s+sorry\s+(to\s+hear|that|this)"
    r"|that\s+must\s+be|in\s+your\s+(place|shoes)|\bi\s+get\s+(it|why))",
    _I,
)
# Letting the customer speak: a listening signal or an invitation to go on (the coach's
# ``listen`` step and its listening signals).
_LISTENING = re.compile(
    r"(s[łl]ucham|prosz[eę]\s+m[óo]wi[ćc]|nie\s+b[eę]d[eę]\s+przerywa|wys[łl]ucham|\bmhm\b|notuj[eę]"
    r"|слушаю|рассказывайте|не\s+буду\s+перебивать|выслушаю|записываю|\bугу\b"
    r"|listening|\bgo\s+on\b|won'?t\s+interrupt|hear\s+you\s+out|\bmm-?hm\b|\bi\s+see\b"
    r"|i'?m\s+noting|take\s+your\s+time)",
    _I,
)
# Introducing oneself (the agent's name in the line counts too).
_INTRODUCTION = re.compile(
    r"(nazywam\s+si[eę]|mam\s+na\s+imi[eę]|z\s+tej\s+strony|меня\s+зовут|с\s+вами\s+говорит"
    r"|\bmy\s+name\s+is|\bthis\s+is\s+\w+\s+(from|speaking|at)|\bi'?m\s+\w+\s+from)",
    _I,
)
# Saying insults are not acceptable (the boundary rung).
_BOUNDARY = re.compile(
    r"(obra[żz]|wulgar|przekle[ńn]|przeklina|wyzwisk|inwektyw|kultur|szacunk|szanuj"
    r"|оскорбл|нецензур|бран[ьи]|ругат|руга[ею]|грубост|уважени|выражени"
    r"|insult|swear|language|\babus|respect|name-calling|offensive|\brude\b)",
    _I,
)
# Saying the call will end if the insults go on (the warning rung).
_WARNING = re.compile(
    r"(zako[ńn]cz\w*\s+(t[eę]\s+|nasz[aą]\s+)?(rozmow|po[łl][aą]czeni)|roz[łl][aą]cz|przerw\w*\s+(rozmow|po[łl][aą]cz)"
    r"|заверш\w*\s+(наш\w*\s+|этот\s+)?(разговор|звонок)|прерв\w*\s+(наш\w*\s+)?(разговор|звонок)|положу\s+трубку|отключ"
    r"|\bend\s+(this|the|our)\s+(call|conversation)|hang\s+up|terminate\s+(this|the)\s+call|disconnect)",
    _I,
)
# Doing something about the problem.
_SOLUTION = re.compile(
    r"(zg[łl]osz|zg[łl]asz|reklamacj|korekt|zwr[óo]c|zwrot|sprawdz|przeka[żz]|wyja[śs]n|zajm[eę]"
    r"|rozpatrz|wy[śs]l|popraw|wystaw|oddzwoni|skontaktuj"
    r"|оформ|зарегистрир|верн[уё]|возврат|скорректир|исправ|провер|переда[мю]|рассмотр|отправ"
    r"|перезвон|свяж[уе]|выставим|займ[уё]"
    r"|\brefund|\bcorrect|\bfix\b|\bcheck|\bsend\b|\bissue\b|\braise\b|\blog\b|\bescalat|look\s+into"
    r"|call\s+you\s+back|\bresolv|\bcredit|\bcomplaint)",
    _I,
)
# A deadline in words (dates and durations are also taken from the analysis' facts).
_DEADLINE = re.compile(
    r"(\bdo\s+(poniedzia|wtork|[śs]rod|czwartk|pi[ąa]tk|sobot|niedziel|jutra|ko[ńn]ca)"
    r"|w\s+ci[ąa]gu|najp[óo][źz]niej|dni\s+robocz|jutro|dzisiaj|dzi[śs]\b"
    r"|\bдо\s+(понедельник|вторник|сред|четверг|пятниц|суббот|воскресень|завтра|конца)"
    r"|в\s+течение|не\s+позднее|рабоч\w+\s+дн|завтра|сегодня"
    r"|\bby\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|the\s+end)"
    r"|\bwithin\b|no\s+later\s+than|working\s+days?|business\s+days?|tomorrow|\btoday\b)",
    _I,
)
# Offering or announcing a transfer.
_TRANSFER = re.compile(
    r"(po[łl][aą]cz[eęy]\w*\s+(pana|pani|pa[ńn]stwa)?\s*z|prze[łl][aą]cz|przekieruj|prze[łl]o[żz]on|kierownik"
    r"|соедин|переключ|руководител|старш\w+\s+(смен|специалист)|начальник"
    r"|\btransfer|put\s+you\s+through|connect\s+you|supervisor|\bmanager)",
    _I,
)
_APOLOGY = re.compile(r"(przeprasza|przepros|извин|прошу\s+прощ|\bsorry\b|apolog)", _I)


@dataclass(frozen=True, slots=True)
class AgentMove:
    """What one trainee line does. ``evidence`` maps each feature found to the words that
    matched it; ``facts_restated`` are the persona's facts the line restated."""

    empathy: bool = False
    listening: bool = False
    introduction: bool = False
    question: bool = False
    paraphrase: bool = False
    solution: bool = False
    deadline: bool = False
    boundary: bool = False
    warning: bool = False
    transfer_offer: bool = False
    apology: bool = False
    negative_wordings: tuple[str, ...] = ()
    risky_promise: str | None = None
    facts_restated: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def resolves(self) -> bool:
        """A solution with a deadline: what to do, and by when."""
        return self.solution and self.deadline

    def found(self) -> list[str]:
        return list(self.evidence)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0) if match else None


def classify(
    text: str,
    *,
    agent_facts: Iterable[Fact],
    persona_facts: Iterable[tuple[str, str]],
    agent_guidance: Guidance,
    agent_name: str | None = None,
) -> AgentMove:
    """Read one trainee line. ``agent_facts`` are the analysis' facts of the line,
    ``persona_facts`` the scenario's ``(kind, value)`` pairs, ``agent_guidance`` the coach's
    answer to the line (its ``negative_wording`` and ``risky_promise`` alerts)."""
    evidence: dict[str, str] = {}
    for name, pattern in (
        ("empathy", _EMPATHY),
        ("listening", _LISTENING),
        ("introduction", _INTRODUCTION),
        ("boundary", _BOUNDARY),
        ("warning", _WARNING),
        ("solution", _SOLUTION),
        ("deadline", _DEADLINE),
        ("transfer_offer", _TRANSFER),
        ("apology", _APOLOGY),
    ):
        hit = _first(pattern, text)
        if hit:
            evidence[name] = hit
    if agent_name and "introduction" not in evidence and agent_name.lower() in text.lower():
        evidence["introduction"] = agent_name
    if "?" in text:
        evidence["question"] = "?"
    facts = list(agent_facts)
    if "deadline" not in evidence:
        timing = next((f for f in facts if f.kind in ("date", "duration")), None)
        if timing is not None:
            evidence["deadline"] = timing.text
    wanted = set(persona_facts)
    restated = tuple(dict.fromkeys(f.text for f in facts if (f.kind, f.value) in wanted))
    if restated:
        evidence["paraphrase"] = ", ".join(restated)
    wordings = tuple(
        a.evidence[0] for a in agent_guidance.alerts if a.kind is AlertKind.NEGATIVE_WORDING
    )
    promise = next(
        (a.evidence[0] for a in agent_guidance.alerts if a.kind is AlertKind.RISKY_PROMISE), None
    )
    if wordings:
        evidence["negative_wording"] = ", ".join(wordings)
    if promise:
        evidence["risky_promise"] = promise
    return AgentMove(
        empathy="empathy" in evidence,
        listening="listening" in evidence,
        introduction="introduction" in evidence,
        question="question" in evidence,
        paraphrase=bool(restated),
        solution="solution" in evidence,
        deadline="deadline" in evidence,
        boundary="boundary" in evidence,
        warning="warning" in evidence,
        transfer_offer="transfer_offer" in evidence,
        apology="apology" in evidence,
        negative_wordings=wordings,
        risky_promise=promise,
        facts_restated=restated,
        evidence=evidence,
    )
