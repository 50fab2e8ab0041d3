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
from dataclasses import dataclass

from rag.answer.features import coverage, weighted
from rag.answer.intent import PLAN, SUMMARY
from rag.text import normalize
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
FUTURE = re.compile(
    r"下一步|下阶段|下一阶段|今后|工作打算|打算|拟|(?:将|要)(?:继续|进一步|加快|加强|持续|深化|积极|会同|结合|充分|围绕|推动|研究|支持|完善|聚焦|重点|着力|大力|不断|全面|努力|力争|统筹|吸纳|以)"
)
PAST = re.compile(r"近年来|以来|已经|已(?!有)|累计|截至|截止|情况如下|进展如下|主要做法|取得")
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
    # Paragraph-level items: blocks whose heading path ends in the lead they open with, grouped by parent.
    groups: list[list[int]] = []
    for i, b in enumerate(body):
        if not b.section:
            continue
        lead = re.sub(r"\s+", "", b.section[-1])[:6]
        if not re.sub(r"\s+", "", text[b.start:b.end]).startswith(lead):
            continue
        parent = b.section[:-1]
        prev = groups[-1] if groups else None
        if prev and body[prev[-1]].section[:-1] == parent and _family(body[prev[-1]].section[-1]) == _family(b.section[-1]) \
                and all(body[j].section[:len(body[prev[-1]].section)] == body[prev[-1]].section for j in range(prev[-1] + 1, i)):
            prev.append(i)
        else:
            groups.append([i])
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
            out.append(_make(doc, (b.start, run[0][2]), b.section, items, extra_depth=1))
        topics = [m.start() for m in _TOPIC.finditer(text, b.start, b.end) if m.start() == b.start or text[m.start() - 1] in "。；;\n"]
        if len(topics) >= 2:
            items = [(at, topics[k + 1] if k + 1 < len(topics) else b.end) for k, at in enumerate(topics)]
            intro = (b.start, topics[0]) if topics[0] > b.start else None
            out.append(_make(doc, intro, b.section, items, extra_depth=1, leads=[(s, text.index("，", s) if "，" in text[s:e] else e) for s, e in items]))
    _inherit_future(out)
    return sorted(out, key=lambda e: (e.depth, e.items[0][0]))


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


# -- enumerations inside one sentence --------------------------------------------------------------
def inline_units(sentence: str, anchors=()) -> list[tuple[int, int]]:
    """The items a sentence enumerates (offsets in the sentence), or [] when it enumerates nothing."""
    titles = [(m.start(), m.end()) for m in re.finditer(r"《[^《》]{2,60}》", sentence)]
    if len(titles) >= 2:
        return titles
    quoted = [(m.start() + 1, m.end() - 1) for m in re.finditer(r"“[^“”]{2,20}”", sentence)]
    if len(quoted) >= 3:
        return quoted
    clauses = _split(sentence, "；;")
    if len(clauses) >= 3:
        return clauses
    runs = []
    for m in re.finditer(r"[^，,。；;：:！？]+", sentence):
        parts = _split(sentence[m.start():m.end()], "、")
        if len(parts) >= 3:
            units = [(m.start() + s, m.start() + e) for s, e in parts]
            last_s, last_e = units[-1]
            cut = sentence.find("等", last_s, last_e)
            if cut > last_s:
                units[-1] = (last_s, cut)
            runs.append(units)
    if runs:  # the run among most of the question's words, else the longest
        return max(runs, key=lambda r: (sum(w for a, w in anchors if r[0][0] - 25 <= a <= r[-1][1] + 25), len(r)))
    clauses = _split(sentence, "，,")
    if len(clauses) >= 3 and FUTURE.search(sentence):
        return clauses  # 进一步……，持续推进……，全面加强……
    return []


def _split(text: str, separators: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(text + separators[0]):
        if ch in separators or i == len(text):
            s, e = start, i
            while s < e and text[s] in " “”":
                s += 1
            while e > s and text[e - 1] in " 。！？":
                e -= 1
            if e - s >= 2:
                out.append((s, e))
            start = i + 1
    return out


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
    about: float  # how well the list's context covers the question's topic
    conf: float  # the confidence of the best evidence in it
    future: bool
    depth: int
    items: list  # (start, end) in document offsets: the quoted leads


def answer(composer, info, hits, scored) -> dict | None:
    """The answer dict for a list, plan or summary question, or None to fall back to sentences."""
    index = composer.index
    eligible = [s for s in scored if composer.eligible(s, info)]
    if not eligible:
        return None
    docs = list(dict.fromkeys(s.chunk.doc_id for s in eligible))[:3]
    options: list[_Option] = []
    for doc_id in docs:
        doc = index.document(doc_id)
        lists = outline_of(index, doc_id)
        reply = composer.reply_context(doc_id)
        for e in lists:
            inside = [s for s in eligible if s.chunk.doc_id == doc_id and (any(a <= s.start < b for a, b in e.items) or (e.intro and e.intro[0] <= s.start < e.intro[1]))]
            if not inside:
                continue
            context = normalize((doc.text[e.intro[0]:e.intro[1]] if e.intro else "") + " " + e.heading + " " + reply)
            about = weighted(info.concepts, coverage(info.concepts, context))
            conf = composer.confidence(scored, inside[0])
            options.append(_Option(doc_id, about, conf, e.future, e.depth, list(e.leads)))
        for s in [x for x in eligible if x.chunk.doc_id == doc_id][:5]:
            units = inline_units(s.text, s.features.anchors)
            if not units:
                continue
            outside_units = s.text[:units[0][0]] + " " + s.text[units[-1][1]:]
            context = normalize(outside_units + " " + s.chunk.section_path + " " + reply)
            about = weighted(info.concepts, coverage(info.concepts, context))
            conf = composer.confidence(scored, s)
            options.append(_Option(doc_id, about, conf, _is_future(s, lists), 99, [(s.start + a, s.start + b) for a, b in units]))
    passing = [o for o in options if o.conf >= composer.model.threshold]
    if info.intent.kind == PLAN and any(o.future for o in passing):
        passing = [o for o in passing if o.future]
    if not passing:
        return None
    best = max(passing, key=lambda o: (round(o.about, 2), o.conf >= composer.model.threshold, -o.depth, o.conf))
    chosen = [best]
    for o in sorted(passing, key=lambda o: (-round(o.about, 2), o.depth, -o.conf)):
        if o.doc_id not in {c.doc_id for c in chosen} and o.about >= best.about and len(chosen) < 3:
            chosen.append(o)  # another reply answers the same: its items too
    return _listed(composer, info, chosen)


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
    conf = max(o.conf for o in chosen)
    return dict(found=True, answer="\n".join(([lead] if lead else []) + lines), citations=tuple(citations), items=tuple(items), confidence=conf)

