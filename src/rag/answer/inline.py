"""Enumerations inside one sentence: 《titles》, parallel “quotes”, clauses between ；, clauses after
如/包括/a colon, runs of X、Y、Z等, and the parallel clauses of a plan sentence. A run's first item
starts where its clause starts ("本市已在集成电路、智能传感器……"): it is cut to the words after the
last verb or function word, so that it reads like the items beside it (集成电路); a last item
joined by 和 is two items, and a count after it (三大领域) is not part of it."""

from __future__ import annotations

import re

from rag.answer.spans import TITLE, head_spans
from rag.answer.tense import FUTURE
from rag.query import NOUN_SUFFIX, function_words
from rag.text import pieces, tag

def _parallel(names: list[str], name: str) -> bool:
    """Whether a quoted name is one of parallel ones: it shares its last or first character with
    another (“导入一批”“提升一批”“新建一批”), which incidental quotations rarely do."""
    return any(other != name and (other[-1] == name[-1] or other[0] == name[0]) for other in names)


def unit_name(sentence: str, unit: tuple[int, int], head) -> tuple[int, int]:
    """A unit cut to the name in it that ends in the noun asked about: 上海也积极建设成为合肥实验室（量子）
    → 合肥实验室. Units without such a name stay whole."""
    s, e = unit
    names = [(a, b) for _, a, b in head_spans(sentence[s:e], tuple(head))]
    if not names:
        return unit
    a, b = min(names, key=lambda n: (n[0], -(n[1] - n[0])))  # the unit's own name: the first
    if a > 0 and sentence[s + a - 1] in "与和及":
        return s, s + b  # 与 inside a name, not before it: 中科院上海微系统与信息技术研究所
    return s + a, s + b


MAX_NAME = 24  # characters: a longer unit is a clause, not a name of the kind asked about
_PAREN = re.compile(r"（[^）]*）|\([^)]*\)")
_DOCUMENT_HEADS = re.compile(r"文件|规定|方案|意见|办法|规划|计划|政策|报告|指南|通知|条例|机制")


def kind_asked(sentence: str, units, head) -> int:
    """How surely the units are things of the kind asked about: 2 when the noun follows them
    (…高端芯片等一批关键材料; …等建议) or they are names ending in it (合肥实验室), or 《titles》 when
    documents are asked; 1 when they are the bare noun itself (设计、制造、装备、材料: kinds, not
    instances); 0 otherwise."""
    if not head:
        return 0
    after = re.split(r"[，,。；;：:]", sentence[units[-1][1]:units[-1][1] + 20])[0]  # …抛光液等高端集成电路装备材料的关键技术
    names = [_PAREN.sub("", sentence[s:e]).strip() for s, e in units]  # 合肥实验室（量子） is a 实验室
    # a name ending in the noun, not the noun itself under a shorter head (国家实验室 is no name of a 室:
    # 国家实验室、重大科技基础设施、高水平研发机构 lists kinds of platform, not laboratories)
    if any(h in after for h in head) or any((n.endswith(h) or f"{h}的" in n) and n not in head and len(n) <= MAX_NAME for h in head for n in names):
        return 2
    if sentence[units[0][0]:units[0][0] + 1] == "《" and any(_DOCUMENT_HEADS.search(h) for h in head):
        return 2
    return 1 if any(n in head for n in names) else 0


