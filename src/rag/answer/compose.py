"""Compose a grounded answer: pick what answers the question by its intent — a fact in a sentence, the
enumerated items of a section, a field of the reply, a verdict — quote it verbatim, mark the key span
and cite each quote to its 文号. No language model; when nothing answers well enough, say so and
list the nearest passages.

Sentences are scored by the learned model (rag.answer.scoring); structure (lists, plans), fields of
the reply (rag.answer.metadata) and verdicts (rag.answer.verdict) build on those scores.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace

import numpy as np

from rag.answer import metadata, structure, verdict
from rag.answer.cause import cause_span, opens_with_result
from rag.answer.features import PassageContext, SentenceFeatures, credit, passage_context, sentence_features
from rag.answer.intent import COMPARE, LIST, METADATA, PLAN, ROLE_SAID, SUMMARY, WHEN_FUTURE, YESNO
from rag.answer.scoring import AnswerModel, load_model
from rag.answer.tense import DUE, FUTURE
from rag.answer.patterns import AVERAGE_ASKED, AVERAGE_SAID, GROWTH_ASKED, GROWTH_SAID, YEAR_RE
from rag.answer.spans import asked_division, best_clause, key_span, ordinal_conflict
from rag.answer.paraphrase import with_paraphrases
from rag.query import QueryInfo, with_typo_alternatives
from rag.text import mark_spans, normalize, sentences, squash
from rag.types import Answer, Chunk, Citation, Hit, Item

ISSUER_WEIGHT = 0.5  # a question word naming the replies' author, as context credit counts
MAX_MULTI = 5  # "which replies …": one sentence from each, up to this many
SPAN_REQUIRED = ("number", "date", "rank", "phone", "duration")  # "how many" needs a number, "when" a date

MAX_CONTEXTS = 4096  # replies whose identifying text is kept
REFUSAL = {
    "zh": "这些答复中没有找到能回答这个问题的内容。以下是最接近的段落，供核查。",
    "en": "The replies do not answer this question. The nearest passages are listed below for checking.",
}
NO_SUCH_REPLY = {
    "zh": "索引中没有与“{}”对应的答复，无法据此回答。以下是最接近的段落，供核查。",
    "en": "No indexed reply matches “{}”, so this cannot be answered from the replies. The nearest passages are listed below for checking.",
}
NOT_A_QUESTION = {
    "zh": "这看起来不是一个问题。请用问题的形式提问，例如“上海累计成立了多少家外资研发中心？”；以下是与这些词最接近的段落。",
    "en": "This does not read as a question. Ask one, e.g. “How many foreign R&D centres are there?”; the passages nearest these words are listed below.",
}


@dataclass(frozen=True)
class Scored:
    """A candidate sentence with its features and the model's logit."""

    chunk: Chunk
    start: int  # offsets in the document text
    end: int
    text: str
    features: SentenceFeatures
    logit: float
    rank: int  # the passage's rank among the hits
    span: tuple[int, int] | None  # key span in text: the typed span, else the clause holding the question
    more: tuple[tuple[int, int], ...] = ()  # further key spans: the answers to a question's other parts
    before: str = ""  # the sentence before it in the passage: a year stated there can govern this one

    @property
    def year_before(self) -> str | None:
        """The last year the passage (or its heading) says before this sentence: it governs what follows."""
        said = YEAR_RE.findall(self.chunk.section_path + " " + self.chunk.text[:max(0, self.start - self.chunk.start)])
        return said[-1] if said else None

    @property
    def typed(self) -> bool:
        return self.features.span is not None


def _with_paraphrases(words, info: QueryInfo) -> list[str]:
    """Words, and the paraphrases the question's concepts of those words gained from the passages."""
    return list(words) + [said for word, said in info.paraphrases if word in words]


