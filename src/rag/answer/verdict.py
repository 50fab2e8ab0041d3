"""Yes/no and comparison questions get a verdict only when the quoted evidence decides it:
- yes, when the best sentence holds every concept of the question and its figure or year agrees
  (and no negation sits in the clause);
- no, when it holds the question's concepts but states another figure or year than the question's;
- for a comparison, the larger (or earlier …) of two figures of the same kind found for both sides.
Otherwise the evidence is quoted without a verdict."""

from __future__ import annotations

import re
from dataclasses import replace

from rag.answer.features import coverage, credit, weighted
from rag.answer.intent import COMPARE
from rag.answer.patterns import YEAR, YEAR_RE
from rag.answer.spans import key_span
from rag.answer.tense import FUTURE, PAST
from rag.quantities import Quantity, compatible, implies, quantities
from rag.text import normalize

_NEGATION = re.compile(r"未|没有|尚未|暂无|不(?!断|同|少|仅|得)|\bnot\b|\bno\b", re.I)
_SMALLER = re.compile(r"少|小|低|早|慢|fewer|smaller|lower|less|earlier|first", re.I)
YES = {"zh": "是", "en": "Yes"}
NO = {"zh": "否", "en": "No"}


def _question_figure(info) -> Quantity | None:
    """The figure a yes/no question states ("是否超过400家": more than 400), years aside."""
    text = re.sub(rf"{YEAR}\s*年?", " ", info.simplified or info.text)
    found = [q for q in quantities(text) if q.unit not in ("serial", "id")]
    return found[0] if found else None


def _value(q: Quantity) -> float:
    """One number for a figure, to compare two: its bounds' middle, or its bound when open-ended."""
    return q.low if q.high == float("inf") else (q.low + q.high) / 2


def _figure(text: str) -> Quantity | None:
    found = quantities(text)
    return found[0] if found else None


_AFTER = re.compile(r"以后|之后|后|以来|after|since|later than", re.I)
_BEFORE = re.compile(r"以前|之前|前|before|earlier than|prior to", re.I)


SETTLES = 0.85  # share of the question's words, the figure's own aside, the evidence must hold


def _settles(info, s, claim: Quantity | None, context: str = "") -> bool:
    """Whether the sentence (with the one before it) says what the question asks about: all but a
    little of its words — not counting those that state the figure or year ("rank first", "top 5",
    "more than 80%"), which the evidence answers with its own — and every name it gives, in the
    sentence or in what identifies its reply (上海 in 上海市科学技术委员会's replies)."""
    asked = (info.simplified or info.text).lower()
    figure = ""
    if claim is not None:
        at = asked.find(claim.text.lower())
        figure = " ".join(asked[:at].split()[-1:] + [claim.text.lower()]) if at >= 0 else claim.text.lower()
    needed = [g for g in info.concepts if g.source.lower() not in figure and g.source not in info.years]
    if not needed:
        return True
    credits = coverage(needed, normalize(s.before + " " + s.text))
    if context:
        around = coverage(needed, context)
        credits = [max(c, a) if g.entity else c for g, c, a in zip(needed, credits, around)]
    if any(g.entity and c == 0.0 for g, c in zip(needed, credits)):
        return False
    return weighted(needed, credits) >= SETTLES


