"""The claim verifier: given a sentence (Chinese or English) and the replies, find the sentence of a
reply that supports it and decide: supported, contradicted or not found.

1. Candidate passages: the claim is retrieved like a question (English through the cross-lingual
   channel), and a 文号 it names adds that reply's passages, opening and footer.
2. Each sentence of those passages, and each pair of neighbouring sentences, is scored by how much
   of the claim's words it covers (numbers aside: a wrong figure must still find its sentence).
3. The best-covering evidence is checked fact by fact (facts.py, quantities.py): every figure,
   year, date, 文号, name and negation of the claim must agree with it. One figure that differs
   makes the claim contradicted, and the reply's figure is shown; a fact the evidence does not
   state at all makes it not found.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from rag.facts import ClaimFacts, Conflict, claim_facts, credit, evidence_facts, names_of_kind, similarities
from rag.quantities import compatible, implies
from rag.text import normalize, sentences
from rag.types import Chunk, Citation, Hit

SUPPORTED, CONTRADICTED, NOT_FOUND = "supported", "contradicted", "not_found"
VERDICTS = (SUPPORTED, CONTRADICTED, NOT_FOUND)

# A claim is about a sentence when that sentence (with its heading path and reply) covers this share
# of the claim's words, weighted by IDF. English words reach their Chinese sentence through the
# dictionary, which finds fewer of them, hence the lower bar.
MIN_COVERAGE = {"zh": 0.6, "en": 0.5}
MARGIN = 0.15  # evidence this close to the best is checked too: the same fact may be in several replies
CONTEXT_CREDIT = 0.5  # a word found only in the passage's heading path or its reply's header
PREVIOUS_CREDIT = 0.3  # … or only in the sentence before ("平台上线以来" refers back)
PAIR_FACTOR = 0.9  # two sentences must cover more than one to be preferred
ALIGN_SLACK = 0.1  # figures whose surroundings match the claim's nearly as well as the best one
DISTINCT = ("money", "percent", "pp", "rank", "serial", "id", "times")  # a lone figure of such a unit is the one meant
MIN_ALIGN = 0.4  # a reply's figure among fewer of the claim's words counts something else
NAME_WEIGHT = 0.3  # a name counts less towards coverage: a claim with one name swapped is contradicted, not unknown
UNKNOWN_WEIGHT = 0.5  # … and so does a word no reply uses ("所提"): the writer's own phrasing, or an invention
NAME_MARGIN = 0.25  # another name stands in the claim's name's place when its words match this much better
SEARCH_K = 8
MAX_CITATIONS = 3


@dataclass(frozen=True)
class Evidence:
    """One sentence, or two neighbouring ones, of a passage: a verbatim slice of its reply."""

    chunk: Chunk
    start: int  # offsets in the document text
    end: int
    text: str
    coverage: float
    context: str  # heading path, the reply's header, the sentence before: for years and names


@dataclass(frozen=True)
class Verdict:
    """What the replies say of one claim. citations: the supporting evidence, best first; for a
    contradicted claim, the evidence that states otherwise."""

    text: str
    verdict: str
    citations: tuple[Citation, ...]
    note: str = ""
    conflicts: tuple[Conflict, ...] = ()

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "verdict": self.verdict,
            "citations": [c.to_dict() for c in self.citations],
            "note": self.note,
        }


class Verifier:
    """Verifies claims against the replies of an opened Engine."""

    def __init__(self, engine):
        self.engine = engine
        self.index = engine.index
        self.retriever = engine.retriever
        self.entities = getattr(engine.index, "entities", {}) or {}
        self._doc_context: dict[str, str] = {}

    # -- candidates ----------------------------------------------------------------------------
    def candidates(self, info, facts: ClaimFacts) -> list[Hit]:
        """Passages for a claim: retrieved over every reply (a 文号 in the claim does not restrict
        the search: it may be the wrong one), plus the named reply's own passages."""
        hits = list(self.retriever.search(replace(info, doc_numbers=()), SEARCH_K))
        docs = [d for d in map(self._resolve, facts.doc_numbers) if d in self.index.doc_ids]
        for d in docs:
            hits += self.retriever.search(info, SEARCH_K, doc=d)
        seen, out = set(), []
        for h in hits:
            if h.chunk.chunk_id not in seen:
                seen.add(h.chunk.chunk_id)
                out.append(h)
        # the opening and footer of the replies in play: 文号, addressee, date, contacts live there
        for d in dict.fromkeys(docs + [h.chunk.doc_id for h in out[:2]]):
            for c in self.index.chunks_of(d):
                if (c.index == 0 or c.kind == "footer") and c.chunk_id not in seen:
                    seen.add(c.chunk_id)
                    out.append(Hit(c, 0.0, len(out) + 1, {}))
        return out

    def _resolve(self, claimed: str) -> str:
        """The index's 文号 that the claimed one names (its prefix may carry a word of the prose)."""
        if claimed in self.index.doc_ids:
            return claimed
        return next((d for d in self.index.doc_ids if claimed.endswith(d)), claimed)

    def context_of(self, doc_id: str) -> str:
        """What identifies a reply: 文号, issuer, title, addressee, the proposal's title."""
        if doc_id not in self._doc_context:
            d = self.index.document(doc_id)
            parts = [d.doc_number or "", d.issuer or "", d.title, d.addressee or "", d.proposal_title or "", d.session or ""]
            self._doc_context[doc_id] = normalize(" ".join(parts))
        return self._doc_context[doc_id]

    def evidence(self, facts: ClaimFacts, hits: list[Hit]) -> list[Evidence]:
        """Every sentence and pair of neighbouring sentences of the passages, best covering first."""
        out = []
        concepts = facts.concepts
        names = {n.text for n in facts.names}
        lexicon = self.index.lexical
        weights = [
            g.weight * (NAME_WEIGHT if g.source in names or g.entity else 1.0) * (1.0 if any(t in lexicon for t, _ in g.alternatives) else UNKNOWN_WEIGHT)
            for g in concepts
        ]
        total = sum(weights)
        for hit in hits:
            chunk = hit.chunk
            around = normalize(chunk.section_path) + " " + self.context_of(chunk.doc_id)
            issuer = normalize(self.index.document(chunk.doc_id).issuer or "")
            # the issuer's name (上海市科学技术委员会) is what every sentence of its reply is about
            around_credit = [max(CONTEXT_CREDIT * credit(g, around), credit(g, issuer)) for g in concepts]
            spans = sentences(chunk.text)
            normed = [normalize(chunk.text[s:e]) for s, e in spans]
            for i, (s, _) in enumerate(spans):
                for j in (i, i + 1):
                    if j >= len(spans):
                        break
                    e = spans[j][1]
                    text = " ".join(normed[i:j + 1])
                    before = normed[i - 1] if i > 0 else ""
                    covered = 0.0
                    for g, w, ctx in zip(concepts, weights, around_credit):
                        covered += w * max(credit(g, text), ctx, PREVIOUS_CREDIT * credit(g, before) if before else 0.0)
                    coverage = covered / total if total else 1.0
                    if j > i:
                        coverage *= PAIR_FACTOR
                    out.append(Evidence(chunk, chunk.start + s, chunk.start + e, chunk.text[s:e], coverage, around + " " + before))
        out.sort(key=lambda ev: (-ev.coverage, ev.end - ev.start))
        return out

    # -- checking ------------------------------------------------------------------------------
    def check(self, facts: ClaimFacts, ev: Evidence) -> tuple[list[Conflict], list[str], tuple[int, int] | None]:
        """Conflicts (facts the evidence states otherwise), missing facts (ones it does not state)
        and the span of the first agreeing figure in the quote. A figure, year or name is compared
        with the one among the same words: "2016年印发方案，2017年启动13所高校" does not say that
        the 13 universities started in 2016."""
        found = evidence_facts(ev.text, ev.context)
        conflicts: list[Conflict] = []
        missing: list[str] = []
        mark = None
        doc = self.index.document(ev.chunk.doc_id)
        for k, q in enumerate(facts.quantities):
            options = [r for r in found.quantities if compatible(q, r)]
            if not options:
                missing.append(q.text)
                continue
            sims = similarities([facts.credits(q.start, found, r.start) for r in options])
            close, best = _aligned(options, sims, k, key=lambda r: -_distance(q, r))
            agree = next((r for r in close if implies(r, q)), None)
            if agree is not None:
                mark = mark or (agree.start, agree.end)
            elif max(sims) < MIN_ALIGN and facts.worded(q.start) and not (len(options) == 1 and q.unit in DISTINCT):
                missing.append(q.text)  # the reply's figures count other things
            else:
                conflicts.append(Conflict("figure", q.text, best.text, (best.start, best.end)))
        context_years = {y for y, _, _ in found.context_years}
        for k, (y, pos) in enumerate(facts.years):
            if found.years:
                close, best = _aligned(found.years, similarities([facts.credits(pos, found, s) for _, s, _ in found.years]), k)
                if y in {c[0] for c in close} or (y in context_years and y not in {c[0] for c in found.years}):
                    continue
                conflicts.append(Conflict("year", str(y), f"{best[0]}年", (best[1], best[2])))
            elif y in context_years:
                continue
            elif context_years:
                conflicts.append(Conflict("year", str(y), "、".join(f"{x}年" for x in sorted(context_years))))
            elif doc.year != y:
                conflicts.append(Conflict("asof", str(y), doc.date or "—"))
        for d in facts.dates:
            if any(x.year == d.year and (d.month is None or x.month == d.month) and (d.day is None or x.day == d.day) for x in found.dates):
                continue
            if found.dates:
                x = found.dates[0]
                conflicts.append(Conflict("date", d.text, ev.text[x.start:x.end], (x.start, x.end)))
            else:
                missing.append(d.text)
        number = doc.doc_number or doc.doc_id
        conflicts += [Conflict("docno", claimed, number) for claimed in facts.doc_numbers if self._resolve(claimed) != number]
        for name in facts.names:
            conflict = self._name(facts, name, found, ev)
            if conflict is None:
                continue
            if conflict.reply:
                conflicts.append(conflict)
            else:
                missing.append(name.text)
        if facts.negated and not found.negated:
            conflicts.append(Conflict("negation", facts.negation, ""))
        return conflicts, missing, mark

    def _name(self, facts: ClaimFacts, name, found, ev: Evidence) -> Conflict | None:
        """None when the evidence names it among the claim's words (or its reply's header does);
        a conflict naming the evidence's own name when another of the same kind stands there;
        a conflict without a reply name when the evidence does not name it at all."""
        text = normalize(ev.text)
        own = [m.start() for f in name.forms for m in re.finditer(re.escape(f), text)]
        if not own and any(f in ev.context for f in name.forms):
            return None
        if not name.reliable:  # a translated noun ("Ministry"): its words were counted, not its name
            return None
        others = [(n, ev.text.find(n)) for n in names_of_kind(ev.text, name.kind, self.entities) if not facts.mentions(n)]
        if not own and not others:  # a body may stand where a place was named (浦东新区 / 张江实验室)
            others = [(n, ev.text.find(n)) for n in names_of_kind(ev.text, "any", self.entities) if not facts.mentions(n)]
        if not own and not others:
            return Conflict("name", name.text, "")
        if not others:
            return None
        sims = similarities([facts.credits(name.pos, found, s, skip=name.text) for s in own + [s for _, s in others]])
        mine, theirs = max(sims[:len(own)], default=-1.0), sims[len(own):]
        k = max(range(len(others)), key=lambda i: theirs[i])
        if own and theirs[k] < mine + NAME_MARGIN:
            return None
        n, s = others[k]
        return Conflict("name", name.text, n, (s, s + len(n)))

    # -- the verdict ---------------------------------------------------------------------------
    def verify(self, claim: str, hits: list[Hit] | None = None) -> Verdict:
        """Verify one claim against the replies, or only against the given passages (a generated
        sentence against the passages the model was shown)."""
        info = self.retriever.analyze(claim)
        translator = self.index.translator
        facts = claim_facts(claim, info, self.entities, translator.pinyin if translator is not None else None, self.index.lexical)
        if hits is None:
            hits = self.candidates(info, facts)
        ranked = self.evidence(facts, hits)
        if not ranked:
            return Verdict(info.text, NOT_FOUND, (), facts.say("nothing"))
        best = ranked[0].coverage
        floor = MIN_COVERAGE.get(info.lang, MIN_COVERAGE["zh"])
        if best < floor:
            return Verdict(info.text, NOT_FOUND, (), facts.say("nothing"))
        considered = [ev for ev in ranked if ev.coverage >= max(floor, best - MARGIN)]
        checked = [(ev, *self.check(facts, ev)) for ev in considered]
        good = [(ev, mark) for ev, conflicts, missing, mark in checked if not conflicts and not missing]
        if good:
            chosen, docs = [], set()
            for ev, mark in good:  # the best evidence, then the same fact in other replies
                if ev.chunk.doc_id not in docs and not any(_overlaps(ev, c) for c, _ in chosen):
                    chosen.append((ev, mark))
                    docs.add(ev.chunk.doc_id)
                if len(chosen) == MAX_CITATIONS:
                    break
            return Verdict(info.text, SUPPORTED, tuple(self.cite(ev, mark) for ev, mark in chosen), "")
        against = [x for x in checked if _states_otherwise(x[1], x[2], facts)]
        claimed = {self._resolve(d) for d in facts.doc_numbers}
        against.sort(key=lambda x: x[0].chunk.doc_id not in claimed)  # what the named reply says comes first
        ev, conflicts, missing, _ = against[0] if against else checked[0]
        if against:
            # the evidence that states otherwise; the first conflicting figure is marked in it
            span = next((c.span for c in conflicts if c.span), None)
            doc = self.index.document(ev.chunk.doc_id)
            note = ("；" if facts.lang == "zh" else "; ").join(facts.say("conflict", c, doc) for c in conflicts)
            return Verdict(info.text, CONTRADICTED, (self.cite(ev, span),), note, tuple(conflicts))
        return Verdict(info.text, NOT_FOUND, (), facts.say("missing", missing) if missing else facts.say("nothing"))

    def cite(self, ev: Evidence, mark: tuple[int, int] | None) -> Citation:
        doc = self.index.document(ev.chunk.doc_id)
        return Citation(
            doc_number=doc.doc_number or doc.doc_id, title=doc.full_title, section=ev.chunk.section_path,
            chunk_id=ev.chunk.chunk_id, quote=ev.text, citation=doc.citation, date=doc.date,
            start=ev.start, end=ev.end, highlight=mark,
        )


