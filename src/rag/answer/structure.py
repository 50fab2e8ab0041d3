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
from collections import OrderedDict
from dataclasses import dataclass, replace

from rag.answer.features import coverage, weighted
from rag.answer.intent import PLAN, SUMMARY
from rag.answer.inline import inline_units, kind_asked, unit_name
from rag.answer.tense import FUTURE, PAST
from rag.config import Config
from rag.answer.metadata import named_replies
from rag.text import normalize, squash
from rag.types import Item

_ZH = "一二三四五六七八九十"
_MARKERS = [  # (family, pattern at an item's start); number read from group 1
    ("shi", re.compile(rf"([{_ZH}]{{1,2}})是")),
    ("di", re.compile(rf"第([{_ZH}]{{1,2}})[，,、是]")),
    ("paren_zh", re.compile(rf"[（(]([{_ZH}]{{1,2}})[）)]")),
    ("dun_zh", re.compile(rf"([{_ZH}]{{1,2}})、")),
    ("paren_num", re.compile(r"[（(](\d{1,2})[）)]")),
    ("num", re.compile(r"(\d{1,2})\s*[.、．](?!\d)")),
]
_TOPIC = re.compile(r"在[^，,。；;]{2,40}?方面[，,]")  # 在引入高能级科技创新平台方面，
_BOUNDARY = "。；;：:，,！？\n"
LIST_MIN_COVERAGE = Config.list_min_coverage  # share of the question's topic a list's context and items must hold
JOIN_SHARE = Config.list_join_share  # another reply's list joins when its context covers this share of the best one's
CLAUSE_SHARE = 0.9  # what a run's whole sentence says counts at this share of what its own clause says
MAX_LEAD = 90  # characters of an item quoted; a longer first sentence is cut at a comma
MAX_ITEMS = 12


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _ZH.index(token[1]) + 1
    if token.endswith("十"):
        return (_ZH.index(token[0]) + 1) * 10
    return _ZH.index(token[0]) + 1


@dataclass(frozen=True)
class Enumeration:
    """Items that belong together, in document offsets."""

    doc_id: str
    intro: tuple[int, int] | None  # the text that introduces the items
    heading: str  # the heading path above them
    items: tuple[tuple[int, int], ...]  # each item's whole text
    leads: tuple[tuple[int, int], ...]  # each item's lead clause, the part quoted
    future: bool
    depth: int  # 0 for a list at the top of the reply's body


def _lead(text: str, start: int, end: int) -> tuple[int, int]:
    """The item's first sentence, cut at a comma when long."""
    m = re.match(r"[^。；;！？\n]*[。；;！？]?", text[start:end])
    stop = start + (m.end() if m else end - start)
    if stop - start > MAX_LEAD:
        cut = max(text.rfind(c, start, start + MAX_LEAD) for c in "，,")
        stop = cut if cut > start + 8 else start + MAX_LEAD
    return start, stop


def _markers(text: str, start: int, end: int, at_start_only: bool = False) -> list[tuple[str, int, int]]:
    """(family, number, offset) of item markers in text[start:end], where an item can start: at the
    start or after a sentence or clause boundary."""
    found = []
    for family, pattern in _MARKERS:
        for m in pattern.finditer(text, start, end):
            at = m.start()
            if at_start_only and at != start:
                continue
            if at != start and text[at - 1] not in _BOUNDARY and not text[at - 1].isspace():
                continue
            if family in ("dun_zh", "num") and at != start:
                continue  # "一、" and "1." number paragraphs, not clauses
            found.append((family, _number(m.group(1)), at))
    return sorted(found, key=lambda f: f[2])


def _runs(markers: list[tuple[str, int, int]]) -> list[list[tuple[str, int, int]]]:
    """Runs of markers of one family numbered 1, 2, 3 … in order."""
    runs: dict[str, list[list]] = {}
    for family, n, at in markers:
        lists = runs.setdefault(family, [])
        if n == 1:
            lists.append([(family, n, at)])
        elif lists and lists[-1][-1][1] == n - 1:
            lists[-1].append((family, n, at))
    return [r for lists in runs.values() for r in lists if len(r) >= 2]


