"""Features of a (question, sentence, passage) triple for the learned answer scorer.

Every feature is general — how much of the question the sentence covers, whether it holds a span of
the asked type, how its passage ranked — and none names a word of the corpus. scripts/fit_answer_model.py
computes exactly these on the CMRC 2018 trial set to fit the weights in data/answer_model.json.

Coverage: each concept of the question (a word, or an English word with its Chinese translations)
weighs its IDF; it counts when one of its alternatives occurs in the text, partly for a sub-word, a
synonym or a translation, and partly when only most of its character pairs occur.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from rag.answer.cause import CAUSE_SAID
from rag.answer.intent import YESNO
from rag.answer.patterns import YEAR_RE
from rag.answer.spans import key_span
from rag.text import normalize
from rag.types import Chunk

FEATURES = (
    "cov_sent", "cov_near", "cov_head", "cov_passage", "missing_max", "entity_missing",
    "asks_type", "typed", "typed_specific", "local_cov", "year_conflict", "year_match",
    "rank_recip", "lex_recip", "dense_recip", "first_sent", "log_len", "qweight", "proximity", "cov_rest", "align",
    "cause",
)
# Computed over all candidates of one question: how far a sentence is from the best candidate
RELATIVE = ("cov_sent", "cov_near", "cov_rest")
ALL_FEATURES = FEATURES + tuple(f"{name}_gap" for name in RELATIVE)
MEASURED = ("number", "date", "rank", "duration")
BIGRAM_CREDIT = 0.4  # a word not found whole, but its character pairs are (产业区 ~ 产业先导区)
LOCAL_WINDOW = 20  # characters each side of a number, date or rank whose words must cover the question
_FRAME = re.compile(r"在[^，,。；;]{2,60}?(?:中|里|上|方面|期间)[，,]")  # a clause opening a sentence that sets its scope


def _bigram_share(word: str, text: str) -> float:
    if len(word) < 3 or not word.isalpha() or word.isascii():
        return 0.0
    pairs = [word[i:i + 2] for i in range(len(word) - 1)]
    return sum(p in text for p in pairs) / len(pairs)


def credit(group, text: str) -> tuple[float, list[tuple[int, float]]]:
    """How well text covers one concept (0..1), and where: (position, credit) of every occurrence of
    every alternative. The best alternative present counts by its weight relative to the group's
    best (a sub-word 0.6, a synonym 0.8); any gloss of an English word counts at least 0.6."""
    top = max(w for _, w in group.alternatives) or 1.0
    best, where = 0.0, []
    for token, w in group.alternatives:
        if token not in text:
            continue
        c = w / top if w < top else 1.0
        if group.source.isascii() and not token.isascii():  # a translation: any gloss will do
            c = 0.6 + 0.4 * c
        best = max(best, c)
        where.extend((m.start(), c) for m in re.finditer(re.escape(token), text))
    if best == 0.0:
        best = BIGRAM_CREDIT * _bigram_share(group.source, text)
    return best, where


def coverage(concepts, text: str) -> list[float]:
    """Credit of each concept in text."""
    return [credit(g, text)[0] for g in concepts]


def weighted(concepts, credits) -> float:
    total = sum(g.weight for g in concepts)
    return sum(c * g.weight for c, g in zip(credits, concepts)) / total if total else 0.0


@dataclass
class PassageContext:
    """What is computed once per passage: the normalised texts and each concept's credit in them."""

    chunk: Chunk
    rank: int
    channels: dict
    heading: str  # heading path and what identifies the reply (文号, title, addressee, proposal title)
    norm: str  # the passage, normalised
    head_credit: list[float] = field(default_factory=list)
    passage_credit: list[float] = field(default_factory=list)


def passage_context(info, chunk: Chunk, rank: int, channels: dict, reply_context: str) -> PassageContext:
    heading = normalize(chunk.section_path) + " " + reply_context
    norm = normalize(chunk.text)
    ctx = PassageContext(chunk, rank, channels, heading, norm)
    ctx.head_credit = coverage(info.concepts, heading)
    ctx.passage_credit = [max(a, b) for a, b in zip(coverage(info.concepts, norm), ctx.head_credit)]
    return ctx


def _proximity(anchors, length: int) -> float:
    """1 when the question's words sit close together in the sentence, towards 0 when spread out."""
    if len(anchors) < 2 or length == 0:
        return 0.0
    positions = sorted(a for a, _ in anchors)
    return 1.0 - (positions[-1] - positions[0]) / length


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence of a (short) and b, bit-parallel over a's characters
    (Hyyrö 2004): one pass over b."""
    m = len(a)
    if not m or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    v = full
    for ch in b:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return m - bin(v).count("1")


def alignment(concepts, text: str, lang: str = "zh") -> float | None:
    """Share of the question's words, in the question's order, that the sentence holds character by
    character: a sentence written the way the question is asked (the way a reader restates it) holds
    its answer more often than one that only shares its words. An English question's order says
    nothing of a Chinese sentence's: None, and its coverage stands in."""
    if lang != "zh":
        return None
    asked = "".join(g.source for g in concepts if not g.source.isascii())
    return lcs_length(asked, text) / len(asked) if asked else 0.0