def _states_otherwise(conflicts: list[Conflict], missing: list[str], facts: ClaimFacts) -> bool:
    """Whether evidence contradicts the claim: a figure of its own differs; or, when it states
    every figure of the claim, a year, date, name, 文号 or negation differs. Evidence that lacks
    the claim's figure is about something else, whatever its year."""
    if any(c.kind == "figure" for c in conflicts):
        return True
    return bool(conflicts) and not any(q.text in missing for q in facts.quantities)


def _aligned(options: list, sims: list[float], k: int, key=lambda o: 0.0):
    """The options whose surroundings match nearly as well as the best, and the best (ties: by
    key, then the one in the claim's k-th place)."""
    top = max(sims)
    close = [o for o, s in zip(options, sims) if s >= top - ALIGN_SLACK]
    best = max(range(len(options)), key=lambda i: (sims[i], key(options[i]), -abs(i - k)))
    return close, options[best]


def _distance(claim, reply) -> float:
    """How far apart two figures are, as a ratio: with nothing else to go by, the reply's figure
    nearest the claim's is the one it altered."""
    def middle(q):
        return q.low if q.high == float("inf") else (q.low + q.high) / 2

    a, b = middle(claim), middle(reply)
    if a <= 0 or b <= 0:
        return abs(a - b)
    return abs(math.log(a / b))


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.chunk.doc_id == b.chunk.doc_id and a.start < b.end and b.start < a.end