def outline(doc) -> list[Enumeration]:
    """Every enumeration of a reply's body, outer ones first."""
    text = doc.text
    body = [b for b in doc.blocks if b.role == "body"]
    out: list[Enumeration] = []
    # Paragraph-level items: blocks whose heading path ends in the lead they open with, grouped with
    # their siblings (same parent, same numbering style); a block back at the parent's level that is
    # not a sibling closes the group.
    groups: list[list[int]] = []
    open_groups: dict[tuple, list[int]] = {}
    for i, b in enumerate(body):
        for key, g in list(open_groups.items()):
            parent = key[0]
            inside = b.section[:len(parent)] == parent and len(b.section) > len(parent)
            if not inside or (len(b.section) == len(parent) + 1 and not _opens_item(text, b)) and b.section[:len(parent) + 1] != body[g[-1]].section:
                del open_groups[key]
        if not b.section or not _opens_item(text, b):
            continue
        key = (b.section[:-1], _family(b.section[-1]))
        if key in open_groups and body[open_groups[key][-1]].section != b.section:
            open_groups[key].append(i)
        elif key not in open_groups:
            open_groups[key] = [i]
            groups.append(open_groups[key])
    for g in groups:
        if len(g) < 2:
            continue
        first = body[g[0]]
        items = []
        for k, i in enumerate(g):
            stop = body[g[k + 1]].start if k + 1 < len(g) else _end_of(body, i)
            items.append((body[i].start, stop))
        intro = _intro(body, g[0])
        out.append(_make(doc, intro, first.section[:-1], items))
    # Items numbered inside one paragraph, and topic openers (在……方面，) inside one paragraph
    for b in body:
        for run in _runs(_markers(text, b.start, b.end)):
            if run[0][2] == b.start:
                continue  # the paragraph is itself an item of a paragraph-level list
            items = [(at, run[k + 1][2] if k + 1 < len(run) else b.end) for k, (_, _, at) in enumerate(run)]
            opening = max(b.start, max((text.rfind(c, b.start, run[0][2]) + 1 for c in "。；;！？"), default=b.start))
            out.append(_make(doc, (opening, run[0][2]), b.section, items, extra_depth=1))
        topics = [m.start() for m in _TOPIC.finditer(text, b.start, b.end) if m.start() == b.start or text[m.start() - 1] in "。；;\n"]
        if len(topics) >= 2:
            items = [(at, topics[k + 1] if k + 1 < len(topics) else b.end) for k, at in enumerate(topics)]
            intro = (b.start, topics[0]) if topics[0] > b.start else None
            out.append(_make(doc, intro, b.section, items, extra_depth=1, leads=[(s, text.index("，", s) if "，" in text[s:e] else e) for s, e in items]))
    _inherit_future(out)
    return sorted(out, key=lambda e: (e.depth, e.items[0][0]))


def _opens_item(text: str, b) -> bool:
    """Whether a block starts with the lead its heading path ends in (it opens an item)."""
    lead = re.sub(r"\s+", "", b.section[-1])[:6]
    return re.sub(r"\s+", "", text[b.start:b.end]).startswith(lead)


def _family(lead: str) -> str:
    marks = _markers(lead, 0, len(lead), at_start_only=True)
    return marks[0][0] if marks else "lead"


def _end_of(body, i: int) -> int:
    """Where block i's item ends: after the blocks nested under it."""
    section = body[i].section
    j = i
    while j + 1 < len(body) and body[j + 1].section[:len(section)] == section and body[j + 1].section != section:
        j += 1
    return body[j].end


def _intro(body, i: int) -> tuple[int, int] | None:
    """The paragraph before a list's first item, or the heading it sits under."""
    if i == 0:
        return None
    prev = body[i - 1]
    return (prev.start, prev.end)


def _make(doc, intro, section, items, extra_depth: int = 0, leads=None) -> Enumeration:
    text = doc.text
    leads = leads or [_lead(text, s, e) for s, e in items]
    context = (text[intro[0]:intro[1]] if intro else "") + " ".join(section)
    future = bool(FUTURE.search(context)) and not (PAST.search(context[-60:]) and not FUTURE.search(context[-60:]))
    return Enumeration(doc.doc_id, intro, " › ".join(section), tuple(items[:MAX_ITEMS]), tuple(leads[:MAX_ITEMS]), future, len(section) + extra_depth)


