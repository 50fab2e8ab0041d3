"""The enumerations of a reply: paragraphs or headings numbered in the official style (一、 （一） 1.
一是 第一，), bold lead phrases of one parent, topic openers (在……方面，), and items numbered inside one
paragraph — each with the text that introduces it, its heading path and whether it is about the future
(下一步, 下阶段, 将) or past work (近年来, 已, 累计)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from rag.answer.tense import FUTURE, PAST
from rag.quantities import zh_number

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
MAX_LEAD = 90  # characters of an item quoted; a longer first sentence is cut at a comma
MAX_ITEMS = 12


def _number(token: str) -> int:
    return int(token) if token.isdigit() else int(zh_number(token) or 0)


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


_outlines: OrderedDict = OrderedDict()
_outlines_lock = threading.Lock()


def outline_of(index, doc_id: str) -> list[Enumeration]:
    """Enumerations of one reply, for the few most recently asked replies (bounded)."""
    key = (id(index), doc_id)
    with _outlines_lock:
        if key in _outlines:
            _outlines.move_to_end(key)
            return _outlines[key]
    lists = outline(index.document(doc_id))
    with _outlines_lock:
        _outlines[key] = lists
        while len(_outlines) > 256:
            _outlines.popitem(last=False)
    return lists