def _decide(info, s, context: str = "") -> tuple[str | None, tuple[int, int] | None]:
    """(yes / no / None, the span that decides it) from the best sentence; context identifies its reply."""
    claim = _question_figure(info)
    if not _settles(info, s, claim, context):
        return None, None  # the sentence leaves part of the question unsaid: it cannot settle it
    if info.intent.past and FUTURE.search(s.text) and not PAST.search(s.text):
        return "no", None  # asked whether it has been done; the reply says it will be (研究出台 … 管理办法)
    if claim is not None:
        unit = claim.unit if claim.unit in ("percent", "money", "count") else None  # 近 80% answers "more than 80%", not 1.6 万项
        span = key_span("rank" if claim.unit == "rank" else "number", s.text, list(s.features.anchors), {}, unit, years=info.years)
        stated = _figure(s.text[span[0]:span[1]]) if span else None
        if stated is None or not compatible(claim, stated):
            return None, None
        if implies(stated, claim):
            return "yes", span[:2]  # 453 家 implies 超过400家
        if stated.low < claim.high and claim.low < stated.high:
            return None, None  # 约 10% against "more than a tenth": the figure may or may not be; quote it
        return "no", span[:2]  # 5200万元 is not 超过1亿元
    if info.years:
        said = sorted(int(y) for y in YEAR_RE.findall(s.text))
        asked = int(info.years[0])
        text = normalize(info.simplified or info.text)
        if said:
            year = said[0]
            at = s.text.find(str(year))
            where = (at, at + 4) if at >= 0 else None
            if _AFTER.search(text.split(info.years[0], 1)[-1][:6]) or re.search(r"(?:after|since)\s+" + info.years[0], text):
                return ("yes" if year > asked else "no"), where
            if _BEFORE.search(text.split(info.years[0], 1)[-1][:6]) or re.search(r"before\s+" + info.years[0], text):
                return ("yes" if year < asked else "no"), where
            return ("yes" if asked in said else "no"), where
    clause = s.text[s.span[0]:s.span[1]] if s.span else s.text
    if _NEGATION.search(clause):
        return None, None
    return "yes", None


def answer(composer, info, scored) -> dict | None:
    """The answer dict for a yes/no or comparison question, or None to quote sentences instead."""
    if info.intent.kind == COMPARE:
        return _compare(composer, info, scored)
    best, gate = composer.best(info, scored)
    if best is None or gate < composer.model.threshold:
        return None
    conf = composer.confidence(scored, best)
    decided, span = _decide(info, best, composer.reply_context(best.chunk.doc_id, with_issuer=True))
    if decided is None:
        return None
    if span:
        best = replace(best, span=span)
    label = (YES if decided == "yes" else NO)[info.lang]
    return composer.quoted([best], conf, verdict_=decided, lead=f"{label}。" if info.lang == "zh" else f"{label}.")


def _compare(composer, info, scored) -> dict | None:
    """Each side's figure from its own best sentence; a verdict when both are of one kind."""
    from rag.query import analyze

    options = info.intent.options
    if len(options) != 2:
        return None
    index = composer.index
    sides = []
    analysed = [analyze(o, index.translator, index.lexical).concepts for o in options]
    for k, option in enumerate(options):
        # each side by the words that tell it from the other (市级 against 国家级 企业技术中心)
        other = {g.source for g in analysed[1 - k]}
        concepts = [g for g in analysed[k] if g.source not in other] or analysed[k]
        best, best_cov, best_span = None, 0.0, None
        for s in scored:
            if not composer.eligible(s, info):
                continue
            text = normalize(s.text)
            cov = weighted(concepts, coverage(concepts, text))
            if cov <= best_cov:
                continue
            anchors = [(a, g.weight * w) for g in concepts for a, w in credit(g, text)[1]]
            span = key_span(info.intent.qtype or "number", s.text, anchors, {}, info.intent.unit)  # this side's own figure
            if span:
                best, best_cov, best_span = s, cov, span
        if best is None or best_cov < 1.0:
            return None
        figure = _figure(best.text[best_span[0]:best_span[1]])
        if figure is None:
            return None
        sides.append((option, replace(best, span=best_span[:2]), figure))
    (a, sa, qa), (b, sb, qb) = sides
    va, vb = _value(qa), _value(qb)
    if va == vb or not compatible(qa, qb):
        return None  # figures of different kinds (家 and 亿元) do not compare
    smaller = bool(_SMALLER.search(info.simplified or info.text))
    winner = (a if va < vb else b) if smaller else (a if va > vb else b)
    # each side's words are all in its sentence and the figures are of one kind: the evidence decides,
    # whatever the sentence scorer (fitted on open questions) makes of it
    conf = min(composer.confidence(scored, sa), composer.confidence(scored, sb))
    chosen = [replace(sa, more=(sb.span,))] if sa.start == sb.start else [sa, sb]
    return composer.quoted(chosen, conf, verdict_=winner, lead=f"{winner}。" if info.lang == "zh" else f"{winner}.")