class Composer:
    """Builds an Answer from a question's analysis and the retrieved passages."""

    def __init__(self, index, model: AnswerModel | None = None, config=None):
        from rag.config import Config

        self.index = index
        self.config = config or Config()
        self._model = model
        self.entities = getattr(index, "entities", {}) or {}
        self._contexts: dict[str, tuple[str, str]] = {}  # reply → its identifying text, the first asked dropped first
        self._contexts_lock = threading.Lock()  # the web app asks from several threads
        self._outside: dict[str, list[tuple[int, int]]] = {}
        self._issuers: frozenset[str] | None = None

    @property
    def model(self) -> AnswerModel:
        if self._model is None:
            self._model = load_model()
            if self.config.answer_threshold is not None:
                self._model = replace(self._model, threshold=float(self.config.answer_threshold))
        return self._model

    # -- what a reply says about itself -----------------------------------------------------------
    def reply_context(self, doc_id: str, with_issuer: bool = False) -> str:
        """What identifies a reply — title, addressee, the proposal's title: a question that names the
        reply ("the reply to Li Chenhao") is about every sentence in it. Not its 文号: a 文号 in a question
        filters (query.analyze), and its characters (沪, 科) would otherwise match the question's words.
        with_issuer adds who wrote it (上海市科学技术委员会), for the names a statement of it implies."""
        found = self._contexts.get(doc_id)
        if found is None:
            d = self.index.document(doc_id)
            parts = [d.title, d.addressee or "", d.proposal_title or "", d.session or ""]
            found = (normalize(" ".join(parts)), normalize(d.issuer or ""))
            with self._contexts_lock:
                while len(self._contexts) >= MAX_CONTEXTS:  # bounded at any corpus size
                    self._contexts.pop(next(iter(self._contexts)))
                self._contexts[doc_id] = found
        context, issuer = found
        return context + " " + issuer if with_issuer else context

    def issuer_as_context(self, info: QueryInfo) -> QueryInfo:
        """The replies' own author (上海市科学技术委员会, 市科委) is the context of every sentence: a
        question's mention of it weighs as context does, not as content ("When was the Commission
        founded?" is not answered by any dated sentence that names 市科委)."""
        issuers = self.issuer_forms()
        if not issuers:
            return info
        concepts = tuple(replace(g, weight=g.weight * ISSUER_WEIGHT) if any(t in issuers for t, _ in g.alternatives) else g for g in info.concepts)
        return replace(info, concepts=concepts)

    def issuer_forms(self) -> frozenset[str]:
        if self._issuers is None:
            from rag.query import synonyms

            forms = {normalize(issuer) for _, _, _, issuer in self.index.headers if issuer}
            rows = [{normalize(w) for w in [k, *alts]} for k, alts in synonyms().items()]
            for _ in range(2):  # 上海市科学技术委员会 → 市科学技术委员会 → 市科委 → 科委, 我委 (but not 上海: too short a part)
                for row in rows:
                    if any(w in forms or (len(w) >= 4 and any(w in f for f in forms)) for w in row):
                        forms |= row
            self._issuers = frozenset(forms)
        return self._issuers

    def _outside_body(self, doc_id: str) -> list[tuple[int, int]]:
        """Spans of the reply's header and footer lines (document offsets): never a fact's evidence."""
        if doc_id not in self._outside:
            self._outside[doc_id] = [(b.start, b.end) for b in self.index.document(doc_id).blocks if b.role in ("header", "footer")]
        return self._outside[doc_id]

    # -- scoring ------------------------------------------------------------------------------------
    def score_sentences(self, info: QueryInfo, hits: list[Hit]) -> list[Scored]:
        """Every sentence of the retrieved passages' bodies, best first by the model."""
        asked = normalize(info.simplified or info.text)
        rows, metas = [], []
        for hit in hits:
            chunk = hit.chunk
            if chunk.kind == "footer":
                continue
            ctx: PassageContext = passage_context(info, chunk, hit.rank, hit.channels, self.reply_context(chunk.doc_id))
            outside = self._outside_body(chunk.doc_id)
            previous = ""
            for position, (s, e) in enumerate(sentences(chunk.text)):
                raw = chunk.text[s:e]
                at = chunk.start + s
                if any(a <= at < b for a, b in outside):
                    continue
                f = sentence_features(info, info.intent, ctx, raw, position, previous, self.entities, asked)
                metas.append((chunk, at, chunk.start + e, raw, f, hit.rank, previous))
                previous = normalize(raw)
                rows.append(f.values)
        logits = self.model.logits(np.array(rows, dtype=float)) if rows else np.zeros(0)
        scored = []
        for (chunk, s, e, raw, f, rank, before), z in zip(metas, logits):
            if info.intent.reason:  # a cause, else what the sentence says beyond restating the question
                span = cause_span(raw) or best_clause(raw, list(f.anchors), asked, 0.0)
            else:
                span = f.span or best_clause(raw, list(f.anchors), asked, self.config.restate_share)
            scored.append(Scored(chunk, s, e, raw, f, float(z), rank, span, before=before))
        scored.sort(key=lambda x: (-x.logit, x.rank, x.start))
        return scored

    def eligible(self, s: Scored, info: QueryInfo) -> bool:
        """A sentence that could answer at all: a typed question needs its span; a place, body or
        person the question names must be in the evidence, and a year it names must not be contradicted
        by the sentence naming another."""
        if s.features.entity_missing:
            return False  # another city's figure is not an answer
        if info.years and info.intent.kind != YESNO:  # a yes/no question about a year is settled by the year said
            if s.features.get("year_conflict") or not any(y in s.text or y in s.before or y == s.year_before for y in info.years):
                return False  # another year's figure, or a figure of no stated year, does not answer for that year
        heads = [h for h in (info.head if info.lang == "en" else info.head[:2]) if len(h) >= 2]  # an English noun's translations are alternatives alike
        if info.intent.qtype == "number" and heads and not any(a in s.text or a in s.before for a in _with_paraphrases(heads, info)):
            return False  # a count of something else: "外资银行的数量" is not answered by 453 家 R&D centres
        if ordinal_conflict(info.text, s.text):
            return False  # what the first batch did does not answer for the second
        if info.intent.qtype == "number" and GROWTH_ASKED.search(info.text) and not GROWTH_SAID.search(s.text):
            return False  # "by how much did it grow" is not answered by a level or a share
        if AVERAGE_ASKED.search(info.text) and not AVERAGE_SAID.search(s.text):
            return False  # "the average amount per project" is not answered by the total
        if info.intent.qtype == "place" and not s.typed and asked_division(info.text):
            return False  # "which district" wants a district's name
        if info.intent.qtype == "date" and WHEN_FUTURE.search(info.text) and not (FUTURE.search(s.before + s.text) or DUE.search(s.text)):
            return False  # "by when will it be issued" is not answered by when work on it began
        if info.intent.qtype == "org" and info.head and not s.typed:
            return False  # "哪所高校牵头" wants a body's name, not the clause that names what it did
        if info.intent.qtype == "person" and info.intent.person_role:
            if not s.typed:
                return False  # "who heads it" wants a person's name; plain "who" may be a body or a group
            wanted, said = set(ROLE_SAID.findall(info.simplified or info.text)), set(ROLE_SAID.findall(s.text))
            if not (said & wanted if wanted else said):
                return False  # "合肥实验室的主任是谁" is not answered by a name where no 主任 is said
        return not (info.intent.qtype in SPAN_REQUIRED and not s.typed)

    def _runner(self, scored: list[Scored], best: Scored) -> float | None:
        return next((s.logit for s in scored if s is not best and squash(s.text) != squash(best.text)), None)

    def confidence(self, scored: list[Scored], best: Scored) -> float:
        """Probability that an answer quoting this sentence is right."""
        return self.model.confidence(best.logit, self._runner(scored, best))

    def answerable(self, scored: list[Scored], best: Scored) -> float:
        """Probability that the replies answer the question, when this sentence is the best evidence."""
        return self.model.answerable(best.logit, self._runner(scored, best))

    # -- composing ----------------------------------------------------------------------------------
    def prepare(self, info: QueryInfo, hits: list[Hit]) -> QueryInfo:
        """The question as answers read it: a one-character slip tolerated where the top passage
        spells the word, the issuer's name as context."""
        if hits:
            info = with_typo_alternatives(info, hits[0].chunk.text)
            info = with_paraphrases(info, [h.chunk.text for h in hits])
        return self.issuer_as_context(info)

    def compose(self, info: QueryInfo, hits: list[Hit], channels: tuple[str, ...], notices=(), scoped: bool = False) -> Answer:
        base = dict(question=info.text, sources=tuple(hits), channels=channels, lang=info.lang, notices=tuple(notices), intent=info.intent.to_dict())
        if not info.intent.question:
            return Answer(**base, found=False, answer=NOT_A_QUESTION[info.lang], citations=())
        missing = metadata.unknown_replies(self.index, info)
        if missing:
            return Answer(**base, found=False, answer=NO_SUCH_REPLY[info.lang].format("、".join(missing) if info.lang == "zh" else ", ".join(missing)), citations=())
        info = self.prepare(info, hits)
        kind = info.intent.kind
        if kind == METADATA:
            found = metadata.answer(self, info, hits, scoped)
            if found is not None and not found["found"]:
                return Answer(**{**base, "confidence": None}, found=False, answer=REFUSAL[info.lang], citations=())
            if found is not None:
                return Answer(**base, **found)
        scored = self.score_sentences(info, hits)
        if kind in (LIST, PLAN, SUMMARY):
            found = structure.answer(self, info, hits, scored)
            if found is not None:
                return Answer(**base, **found)
        if kind in (YESNO, COMPARE):
            found = verdict.answer(self, info, scored)
            if found is not None:
                return Answer(**base, **found)
        found = self.factoid(info, scored)
        if found is None:
            return Answer(**base, found=False, answer=REFUSAL[info.lang], citations=())
        return Answer(**base, **found)

    def best(self, info: QueryInfo, scored: list[Scored]) -> tuple[Scored | None, float]:
        """The best sentence that can answer, and how likely the replies answer the question (the gate,
        to compare with the model's threshold)."""
        best = next((s for s in scored if self.eligible(s, info)), None)
        if best is None:
            return None, 0.0
        return best, self.answerable(scored, best)

    def factoid(self, info: QueryInfo, scored: list[Scored]) -> dict | None:
        """The best sentence, and up to two more that support it, when the model is confident enough."""
        best, gate = self.best(info, scored)
        if best is None or gate < self.model.threshold:
            return None
        conf = self.confidence(scored, best)
        chosen = [self._with_cause(best) if info.intent.reason else best]
        if info.intent.several:
            # one quote from each reply that says it, as fully as the best one does: passage ranks
            # matter less here, since every reply that says it is wanted
            for s in scored:
                if len(chosen) >= MAX_MULTI:
                    break
                if self.eligible(s, info) and s.chunk.doc_id not in {c.chunk.doc_id for c in chosen} \
                        and s.features.get("cov_near") >= best.features.get("cov_near"):
                    chosen.append(s)
        else:
            for s in scored:
                if len(chosen) >= self.config.max_quotes or self.model.probability(s.logit) < self.model.extra_threshold:
                    break
                if s is best or not self.eligible(s, info) or any(squash(s.text) in squash(c.text) for c in chosen):
                    continue
                chosen.append(replace(s, span=None))  # supporting evidence: quoted, not marked as the answer
        chosen = self._parts(info, chosen, scored)
        return self.quoted(chosen, conf)

    def _with_cause(self, best: Scored) -> Scored:
        """A why question answered by a sentence that opens with a result word (因此它也被称为…): its
        cause is the sentence before, quoted with it and marked as the answer."""
        if not opens_with_result(best.text):
            return best
        offset = best.start - best.chunk.start
        before = [(s, e) for s, e in sentences(best.chunk.text) if e <= offset]
        if not before:
            return best
        s, e = before[-1]
        text = best.chunk.text[s:offset + len(best.text)]
        return replace(best, start=best.chunk.start + s, text=text, span=(0, e - s), more=())

    def _parts(self, info: QueryInfo, chosen: list[Scored], scored: list[Scored]) -> list[Scored]:
        """A question that asks two things ("how many …, and how many of them are listed?") gets a key
        span for each part: in a quote already chosen when it holds one, else in the reply's next best
        sentence."""
        parts = info.intent.parts or tuple((t, None, info.text) for t in info.intent.qtypes)
        best = chosen[0]
        for qtype, unit, words in parts[1:]:
            part = [g for g in info.concepts if g.source and g.source.lower() in normalize(words)]
            for s in chosen + [x for x in scored if x.chunk.doc_id == best.chunk.doc_id and x not in chosen]:
                taken = [s.span, *s.more] if s.span else list(s.more)
                text = normalize(s.text)
                anchors = [(a, g.weight * w) for g in part for a, w in credit(g, text)[1]]
                span = key_span(qtype, s.text, anchors, self.entities, unit, question=normalize(info.text),
                                accept=lambda a, b, taken=taken: not any(a < e and s_ < b for s_, e in taken))
                if span is None:
                    continue
                if s in chosen:
                    chosen[chosen.index(s)] = replace(s, more=s.more + (span[:2],))
                elif self.model.probability(s.logit) >= self.model.extra_threshold:
                    chosen.append(replace(s, span=span[:2]))
                else:
                    continue
                break
        return chosen

    def quoted(self, chosen: list[Scored], conf: float, items: tuple[Item, ...] = (), verdict_: str | None = None, lead: str = "") -> dict:
        citations = tuple(self.cite(s.chunk, s.start, s.end, s.text, s.span, s.more) for s in chosen)
        lines = [lead] if lead else []
        lines += [f"“{mark_spans(s.text, (s.span, *s.more) if s.span else s.more)}”（{c.doc_number}）" for s, c in zip(chosen, citations)]
        return dict(found=True, answer="\n".join(lines), citations=citations, items=items, verdict=verdict_, confidence=conf)

    def cite(self, chunk: Chunk, start: int, end: int, quote: str, span: tuple[int, int] | None, more=()) -> Citation:
        doc = self.index.document(chunk.doc_id)
        return Citation(
            doc_number=doc.doc_number or doc.doc_id, title=doc.full_title, section=chunk.section_path, chunk_id=chunk.chunk_id,
            quote=quote, citation=doc.citation, date=doc.date, start=start, end=end, highlight=span,
            highlights=((span, *more) if span and more else ()),
        )
