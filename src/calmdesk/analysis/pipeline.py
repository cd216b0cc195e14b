"""``analyze(text)`` and ``analyze_many(texts)``: one utterance in, :class:`Signals` out.

The text is cleaned once (control characters removed), its language guessed (or taken from the
caller), its words normalised once, and every registered detector runs on that one
:class:`~calmdesk.analysis.base.Document`. The trained tone model, when installed, scores a whole
batch in one call; :func:`~calmdesk.analysis.scoring.fuse` turns lexicon findings, cues and model
scores into ``abuse``, ``anger`` and ``level``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from calmdesk.analysis import model as tone_model
from calmdesk.analysis import registry
from calmdesk.analysis.abuse import AbuseFinding, merge_overlapping
from calmdesk.analysis.base import Detector, Document, FindingT
from calmdesk.analysis.facts import drop_overlaps
from calmdesk.analysis.language import ALL_LANGS, SUPPORTED, detect_language
from calmdesk.analysis.line import check_line
from calmdesk.analysis.model import ToneScores
from calmdesk.analysis.model_input import model_text
from calmdesk.analysis.normalize import Token, tokenize
from calmdesk.analysis.scoring import FusionInput, fuse, lexicon_abuse
from calmdesk.analysis.signals import Explanation, Fact, Intent, ProfanitySpan, Signals
from calmdesk.errors import InvalidInput

"""The longest utterance accepted (a chat message or one transcript segment)."""
BATCH_CHUNK = 512
VIOLENCE_ABUSE = 0.9
"""The abuse score of a message that threatens physical harm, whatever its wording."""


@dataclass(frozen=True, slots=True)
class _Prepared:
    doc: Document
    abuse: list[AbuseFinding]
    explanations: list[Explanation]
    # Insult words aimed at the speaker ("I feel like an idiot"): not abuse, hidden from the model.
    self_aimed: tuple[Token, ...] = ()

    def model_input(self) -> str:
        """What the tone model reads (see :func:`~calmdesk.analysis.model_input.model_text`)."""
        return model_text(self.doc, _spans(self), self.self_aimed)


@cache
def _tone_model() -> tone_model.ToneModel | None:
    return tone_model.load_default_model()


def _run(detectors: Sequence[Detector[FindingT]], doc: Document) -> list[FindingT]:
    findings: list[FindingT] = []
    for detector in detectors:
        if detector.supports(doc.lang):
            detector.ensure_loaded()
            findings += detector.detect(doc)
    return findings


def check_lang(lang: str | None) -> str | None:
    """``lang`` itself when it is one of pl, ru, en, other (or ``None``); else InvalidInput."""
    if lang is None:
        return None
    if lang not in ALL_LANGS:
        raise InvalidInput(
            f"unknown language {lang!r}; use one of {', '.join(ALL_LANGS)}",
            code="unknown_language",
            lang=str(lang),
        )
    return lang


def _prepare(text: str, lang: str | None) -> _Prepared:
    cleaned = check_line(text)
    forced = check_lang(lang)
    tokens = tokenize(cleaned)
    explanations: list[Explanation] = []
    if forced is None:
        guess = detect_language(cleaned, tokens)
        lang_code = guess.lang
        explanations.append(Explanation("lang", guess.reason, "language"))
    else:
        lang_code = forced
        explanations.append(Explanation("lang", "given by the caller", "caller"))
    doc = Document.build(cleaned, lang_code, tokens)
    abuse = merge_overlapping(_run(registry.ABUSE, doc))
    if abuse:
        return _Prepared(doc, abuse, explanations)
    self_aimed = registry.LEXICON_ABUSE.aimed_at_the_speaker(doc)
    for token, by in self_aimed:
        reason = f"'{token.text}' is aimed at the speaker by '{by}', not at the listener"
        explanations.append(Explanation("abuse", reason, "lexicon", matched=token.text))
    return _Prepared(doc, abuse, explanations, tuple(token for token, _ in self_aimed))


def fusion_evidence(prepared: _Prepared) -> tuple[FusionInput, list[Explanation]]:
    """What the fusion gets from the lexicons and cues (no model scores yet), and the shouting
    cues, whose explanations are shown apart from the other anger cues."""
    cues = _run(registry.CUES, prepared.doc)
    shouting = [cue for cue in cues if cue.signal == "shouting"]
    evidence = FusionInput(
        profanity=_spans(prepared),
        insult_directed=_directed(prepared),
        shouting=bool(shouting),
        anger_cues=tuple(cue for cue in cues if cue.signal != "shouting"),
        insult_self_aimed=bool(prepared.self_aimed),
    )
    return evidence, shouting


def _finish(prepared: _Prepared, tone: ToneScores | None) -> Signals:
    doc = prepared.doc
    model_abuse = None if tone is None else tone.abuse
    model_anger = None if tone is None else tone.anger
    evidence, shouting = fusion_evidence(prepared)
    anger_cues = evidence.anger_cues
    intents = _run(registry.INTENTS, doc)
    facts = drop_overlaps(_run(registry.FACTS, doc))
    pii = _run(registry.PII, doc)
    abuse = prepared.abuse
    directed = [finding for finding in abuse if finding.directed]
    spans = evidence.profanity
    fused = fuse(
        replace(
            evidence,
            model_abuse=model_abuse,
            model_anger=model_anger,
            model_scorer="full" if tone is None else tone.scorer,
        )
    )
    explanations = [*prepared.explanations, *(finding.explanation for finding in abuse)]
    if directed:
        first = directed[0]
        reason = f"'{first.span.text}' is aimed at the listener by '{first.directed_by}'"
        explanations.append(
            Explanation("insult_directed", reason, "lexicon", matched=first.span.text)
        )
    explanations += shouting
    explanations += anger_cues
    explanations += (finding.explanation for finding in intents)
    explanations += _model_explanations(fused.explanations, model_abuse, model_anger)
    abuse_score, level = fused.abuse, fused.level
    if any(finding.intent is Intent.THREAT_VIOLENCE for finding in intents):
        # A threat of harm is abuse however calmly it is worded.
        abuse_score, level = max(abuse_score, VIOLENCE_ABUSE), "abusive"
    return Signals(
        lang=doc.lang,
        anger=fused.anger,
        abuse=abuse_score,
        level=level,
        profanity=spans,
        insult_directed=bool(directed),
        shouting=bool(shouting),
        intents=frozenset(str(finding.intent) for finding in intents),
        facts=tuple(facts),
        pii=tuple(pii),
        explanations=tuple(explanations),
    )


def _model_explanations(
    fused: tuple[Explanation, ...], model_abuse: float | None, model_anger: float | None
) -> list[Explanation]:
    """The fusion's own explanations, or the model's scores when the fusion gives none."""
    if fused:
        return list(fused)
    out = []
    if model_abuse is not None:
        out.append(Explanation("abuse", "tone model score", "model", score=round(model_abuse, 3)))
    if model_anger is not None:
        out.append(Explanation("anger", "tone model score", "model", score=round(model_anger, 3)))
    return out


def _model_lang(lang: str) -> str:
    return lang if lang in SUPPORTED else "other"


def analyze(text: str, lang: str | None = None) -> Signals:
    """What one utterance says and how: language, abuse, anger, level, intents, facts, PII,
    each flag with its explanation.

    >>> analyze("Faktura jest o 200 zł wyższa niż w umowie.").level
    'calm'

    ``lang`` (``pl``, ``ru``, ``en`` or ``other``) skips language detection. Raises
    :class:`~calmdesk.errors.InvalidInput` for empty or over-long text."""
    return analyze_many([text], None if lang is None else [lang])[0]


def analyze_many(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Signals]:
    """:func:`analyze` for a batch; the tone model scores it :data:`BATCH_CHUNK` texts at a time.

    One bad text fails the batch with :class:`~calmdesk.errors.InvalidInput` naming its index
    (``index`` field); callers that want to skip bad rows call :func:`analyze` per row."""
    if langs is not None and len(langs) != len(texts):
        raise InvalidInput(
            f"got {len(texts)} texts but {len(langs)} languages", code="langs_length_mismatch"
        )
    single = len(texts) == 1
    results: list[Signals] = []
    # Chunk by chunk, so a large batch never holds every prepared document at once. (Embedding
    # on a second thread does not pay here: the encoder's many short numpy calls each wait for
    # the GIL, and the batch got slower.)
    for start in range(0, len(texts), BATCH_CHUNK):
        end = start + BATCH_CHUNK
        part_langs = None if langs is None else langs[start:end]
        results += analyze_part(texts[start:end], part_langs, start, name_index=not single)
    return results


def analyze_part(
    texts: Sequence[str],
    langs: Sequence[str | None] | None = None,
    offset: int = 0,
    *,
    name_index: bool = True,
) -> list[Signals]:
    """:func:`analyze_many` for one part of a larger batch that starts at ``offset``: an
    :class:`~calmdesk.errors.InvalidInput` names the text by its index in the whole batch."""
    prepared = _prepare_chunk(texts, langs, offset, single=not name_index)
    model = _tone_model()
    if model is None:
        return [_finish(item, None) for item in prepared]
    scores = model.predict(
        [item.model_input() for item in prepared],
        [_model_lang(item.doc.lang) for item in prepared],
        settled=[lexicon_abuse(_spans(item), _directed(item)) > 0 for item in prepared],
    )
    return [_finish(item, score) for item, score in zip(prepared, scores, strict=True)]


def _prepare_chunk(
    texts: Sequence[str], langs: Sequence[str | None] | None, offset: int, *, single: bool
) -> list[_Prepared]:
    prepared = []
    for position, text in enumerate(texts):
        try:
            prepared.append(_prepare(text, None if langs is None else langs[position]))
        except InvalidInput as error:
            if single:
                raise
            index = offset + position
            raise InvalidInput(
                f"text {index}: {error.message}", code=error.code, index=index, **error.fields
            ) from error
    return prepared


def _spans(prepared: _Prepared) -> tuple[ProfanitySpan, ...]:
    return tuple(finding.span for finding in prepared.abuse)


def _directed(prepared: _Prepared) -> bool:
    return any(finding.directed for finding in prepared.abuse)


def find_facts(text: str, lang: str | None = None) -> tuple[Fact, ...]:
    """Only the facts of a line (amounts, dates, durations, references, phones), without the
    tone model: what the coach reads in the agent's own words to see which of the customer's
    facts were restated. ``lang`` as for :func:`analyze`."""
    cleaned = check_line(text)
    tokens = tokenize(cleaned)
    forced = check_lang(lang)
    lang_code = forced if forced is not None else detect_language(cleaned, tokens).lang
    doc = Document.build(cleaned, lang_code, tokens)
    return tuple(drop_overlaps(_run(registry.FACTS, doc)))