def _inherit_future(lists: list[Enumeration]) -> None:
    """A list nested inside an item of a list about the future is about the future too."""
    for k, e in enumerate(lists):
        if e.future:
            continue
        for outer in lists:
            if outer.future and any(s <= e.items[0][0] < t for s, t in outer.items):
                lists[k] = Enumeration(e.doc_id, e.intro, e.heading, e.items, e.leads, True, e.depth)
                break


# -- choosing ----------------------------------------------------------------------------------------
_outlines: OrderedDict = OrderedDict()


def outline_of(index, doc_id: str) -> list[Enumeration]:
    """Enumerations of one reply, for the few most recently asked replies (bounded)."""
    if doc_id in _outlines:
        _outlines.move_to_end(doc_id)
        return _outlines[doc_id]
    lists = outline(index.document(doc_id))
    _outlines[doc_id] = lists
    if len(_outlines) > 256:
        _outlines.popitem(last=False)
    return lists


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

    def rank(self) -> tuple:
        """About the topic, and more so than any single item of it (when an item is as much about the
        topic as the list's context, the question is about that item: the list nested in it answers);
        then outer lists, structure before sentences; then the fuller."""
        return (round(2 * self.about - self.item_max, 2), -self.depth, round(self.union, 2))


def _cover(info, text: str) -> tuple[float, bool]:
    """Weighted coverage of the question's concepts by text, and whether a named entity is missing."""
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
        for e in lists:
            context = (doc.text[e.intro[0]:e.intro[1]] if e.intro else "") + " " + e.heading + " " + reply
            about, _ = _cover(info, context)
            union, missing = _cover(info, context + " " + " ".join(doc.text[a:b] for a, b in e.leads))
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
                               len(units) > 1 and kind_asked(x.text, units, info.head) == 2, None, form))
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
        options = _select(mine, _options(composer, mine, scored, eligible), composer.model.threshold, composer.config.list_min_coverage)
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
        return _listed(composer, info, per_reply) if len(per_reply) == len(named) else None
    eligible = [s for s in scored if composer.eligible(s, info)]
    if not eligible:
        return None
    passing = _select(info, _options(composer, info, scored, eligible), composer.model.threshold, composer.config.list_min_coverage)
    if not passing:
        return None
    return _listed(composer, info, _choose(passing, composer.config.list_join_share))


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


def _select(info, options: list[_Option], threshold: float, min_coverage: float = LIST_MIN_COVERAGE) -> list[_Option]:
    """The options that may answer, from the most fitting tier."""
    # an enumeration passes on how much of the question its context and items hold; a lone sentence
    # as any sentence answer does, on the scorer's confidence
    passing = [o for o in options if o.union >= min_coverage and (o.form != "sentence" or o.gate >= threshold)]
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
    passing = next(t for t in tiers if t)
    if info.intent.count and any(len(o.items) == info.intent.count for o in passing):
        passing = [o for o in passing if len(o.items) == info.intent.count]  # 哪两家: a list of two
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


def _listed(composer, info, chosen: list[_Option]) -> dict:
    index = composer.index
    citations, items, lines = [], [], []
    for o in chosen:
        doc = index.document(o.doc_id)
        for s, e in o.items:
            chunk = next((c for c in index.chunks_of(o.doc_id) if c.start <= s < c.end), None)
            if chunk is None:
                continue
            quote = doc.text[s:e].strip()
            s = doc.text.index(quote, s)
            citation = composer.cite(chunk, s, s + len(quote), quote, None)
            items.append(Item(quote, len(citations), citation.doc_number))
            citations.append(citation)
            lines.append(f"{len(items)}. “{quote}”（{citation.doc_number}）")
    lead = "下一步的工作：" if info.intent.kind == PLAN and info.lang == "zh" else "Next steps:" if info.intent.kind == PLAN else ""
    if info.intent.kind == SUMMARY:
        lead = ""
    confs = [o.conf for o in chosen if o.conf is not None]
    conf = max(confs) if confs else None
    return dict(found=True, answer="\n".join(([lead] if lead else []) + lines), citations=tuple(citations), items=tuple(items), confidence=conf)