def add_relative(rows):
    """Append each RELATIVE feature's gap to the best candidate of the same question (≤ 0)."""
    import numpy as np

    rows = np.asarray(rows, dtype=float)
    if rows.size == 0:
        return rows.reshape(0, len(ALL_FEATURES))
    cols = [FEATURES.index(name) for name in RELATIVE]
    gaps = rows[:, cols] - rows[:, cols].max(axis=0)
    return np.hstack([rows, gaps])


def local_coverage(info, raw: str, span: tuple[int, int], head_credit: list[float]) -> float:
    """Coverage of the question by the words around a number, date or rank (and what the passage's
    heading says): "10 家制造业创新中心" does not answer how many laboratories there are. A span that
    opens its sentence ("2021年，……中心成立") speaks for the whole sentence, and a clause that opens it
    to set its scope (在……报告中，) for every span after it."""
    first_clause = re.match(r"[^，,；;：:]*", raw).end()
    window = raw if span[0] < first_clause else raw[max(0, span[0] - LOCAL_WINDOW):span[1] + LOCAL_WINDOW]
    frame = _FRAME.match(raw)
    if frame and span[0] >= frame.end():  # 在《2022 自然指数-科研城市》中，上海……升至第 3 位: the frame scopes every figure after it
        window = frame.group(0) + window
    window = normalize(window)
    credits = [max(credit(g, window)[0], 0.5 * h) for g, h in zip(info.concepts, head_credit)]
    return weighted(info.concepts, credits)


@dataclass(frozen=True)
class SentenceFeatures:
    values: tuple[float, ...]  # in the order of FEATURES
    span: tuple[int, int] | None  # key span of the asked type, in the sentence
    span_rank: int | None  # 0 = the most specific kind of span
    anchors: tuple[tuple[int, float], ...]  # where the question's words occur in the sentence
    entity_missing: bool

    def get(self, name: str) -> float:
        return self.values[FEATURES.index(name)]


def sentence_features(info, intent, ctx: PassageContext, raw: str, position: int, previous: str,
                      entities: dict, asked: str) -> SentenceFeatures:
    """Features of one sentence (raw, as in the document) of a passage."""
    concepts = info.concepts
    total = sum(g.weight for g in concepts) or 1.0
    text = normalize(raw)
    sent_credit, near_credit, anchors = [], [], []
    for g, head in zip(concepts, ctx.head_credit):
        c, where = credit(g, text)
        anchors.extend((a, g.weight * w) for a, w in where)
        sent_credit.append(c)
        near_credit.append(max(c, head, credit(g, previous)[0] if previous else 0.0))
    missing = [g.weight / total for g, c, p in zip(concepts, near_credit, ctx.passage_credit) if c == 0.0 and p == 0.0]
    entity_missing = any(g.entity and c == 0.0 and p == 0.0 for g, c, p in zip(concepts, near_credit, ctx.passage_credit))

    qtype = intent.qtype
    accept = None
    if qtype in MEASURED and concepts:
        def accept(a: int, b: int) -> bool:  # a number among words that do not cover the question counts something else
            return local_coverage(info, raw, (a, b), ctx.head_credit) >= 0.2
    # what the question names is not its answer — but the noun it asks about may be (which programme → 探索者计划)
    named = frozenset(t for g in concepts for t, _ in g.alternatives if (len(t) >= 3 or (g.entity and len(t) >= 2)) and t not in info.head)
    # a why question asks for no thing; a yes/no question's own figure (达到20个了吗) is what settles it, not a repeat
    question = "" if intent.kind == YESNO else asked
    typed = key_span(qtype, raw, anchors, entities, intent.unit, intent.counter, intent.person_role, question, accept, info.head, named, info.years) if (qtype or info.head) and not intent.reason else None
    span = typed[:2] if typed else None
    local = local_coverage(info, raw, span, ctx.head_credit) if span and qtype in MEASURED else 0.0
    years = info.years
    names_year = bool(YEAR_RE.search(text))
    year_match = bool(years) and any(y in text for y in years)
    year_conflict = bool(years) and names_year and not year_match
    # what the heading path and the reply do not already say: the part of the question the sentence must hold
    rest = [g.weight * (1.0 - h) for g, h in zip(concepts, ctx.head_credit)]
    cov_rest = sum(r * c for r, c in zip(rest, sent_credit)) / sum(rest) if sum(rest) > 0 else 0.0
    ch = ctx.channels or {}
    cov_sent = weighted(concepts, sent_credit)
    values = (
        cov_sent,
        weighted(concepts, near_credit),
        weighted(concepts, ctx.head_credit),
        weighted(concepts, ctx.passage_credit),
        max(missing, default=0.0),
        float(entity_missing),
        float(qtype is not None or bool(info.head)),
        float(typed is not None),
        float(typed is not None and typed[2] == 0),
        local,
        float(year_conflict),
        float(year_match),
        1.0 / ctx.rank,
        1.0 / ch["lexical"] if ch.get("lexical") else 0.0,
        1.0 / ch["dense"] if ch.get("dense") else 0.0,
        float(position == 0),
        math.log(1 + len(raw)),
        math.log(1 + total),
        _proximity(anchors, len(raw)),
        cov_rest,
        cov_sent if (align := alignment(concepts, text, info.lang)) is None else align,
        float(intent.reason and bool(CAUSE_SAID.search(text))),  # a why question, a sentence that gives a cause
    )
    return SentenceFeatures(values, span, typed[2] if typed else None, tuple(anchors), entity_missing)