def inline_units(sentence: str, anchors=(), head=()) -> tuple[str, list[tuple[int, int]]]:
    """The form and items a sentence enumerates (offsets in the sentence), or ("", []) when it
    enumerates nothing. Candidates: 《titles》, parallel “quotes”, clauses between ；, clauses after 如/包括/a colon, runs
    of X、Y、Z (of two only when of the kind asked about), the clauses of a plan sentence. The one of
    the kind asked about wins (head), then the one among most of the question's words, then the longest."""
    candidates = []
    titles = [(m.start(), m.end()) for m in TITLE.finditer(sentence)]
    if len({sentence[a:b] for a, b in titles}) >= 2:  # 《甲》…改编成电影《甲》 names one work twice
        candidates.append(("titles", titles))
    quoted = [(m.start() + 1, m.end() - 1) for m in re.finditer(r"“[^“”]{2,20}”", sentence)]
    parallel = [q for q in quoted if _parallel([sentence[a:b] for a, b in quoted], sentence[q[0]:q[1]])]
    if len(parallel) >= 2 and len(parallel) >= len(quoted) - 1:
        candidates.append(("quotes", parallel))
    clauses = _split(sentence, "；;")
    if len(clauses) >= 3:
        candidates.append(("clauses", clauses))
    m = _INTRODUCER.search(sentence)
    if m:  # 存在不足，如A，B，C: the clauses after 如, 包括, a colon are its items
        after = [(m.end() + a, m.end() + b) for a, b in _split(sentence[m.end():], "，,")]
        if len(after) >= 3:
            candidates.append(("clauses", after))
    for m in re.finditer(r"[^，,。；;：:！？]+", sentence):
        parts = _split(sentence[m.start():m.end()], "、")
        units = [(m.start() + s, m.start() + e) for s, e in parts]
        if len(units) >= 2:
            listed = len(units)  # X、Y和Z lists three; X和Y、Z… is not counted on 和 alone
            units = _tidy_run(sentence, units)
            if listed >= 3 or kind_asked(sentence, units, head):
                candidates.append(("run", units))
    clauses = _split(sentence, "，,")
    if len(clauses) >= 3 and FUTURE.search(sentence):
        start = next((k for k, (a, b) in enumerate(clauses) if FUTURE.search(sentence[a:b])), 0)
        plan = clauses[start:]
        while plan and _PLAN_TIME.fullmatch(sentence, plan[0][0], plan[0][1]):
            plan = plan[1:]  # 下一步，…: the time, not a step
        while len(plan) > 2 and _PURPOSE.match(sentence, plan[-1][0]):
            plan = plan[:-1]  # …，更好体现、巩固试点成果: what the plan is for, not a step of it
        if len(plan) >= 2:
            lead = _PLAN_LEAD.match(sentence, plan[0][0], plan[0][1])
            if lead and plan[0][1] - lead.end() >= 4:
                plan[0] = (lead.end(), plan[0][1])  # 下一步将加强…… → 加强……
            candidates.append(("clauses", plan))  # 下一步将加强……，持续深化……，研究出台……
    candidates = [c for c in candidates if all(_balanced(sentence[a:b]) for a, b in c[1])]
    if not candidates:
        return "", []
    return max(candidates, key=lambda c: (kind_asked(sentence, c[1], head), sum(w for a, w in anchors if c[1][0][0] - 25 <= a <= c[1][-1][1] + 25), len(c[1])))


_PAIRS = ("（）", "()", "《》", "“”", "[]")


def _balanced(item: str) -> bool:
    """Whether an item closes every bracket, title mark and quotation it opens (and opens every one
    it closes): one that does not was cut through a parenthesis ("（尤其是 800 米", "MBH99）为基础"),
    so the split it came from is not the sentence's enumeration."""
    return all(item.count(o) == item.count(c) for o, c in _PAIRS)


_PURPOSE = re.compile(r"更好|以便|从而|进而|确保|力争|切实")
_PLAN_TIME = re.compile(r"下一步|下阶段|下一阶段|今后|未来|下一步工作中|今后一个时期")
_PLAN_LEAD = re.compile(r"(?:下一步|下阶段|下一阶段|今后|未来)?[，,]?(?:我们|我委|市科委)?(?:将|要|拟)(?:继续)?")
_COUNT_AFTER = re.compile(r"(?:[两二三四五六七八九十]|\d+)\s*(?:大|个|项|类|种|家|所|方面)")
_AND = re.compile(r"和|及|以及|与")


