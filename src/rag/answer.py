"""Grounded extractive answers: the sentences of the documents that answer the question, quoted
verbatim, the key span marked, each cited to its 文号 and heading path. No language model.

A sentence's evidence is how much of the question it covers: each term group of the question
(weighted by IDF) counts when one of its alternatives occurs in the sentence, and at half weight
when it occurs only in the passage's heading path. A typed question (how many, when, who …) also
needs a span of that type in the sentence. When the best sentence is too weak, the answer says so
and lists the nearest passages instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.query import QueryInfo
from rag.spans import best_clause, key_span
from rag.text import normalize, sentences, squash
from rag.types import Answer, Chunk, Citation, Hit

MIN_COVERAGE = 0.5  # share of the question's weight the best sentence must cover
MAX_MISSING = 0.3  # a single unmatched concept heavier than this share of the weight: not answered
EXTRA_RATIO = 0.75  # further sentences must reach this share of the best sentence's score …
EXTRA_MIN_COVERAGE = 0.3  # … and cover this much of the question: once the best one has passed the
# gate, supporting sentences need not (XQuAD/CMRC answer_contained +3.5/+2 points, refusals unchanged)
MAX_SENTENCES = 3
CONTEXT_CREDIT = 0.5  # a concept found only in the heading path or the reply's header
METADATA_CONTEXT_CREDIT = 1.0  # … for a header or footer line (date, addressee, contact): it is about the reply itself
PREVIOUS_CREDIT = 0.3  # a concept found only in the previous sentence ("平台上线以来" refers back)
CLAUSE_MIN = 0.2  # a number, date or rank must sit among words that cover this much of the question
BIGRAM_CREDIT = 0.4  # a word not found whole, but its character pairs are (产业区 ~ 产业先导区)
UNTYPED_FACTOR = 0.8  # who/where/which questions answered by a sentence without a name or place in it
SENTENCE_SHARE = 0.5  # coverage = this share from the sentence, the rest from its whole passage

_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_MULTI = re.compile(r"哪些答复|哪几份|哪些文件|几份答复|多份|which replies|which documents|in which replies|several replies", re.I)

REFUSAL = {
    "zh": "这些答复中没有找到能回答这个问题的内容。以下是最接近的段落，供核查。",
    "en": "The replies do not answer this question. The nearest passages are listed below for checking.",
}


@dataclass(frozen=True)
class Scored:
    chunk: Chunk
    start: int  # offsets in the document text
    end: int
    text: str
    missing: float  # weight share of the heaviest concept the sentence and its context lack
    sentence_cov: float  # coverage by the sentence itself (with context credits)
    span: tuple[int, int] | None  # key span in text
    typed: bool  # the span is of the asked-for type
    score: float
    rank: float
    entity_missing: bool = False  # a place, body or person the question names is nowhere in its evidence


def _bigram_share(word: str, text: str) -> float:
    if len(word) < 3 or not word.isalpha() or word.isascii():
        return 0.0
    pairs = [word[i:i + 2] for i in range(len(word) - 1)]
    return sum(p in text for p in pairs) / len(pairs)


MEASURED = ("number", "date", "rank")
SPAN_REQUIRED = ("number", "date", "rank", "phone", "person")  # which body, where, what name: preferred, not required


LOCAL_WINDOW = 20  # characters each side of a number, date or rank that must cover part of the question


def _local_coverage(info, raw: str, typed: tuple[int, int], own_credit: list[float]) -> float:
    """Coverage of the question by the words around the key span, with what the passage's heading
    path and reply say of each concept (own_credit, in the order of info.concepts):
    "10 家制造业创新中心" does not answer how many national key laboratories there are. A span
    that opens its sentence ("2021年，……中心成立") speaks for the whole sentence."""
    first_clause = re.match(r"[^，,；;：:]*", raw).end()
    if typed[0] < first_clause:
        window = raw
    else:
        window = raw[max(0, typed[0] - LOCAL_WINDOW):typed[1] + LOCAL_WINDOW]
    window = normalize(window)
    return sum(max(_credit(g, window)[0], CONTEXT_CREDIT * c) * g.weight for g, c in zip(info.concepts, own_credit)) / info.weight


def _credit(group, text: str) -> tuple[float, list[tuple[int, float]]]:
    """How well text covers one concept (0..1), and where: (position, credit) of every occurrence
    of every alternative. The best alternative present counts by its weight relative to the
    group's best (a sub-word 0.6, a synonym 0.8)."""
    top = max(w for _, w in group.alternatives) or 1.0
    best, where = 0.0, []
    for token, w in group.alternatives:
        if token not in text:
            continue
        credit = w / top if w < top else 1.0
        if group.source.isascii() and not token.isascii():  # a translation: any gloss will do
            credit = 0.6 + 0.4 * credit
        best = max(best, credit)
        where.extend((m.start(), credit) for m in re.finditer(re.escape(token), text))
    if best == 0.0:
        best = BIGRAM_CREDIT * _bigram_share(group.source, text)
    return best, where


