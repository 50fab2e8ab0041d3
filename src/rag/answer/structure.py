"""Lists and plans: a question about measures or next steps is answered with the enumerated items the
replies are written in, each item's lead clause quoted verbatim with its citation.

Two shapes of enumeration:
- structural: paragraphs or headings numbered in the official style (一、 （一） 1. 一是 第一，), bold
  lead phrases of one parent, topic openers (在……方面，); and items numbered inside one paragraph;
- inside a sentence: 《titles》, “quoted” names, clauses separated by ；, runs of X、Y、Z等, and the
  parallel clauses of a plan sentence (进一步……，持续推进……，全面加强……).
A list is chosen by how well its context (the paragraph that introduces it, its heading path, the
reply) covers the question's topic; plan questions take lists about the future (下一步, 下阶段, 将)
before those about past work (近年来, 已, 累计). Items from a second reply join when it answers too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.answer.features import coverage, weighted
from rag.answer.inline import inline_units, kind_asked, unit_name
from rag.answer.intent import LIST, PLAN
from rag.answer.metadata import named_replies
from rag.answer.outline import Enumeration, outline_of
from rag.answer.tense import FUTURE
from rag.config import Config
from rag.text import mark_spans, normalize, squash
from rag.types import Item

# what the items of an answer are, by the question's intent
_WHICH_KIND = re.compile(r"哪[些个种类项家所]|\bwhich\b", re.IGNORECASE)  # a kind of thing asked for, not what will be done
HEADINGS = {PLAN: {"zh": "下一步的工作", "en": "Next steps"}, LIST: {"zh": "答复列举的各项", "en": "What the replies list"}}
NO_PLAN = {"zh": "答复中没有写明这方面的下一步打算，以下是已开展的相关工作", "en": "The replies state no next steps on this; below is what they say has been done"}
LIST_MIN_COVERAGE = Config.list_min_coverage  # share of the question's topic a list's context and items must hold
JOIN_SHARE = Config.list_join_share  # another reply's list joins when its context covers this share of the best one's
CLAUSE_SHARE = 0.9  # what a run's whole sentence says counts at this share of what its own clause says


# A heading that only names a part of a reply: 一、相关工作情况, 二、下一步工作打算, （三）主要做法
_GENERIC_ITEM = re.compile(r"[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]?(?:关于)?(?:相关|有关|主要|基本|下一步|下阶段|今后|近年来)?(?:工作)?"
                           r"(?:情况|打算|举措|措施|做法|成效|进展|考虑|计划|安排|思路|建议|意见|答复|工作)?[。：:]?")


# -- choosing ----------------------------------------------------------------------------------------

def _is_future(s, lists: list[Enumeration]) -> bool:
    if FUTURE.search(s.text) or FUTURE.search(s.chunk.section_path):
        return True
    return any(e.future and any(a <= s.start < b for a, b in e.items) for e in lists)


@dataclass
class _Option:
    doc_id: str
    about: float  # how well the list's context (intro, heading path, reply) covers the question's topic
    item_max: float  # … the best of its single items: as much as the context means the topic is that item
    union: float  # … its context and its items together
    future: bool
    depth: int  # nesting of a structural list; in-sentence enumerations and sentences come last on ties
    items: list  # (start, end) in document offsets: the quoted leads
    conf: float | None  # the scorer's confidence in the best sentence inside the list, if any
    gate: float = 0.0  # for a sentence: how likely the replies answer the question, by the scorer
    headed: bool = False  # items of the kind the question asks about: they end in its noun, or it follows them
    intro: tuple[int, int] | None = None  # a structural list's introducing text
    form: str = "list"  # list (structural), titles, quotes, run, clauses (inside a sentence) or sentence
    sentence: tuple[int, int] | None = None  # the sentence an in-sentence enumeration is quoted from

    def rank(self) -> tuple:
        """About the topic, and more so than any single item of it (when an item is as much about the
        topic as the list's context, the question is about that item: the list nested in it answers);
        then outer lists, structure before sentences; then the fuller."""
        return (round(2 * self.about - self.item_max, 2), -self.depth, round(self.union, 2))


def _cover(info, text: str) -> tuple[float, bool]:
    """Weighted coverage of the question's concepts by text, and whether a named entity is missing.
    A question with no topic of its own (about a named reply as a whole) is covered by all of it."""
    if not info.concepts:
        return 1.0, False
    credits = coverage(info.concepts, normalize(text))
    missing = any(g.entity and c == 0.0 for g, c in zip(info.concepts, credits))
    return weighted(info.concepts, credits), missing


def _options(composer, info, scored, eligible) -> list[_Option]:
    index = composer.index
    out: list[_Option] = []
    for doc_id in list(dict.fromkeys(s.chunk.doc_id for s in eligible))[:3]:
        doc = index.document(doc_id)
        lists = outline_of(index, doc_id)
        reply = composer.reply_context(doc_id)
        # the reply's own outline (一、相关工作情况 二、下一步工作打算): its sections answer, not their
        # titles, and what introduces the outline introduces each section's list too
        outlines = [e for e in lists if all(_GENERIC_ITEM.fullmatch(re.sub(r"\s+", "", doc.text[a:b])) for a, b in e.leads)]
        for e in lists:
            if e in outlines:
                continue
            above = " ".join(doc.text[g.intro[0]:g.intro[1]] for g in outlines if g.intro and any(a <= e.items[0][0] < b for a, b in g.items))
            context = (doc.text[e.intro[0]:e.intro[1]] if e.intro else "") + " " + above + " " + e.heading + " " + reply
            about, _ = _cover(info, context)
            union, missing = _cover(info, context + " " + " ".join(doc.text[a:b] for a, b in e.items))
            if missing:
                continue
            item_max = max(_cover(info, doc.text[a:b])[0] for a, b in e.leads)
            inside = [x for x in eligible if x.chunk.doc_id == doc_id and any(a <= x.start < b for a, b in e.items)]
            conf = composer.confidence(scored, inside[0]) if inside else None
            headed = bool(info.head) and sum(any(h in doc.text[a:b] for h in info.head) for a, b in e.leads) >= len(e.leads) - 1
            out.append(_Option(doc_id, about, item_max, union, e.future, e.depth, list(e.leads), conf, 0.0, headed, e.intro, "list"))
        seen_full: set[int] = set()
        for x in [x for x in eligible if x.chunk.doc_id == doc_id]:
            form, units = inline_units(x.text, x.features.anchors, info.head)
            if not units:  # clauses separated by ；are one sentence's items (主要做法包括聚焦……；搭建……；)
                whole = _whole_sentence(x, seen_full)
                if whole is not None and whole.text != x.text:
                    form, units = inline_units(whole.text, whole.features.anchors, info.head)
                    x = whole if units else x
            asked = squash(info.simplified or info.text)
            units = [u for u in units if squash(x.text[u[0]:u[1]]) not in asked] if len(units) > 2 else units  # not “三个一批” itself
            if form == "run" and info.intent.kind == PLAN and not info.head and not _WHICH_KIND.search(info.text):
                units = []  # what will be done is actions, not the things one of them names (政策、项目、资本、人才)
            if not units:
                form, units = "sentence", [(0, len(x.text))]
            elif form == "run" and kind_asked(x.text, units, info.head):
                units = [unit_name(x.text, u, info.head) for u in units]
            around = " " + x.chunk.section_path + " " + reply
            if form in ("run", "quotes", "titles"):
                # a run is about what its own clause says (在沪国家实验室围绕集成电路、人工智能、生物医药三大领域),
                # or, a little less, what its sentence says
                lo = max([x.text.rfind(c, 0, units[0][0]) + 1 for c in "，,。；;：:"] + [0])
                hi = min([p for p in (x.text.find(c, units[-1][1]) for c in "，,。；;") if p >= 0] + [len(x.text)])
                clause, missing = _cover(info, x.text[lo:hi] + around)
                whole, missing = _cover(info, x.text + around)
                about, union = max(clause, CLAUSE_SHARE * whole), whole
            else:
                about, missing = _cover(info, doc.text[max(x.chunk.start, x.start - 120):x.start] + " " + x.text + around)
                union = about
            if missing:
                continue
            depth = 99 if len(units) > 1 else 100
            out.append(_Option(doc_id, about, 0.0, union, _is_future(x, lists), depth, [(x.start + a, x.start + b) for a, b in units],
                               composer.confidence(scored, x), composer.answerable(scored, x),
                               len(units) > 1 and kind_asked(x.text, units, info.head) == 2, None, form,
                               (x.start, x.end) if len(units) > 1 else None))
    return out


def _enumerated_in_intro(o: _Option, options: list[_Option]) -> bool:
    """A list whose introducing paragraph itself enumerates what is asked, as fully: that
    enumeration is the answer (聚焦“三个一批”，即“导入一批”……), not the list after it."""
    if o.intro is None:
        return False
    return any(x.form in ("titles", "quotes", "run") and x.doc_id == o.doc_id and o.intro[0] <= x.items[0][0] < o.intro[1] and x.union >= o.about for x in options)


def _per_reply(composer, info, scored, named: list[str]) -> list[_Option]:
    """"在给李琛浩委员和马瑜代表的答复里…": each named reply answers for itself, so a member the
    question names for another reply is not missing from this one."""
    out = []
    for doc_id in named:
        others = {a for d in named if d != doc_id for a in composer.index.document(d).addressees}
        concepts = tuple(g for g in info.concepts if not (g.entity and {t for t, _ in g.alternatives} & others))
        mine = replace(info, concepts=concepts)
        eligible = [s for s in scored if s.chunk.doc_id == doc_id and not s.features.get("year_conflict")]
        options = _select(mine, _options(composer, mine, scored, eligible), composer.model.threshold, composer.config.list_min_coverage, composer.config.list_sentence_margin)
        if options:
            out.append(max(options, key=_Option.rank))
    return out


def answer(composer, info, hits, scored) -> dict | None:
    """The answer dict for a list, plan or summary question, or None to fall back to sentences.

    A list answers when its context and items together cover at least LIST_MIN_COVERAGE of the
    question's topic (and name every place, body or person it names). Plan questions take lists about
    the future when there are any, questions about work already done lists about the past; then the
    rank of _Option decides. Another reply joins with its own list when it is as much about the topic."""
    named = named_replies(composer.index, info)
    if len(named) >= 2:
        per_reply = _per_reply(composer, info, scored, named)
        return _listed(composer, info, per_reply, scored) if len(per_reply) == len(named) else None
    if len(named) == 1:
        # "张磊委员那份答复里，揭榜挂帅下一步…": the name picks the reply; the topic is the rest
        info = replace(info, concepts=_topic(composer, info, named[0]))
        scored = [s for s in scored if s.chunk.doc_id == named[0]]
    eligible = [s for s in scored if composer.eligible(s, info)]
    if not eligible:
        return None
    passing = _select(info, _options(composer, info, scored, eligible), composer.model.threshold, composer.config.list_min_coverage, composer.config.list_sentence_margin)
    if not passing:
        return None
    return _listed(composer, info, _choose(passing, composer.config.list_join_share), scored)


# Words that only say which reply is meant: the kind of document and whom it answers
_NAMING = re.compile(r"(?:委员|代表|提案|建议|议案|答复|回复|针对|对于|那份|这份|\s|member|deput(?:y|ies)|proposal|suggestion|reply|response|motion)+", re.IGNORECASE)


def _topic(composer, info, doc_id: str) -> tuple:
    """What a question that names one reply asks about it: its concepts without the words naming the
    reply (the addressee, 委员, 提案, 针对), its author (市科委) or single characters. Empty when the
    question asks about the reply as a whole ("针对张磊委员的提案，后续有什么安排？")."""
    naming = set(composer.index.document(doc_id).addressees) | composer.issuer_forms()
    return tuple(g for g in info.concepts
                 if not {t for t, _ in g.alternatives} & naming and not _NAMING.fullmatch(g.source) and len(g.source) > 1)


def _whole_sentence(x, seen: set[int]):
    """The candidate widened to its whole sentence, up to 。！？ (the scorer's sentences also end at ；),
    or None when that sentence was already taken."""
    text = x.chunk.text
    lo = x.start - x.chunk.start
    hi = x.end - x.chunk.start
    while lo > 0 and text[lo - 1] not in "。！？\n":
        lo -= 1
    while hi < len(text) and text[hi - 1] not in "。！？\n":
        hi += 1
    if lo in seen:
        return None
    seen.add(lo)
    if (lo, hi) == (x.start - x.chunk.start, x.end - x.chunk.start):
        return x
    shift = x.start - (x.chunk.start + lo)
    anchors = tuple((a + shift, w) for a, w in x.features.anchors)
    return replace(x, start=x.chunk.start + lo, end=x.chunk.start + hi, text=text[lo:hi], features=replace(x.features, anchors=anchors))


def _select(info, options: list[_Option], threshold: float, min_coverage: float = LIST_MIN_COVERAGE,
            sentence_margin: float = Config.list_sentence_margin) -> list[_Option]:
    """The options that may answer, from the most fitting tier."""
    # an enumeration passes on how much of the question its context and items hold; a lone sentence
    # as any sentence answer does, on the scorer's confidence
    # a reply's outline is about the question through its own context or one item's lead, not only
    # through the bodies of all its items together (a whole reply holds most words)
    passing = [o for o in options if o.union >= min_coverage and (o.form != "sentence" or o.gate >= threshold)
               and (o.form != "list" or max(o.about, o.item_max) >= min_coverage)]
    if info.intent.kind == PLAN and passing:
        # past work is no answer to what will be done; without anything about the future, sentences may say it
        future = [o for o in passing if o.future]
        passing = future or [o for o in passing if o.form != "list"]
    elif info.intent.past and any(not o.future for o in passing):
        passing = [o for o in passing if not o.future]
    if not passing:
        return []
    # the things asked about, enumerated; else a list whose own context is about the topic; else
    # enumerations inside sentences; else single sentences
    tiers = [[o for o in passing if o.headed], [o for o in passing if o.depth < 99 and o.about >= min_coverage and not _enumerated_in_intro(o, passing)],
             [o for o in passing if o.depth == 99], passing]
    sentences = [o for o in passing if o.form == "sentence"]
    passing = next(t for t in tiers if t)
    if info.intent.count and any(len(o.items) == info.intent.count for o in passing):
        passing = [o for o in passing if len(o.items) == info.intent.count]  # 哪两家: a list of two
    if sentences and all(o.depth == 99 for o in passing):
        # an enumeration inside a sentence the scorer doubts does not beat a sentence it trusts that is
        # as much about the question (鹦鹉亚科主要包含哪些？ is answered where a sentence says so, not
        # by a run of names elsewhere)
        sentence, top = max(sentences, key=lambda o: o.conf or 0.0), max(passing, key=_Option.rank)
        if (sentence.conf or 0.0) - (top.conf or 0.0) > sentence_margin and round(sentence.about, 2) >= round(top.about, 2):
            return [sentence]
    return passing


def _choose(passing: list[_Option], join_share: float = JOIN_SHARE) -> list[_Option]:
    best = max(passing, key=_Option.rank)
    chosen = [best]
    for o in sorted(passing, key=_Option.rank, reverse=True):
        if len(chosen) >= 3:
            break
        if o.doc_id not in {c.doc_id for c in chosen} and o.about >= join_share * best.about and o.form == best.form:
            chosen.append(o)  # another reply answers nearly as fully, in the same form: its items too
    return chosen


def _chunk_holding(index, doc_id: str, offset: int):
    """The chunk of a reply that holds a document offset, or None."""
    return next((c for c in index.chunks_of(doc_id) if c.start <= offset < c.end), None)


def _quote_sentence(composer, o: _Option, doc, citations: list, items: list, lines: list) -> None:
    """The items of an enumeration inside one sentence, and that sentence quoted once with the items
    marked: 广东 means little without 分布于 before it."""
    s, e = o.sentence
    chunk = _chunk_holding(composer.index, o.doc_id, s)
    quote = doc.text[s:e]
    spans = tuple((a - s, b - s) for a, b in o.items)
    citation = composer.cite(chunk, s, e, quote, spans[0], spans[1:])
    for a, b in spans:
        items.append(Item(quote[a:b], len(citations), citation.doc_number))
        lines.append(f"{len(items)}. “{quote[a:b]}”（{citation.doc_number}）")
    lines.append(f"“{mark_spans(quote, spans)}”（{citation.doc_number}）")
    citations.append(citation)


def _listed(composer, info, chosen: list[_Option], scored) -> dict:
    index = composer.index
    citations, items, lines = [], [], []
    for o in chosen:
        doc = index.document(o.doc_id)
        if o.sentence:
            _quote_sentence(composer, o, doc, citations, items, lines)
            continue
        for s, e in o.items:
            chunk = _chunk_holding(index, o.doc_id, s)
            if chunk is None:
                continue
            quote = doc.text[s:e].strip()
            s = doc.text.index(quote, s)
            citation = composer.cite(chunk, s, s + len(quote), quote, None)
            items.append(Item(quote, len(citations), citation.doc_number))
            citations.append(citation)
            lines.append(f"{len(items)}. “{quote}”（{citation.doc_number}）")
    heading = HEADINGS.get(info.intent.kind, {}).get(info.lang, "")
    if info.intent.kind == PLAN and not any(o.future for o in chosen):  # no plan said: what was done, called so
        heading = NO_PLAN[info.lang]
    lead = (f"{heading}：" if info.lang == "zh" else f"{heading}:") if info.intent.kind == PLAN else ""
    # a lone sentence's confidence is that its quote holds the answer; a list's, that the replies answer
    # the question at all (the gate on the best sentence): no one sentence holds a list's answer
    confs = [o.conf for o in chosen if o.conf is not None and o.form == "sentence"]
    conf = max(confs) if confs else composer.best(info, scored)[1] if scored else None
    return {"found": True, "answer": "\n".join(([lead] if lead else []) + lines), "citations": tuple(citations), "items": tuple(items), "confidence": conf,
            "heading": heading}