def _tidy_run(sentence: str, units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A run's items as a reader lists them: the last ends before 等 or a count of them (生物医药三大领域
    → 生物医药) and splits at 和 (船舶动力和超导 → 船舶动力, 超导); the first starts after its clause's
    lead-in (本市已在集成电路 → 集成电路), the last ends before what the clause says of them all."""
    units = list(units)
    first = sentence[units[0][0]:units[0][1]]
    if "“" in first and "”" not in first[first.rindex("“"):]:
        # 建立“一窗口统办、一平台登记、……、一体化服务”的综合服务平台: the run is the quotation
        closing = next((k for k, (a, b) in enumerate(units) if "”" in sentence[a:b]), None)
        if closing is not None:
            a, _ = units[closing]
            units = [(units[0][0] + first.rindex("“") + 1, units[0][1])] + units[1:closing] + [(a, sentence.index("”", a))]
            return units
    ended = next((k for k, (a, b) in enumerate(units) if sentence.find("等", a, b) > a and _QUANTITY.match(sentence, sentence.find("等", a, b) + 1)), None)
    if ended is not None:  # X、Y、Z等一批关键材料、零部件: the run ends at 等 一批; what follows names its kind
        units = units[:ended + 1]
    last_s, last_e = units[-1]
    cut = sentence.find("等", last_s, last_e)
    if cut > last_s:
        last_e = cut
    count = _COUNT_AFTER.search(sentence, last_s + 2, last_e)
    if count:
        last_e = count.start()
    while last_e > last_s and sentence[last_e - 1].isspace():
        last_e -= 1
    units[-1] = (last_s, last_e)
    joined = [m for m in _AND.finditer(sentence, last_s, last_e) if m.start() - last_s >= 2 and last_e - m.end() >= 2]
    if len(joined) == 1:
        units[-1:] = [(last_s, joined[0].start()), (joined[0].end(), last_e)]
    for k in range(len(units) - 2, 0, -1):  # 非洲以及中国大陆的广西 within the run: two items
        a, b = units[k]
        both = [m for m in re.finditer("以及", sentence[a:b]) if m.start() >= 2 and b - a - m.end() >= 2]
        if len(both) == 1:
            units[k:k + 1] = [(a, a + both[0].start()), (a + both[0].end(), b)]
    units[0] = _after_lead_in(sentence, units[0], units[1:])
    units[-1] = _before_tail(sentence, units[-1], units[:-1])
    return units


def _typical_length(units: list[tuple[int, int]]) -> int:
    """The middle length of a run's other items: what an item beside them is measured against."""
    lengths = sorted(b - a for a, b in units)
    return lengths[len(lengths) // 2]


def _before_tail(sentence: str, unit: tuple[int, int], others: list[tuple[int, int]]) -> tuple[int, int]:
    """The last item of a run without what its clause says of the whole run (市国资委联合印发《…》 →
    市国资委): cut before the first verb or adverb, when the item runs on far past the items beside it."""
    s, e = unit
    if not others:
        return unit
    typical = _typical_length(others)
    if e - s <= 2 * typical + 2:
        return unit
    at, words = s, pieces(sentence[s:e])
    for w, following in zip(words, words[1:] + [""]):
        if at - s >= 2 and tag(w)[:1] in ("v", "d", "p") and following[-1:] not in _BODY_END:  # 创新中心 is a name
            return s, at
        at += len(w)
    return unit


def _after_lead_in(sentence: str, unit: tuple[int, int], others: list[tuple[int, int]]) -> tuple[int, int]:
    """The first item of a run without the words before it in its clause: cut after a verb or
    function word, where what is left is about as long as the items beside it (攻克了一批介质刻蚀机 →
    介质刻蚀机, not 机; 提出了全面加强……攻关 → 全面加强……攻关) and does not open with a preposition or
    particle (在集成电路). 与 and 和 end a lead-in only between names of one kind (临港实验室与良渚实验室),
    not inside a name (中科院上海微系统与信息技术研究所)."""
    s, e = unit
    opener = _INTRODUCING.match(sentence, s, e)
    if opener and e - opener.end() >= 2:
        s = opener.end()  # 包括上海光源 → 上海光源
        unit = (s, e)
    if not others:
        return unit
    typical = _typical_length(others)
    shortest = max(2, typical // 2 + 1)
    words = pieces(sentence[s:e])
    cuts, at = [], s
    for w, following in zip(words, words[1:]):
        at += len(w)
        prep = w[-1] in "于在"  # 分布于, 位于, 设在: a verb with its preposition ends a lead-in
        if (w not in function_words() and not prep) or following in _CLOSED or _QUANTITY.match(following) or following.isspace() and at + 1 < e and sentence[at + 1] in _CLOSED:
            continue
        if e - at < (2 if prep else shortest) or (w in _COORDINATORS and at - len(w) > s and sentence[at - len(w) - 1] != sentence[e - 1]):
            continue
        cuts.append(at)
    if not cuts:
        return unit
    best = min(cuts, key=lambda c: (abs((e - c) - typical), c))
    while best < e and sentence[best].isspace():
        best += 1
    if sentence[best] in "于在" and e - best > 2 and best > s:
        best += 1  # 分布于南日本: the preposition split from its verb does not open the item
    return best, e


_BODY_END = NOUN_SUFFIX | {"心"}  # the last characters of names of bodies and places (创新中心)
_INTRODUCING = re.compile(r"(?:包括|包含|涵盖|例如|比如|诸如|如(?![期何今实果同此]))(?:了)?\s*")  # the word that opens a list, not its first item
_QUANTITY = re.compile(r"(?:[一二三四五六七八九十两几多若各数]|\d+)[批些个项家类种位所条]|一系列|若干")  # nor with 一批
# prepositions and particles: no item opens with one
_CLOSED = {"在", "与", "和", "及", "对", "为", "向", "从", "于", "把", "被", "将", "了", "的", "等", "以", "由", "同", "跟", "给", "之", "着", "过", "并"}
_COORDINATORS = {"与", "和", "及", "以及", "同", "跟"}


_INTRODUCER = re.compile(r"(?:[，,]\s*(?:如|例如|比如|包括|主要有|分别是|即))|[：:]")


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