class Composer:
    """Builds an Answer from a question's analysis and the retrieved passages."""

    def __init__(self, index):
        self.index = index
        self.entities = getattr(index, "entities", {}) or {}
        self._contexts: dict[str, tuple[str, str]] = {}

    def candidates(self, hits: list[Hit]) -> list[tuple[Chunk, float]]:
        """Retrieved passages, plus the opening and the footer of the top documents: who the reply
        is addressed to, its date and contacts live there even when retrieval ranks them low."""
        out: dict[str, tuple[Chunk, float]] = {h.chunk.chunk_id: (h.chunk, float(h.rank)) for h in hits}
        docs_seen: list[str] = []
        for h in hits:
            if h.chunk.doc_id not in docs_seen:
                docs_seen.append(h.chunk.doc_id)
        for doc_id in docs_seen[:3]:
            rank = next(h.rank for h in hits if h.chunk.doc_id == doc_id) + 0.5
            for c in self.index.chunks_of(doc_id):
                if (c.index == 0 or c.kind == "footer") and c.chunk_id not in out:
                    out[c.chunk_id] = (c, rank)
        return list(out.values())

    def _doc_context(self, doc_id: str) -> tuple[str, str]:
        """What identifies a reply — 文号, title, addressee, the proposal's title: a question that
        names the reply ("the reply to Li Chenhao") is about every sentence in it — and, apart,
        its issuer, whose name (上海市科学技术委员会) matches words of almost any question."""
        if doc_id not in self._contexts:
            d = self.index.document(doc_id)
            parts = [d.doc_number or "", d.title, d.addressee or "", d.proposal_title or "", d.session or ""]
            self._contexts[doc_id] = (normalize(" ".join(parts)), normalize(d.issuer or ""))
        return self._contexts[doc_id]

    def _metadata_spans(self, doc_id: str) -> list[tuple[int, int]]:
        """Spans of the reply's header and footer lines (in document offsets)."""
        return [(b.start, b.end) for b in self.index.document(doc_id).blocks if b.role in ("header", "footer")]

    def _is_label(self, doc_id: str, text: str) -> bool:
        """A line that only names the reply or its issuer: never an answer by itself."""
        d = self.index.document(doc_id)
        return text.strip() in {d.doc_number, d.issuer, d.doc_id}

    def score_sentences(self, info: QueryInfo, hits: list[Hit], scoped: bool = False) -> list[Scored]:
        """Every candidate sentence, best first. scoped: the question names its reply (by 文号 or
        filter), so a question with nothing left but its type ("Who is it addressed to?") is
        fully covered by that reply."""
        total = info.weight or 1.0
        asked = normalize(info.text)
        scored = []
        for chunk, rank in self.candidates(hits):
            specific, issuer = self._doc_context(chunk.doc_id)
            own = normalize(chunk.section_path) + " " + specific  # this passage's heading path and reply
            context = own + " " + issuer
            chunk_norm = normalize(chunk.text)
            metadata = self._metadata_spans(chunk.doc_id)
            # what the passage's own heading path and reply, and the issuer too, say of each concept:
            # the same for every sentence of the passage
            own_credit = [_credit(g, own)[0] for g in info.concepts]
            context_credits = [_credit(g, context)[0] for g in info.concepts]
            # the passage as a whole: does it cover the question?
            passage = [max(_credit(g, chunk_norm)[0], CONTEXT_CREDIT * c) for g, c in zip(info.concepts, context_credits)]
            passage_cov = sum(c * g.weight for c, g in zip(passage, info.concepts)) / total
            previous = ""
            for s, e in sentences(chunk.text):
                raw = chunk.text[s:e]
                if self._is_label(chunk.doc_id, raw):
                    continue
                text = normalize(raw)
                at = chunk.start + s
                context_credit = METADATA_CONTEXT_CREDIT if any(a <= at < b for a, b in metadata) else CONTEXT_CREDIT
                before = previous
                previous = text
                covered, missing, anchors, entity_missing = 0.0, 0.0, [], False
                for g, own_c, context_c in zip(info.concepts, own_credit, context_credits):
                    credit, where = _credit(g, text)
                    anchors.extend((a, g.weight * c) for a, c in where)
                    if credit < 1.0:
                        credit = max(credit, context_credit * own_c, CONTEXT_CREDIT * context_c, PREVIOUS_CREDIT * _credit(g, before)[0])
                    covered += credit * g.weight
                    if credit == 0.0:
                        missing = max(missing, g.weight / total)
                        entity_missing = entity_missing or g.entity
                if info.weight:
                    sentence_cov = covered / total
                    # a header or footer line stands for its reply: the passage around it says nothing more
                    around = sentence_cov if context_credit == METADATA_CONTEXT_CREDIT else passage_cov
                    coverage = SENTENCE_SHARE * sentence_cov + (1 - SENTENCE_SHARE) * around
                else:
                    coverage = sentence_cov = 1.0 if scoped else 0.0
                if info.years and not any(y in text for y in info.years) and _YEAR_IN_TEXT.search(text):
                    # the sentence speaks of another year: "2021年的比重" is not answered by 2022's
                    penalty = 0.5 if any(y in chunk_norm for y in info.years) else 0.25
                    coverage, sentence_cov = coverage * penalty, sentence_cov * penalty
                def among_the_question(a: int, b: int, raw=raw, own_credit=own_credit) -> bool:
                    """A number among words that do not cover the question counts something else."""
                    return _local_coverage(info, raw, (a, b), own_credit) >= CLAUSE_MIN

                accept = among_the_question if info.qtype in MEASURED and info.weight else None
                typed = key_span(info.qtype, raw, anchors, self.entities, info.unit, info.counter, info.person_role, asked, accept) if info.qtype else None
                factor = 1.0
                if info.qtype and typed is None:
                    factor = UNTYPED_FACTOR
                bonus = 0.15 if typed and typed[2] == 0 else 0.05 if typed else 0.0
                score = coverage * factor + bonus + 0.02 / rank
                span = typed[:2] if typed else best_clause(raw, anchors)
                scored.append(Scored(chunk, chunk.start + s, chunk.start + e, raw, missing, sentence_cov, span, typed is not None, score, rank, entity_missing))
        scored.sort(key=lambda x: (-x.score, x.rank, x.start))
        return scored

    def answers(self, best: Scored, info: QueryInfo) -> bool:
        """Whether the sentence answers: it must cover the question itself (its passage covering it
        is not enough — an unanswerable question often finds a passage with all its words), lack
        nothing heavy, and hold a span of the asked type."""
        if best.sentence_cov < MIN_COVERAGE or best.missing > MAX_MISSING or best.entity_missing:
            return False
        if info.qtype in SPAN_REQUIRED and not best.typed:  # "how many" needs a number, "who" a name
            return False
        return True

    def compose(self, info: QueryInfo, hits: list[Hit], channels: tuple[str, ...], notices=(), scoped: bool = False) -> Answer:
        scored = self.score_sentences(info, hits, scoped)
        # the best sentence that can answer: for "how many", the best one with a number in it
        best = next((s for s in scored if self.answers(s, info)), None)
        if best is None:
            return Answer(info.text, False, REFUSAL[info.lang], (), tuple(hits), channels, info.lang, tuple(notices))
        chosen = [best]
        multi = bool(_MULTI.search(info.text))
        for s in scored:
            if s is best:
                continue
            if len(chosen) >= (MAX_SENTENCES + 2 if multi else MAX_SENTENCES):
                break
            if s.score < EXTRA_RATIO * best.score or s.sentence_cov < EXTRA_MIN_COVERAGE:
                continue
            if info.qtype in SPAN_REQUIRED and not s.typed:
                continue
            if any(squash(c.text) == squash(s.text) for c in chosen):
                continue
            if multi and any(c.chunk.doc_id == s.chunk.doc_id for c in chosen):
                continue  # one sentence per reply when the question asks which replies
            chosen.append(s)
        for extra in info.qtypes[1:]:  # "whom to contact, and at what number?": a line for each
            for s in scored:
                if s.sentence_cov < MIN_COVERAGE or s.chunk.doc_id != best.chunk.doc_id or any(c.start == s.start for c in chosen):
                    continue
                span = key_span(extra, s.text, [], self.entities, question=normalize(info.text))
                if span:
                    chosen.append(replace(s, span=span[:2], typed=True))
                    break
        citations = tuple(self._cite(s) for s in chosen)
        lines = [f"“{_mark(s.text, s.span)}”（{c.doc_number}）" for s, c in zip(chosen, citations)]
        return Answer(info.text, True, "\n".join(lines), citations, tuple(hits), channels, info.lang, tuple(notices))

    def _cite(self, s: Scored) -> Citation:
        doc = self.index.document(s.chunk.doc_id)
        return Citation(
            doc_number=doc.doc_number or doc.doc_id,
            title=doc.full_title,
            section=s.chunk.section_path,
            chunk_id=s.chunk.chunk_id,
            quote=s.text,
            citation=doc.citation,
            date=doc.date,
            start=s.start,
            end=s.end,
            highlight=s.span,
        )


def _mark(text: str, span: tuple[int, int] | None) -> str:
    if not span:
        return text
    s, e = span
    return f"{text[:s]}**{text[s:e]}**{text[e:]}"
