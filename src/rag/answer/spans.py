"""Key spans: the part of a sentence that is the answer to a typed question — a number with its
unit and measure word, a date, a rank, a phone number, a person, a body, a place, a quoted name."""

from __future__ import annotations

import re

from rag.answer.patterns import (
    BODY_AFTER,
    COUNT,
    GROWTH_ASKED,
    GROWTH_SAID,
    LATIN_NAME,
    NUM,
    ORDINAL_BEFORE,
    SPAN_NUM,
    SPAN_PATTERNS,
    TITLE_AFTER,
    ZH_NUMERAL,
)
from rag.config import Config
from rag.parse import CONTACT_NAME
from rag.quantities import zh_number
from rag.text import is_cjk, pieces, word_bounds

# On CMRC 2018 trial a lower share scores higher on the strict figure only because marks grow longer
# (0.314 at 0.6, 0.334 when every mark runs on): the mark stays one clause unless it mostly restates.
RESTATE_SHARE = Config.restate_share
# Names of bodies and places end in a telling word; they start after a function character.
NAME_ENDINGS = {
    "org": re.compile(r"大学|学院|研究院|研究所|实验室|创新中心|中心|公司|集团|委员会|办公厅|政府|联盟|交易所|医院|科委|科创办|军队|队|党|协会|银行"),
    "place": re.compile(r"新城|新区|区|县|镇|走廊"),
}
# Kinds of body whose proper names end in the kind (复旦大学, 瑞金医院, 张江实验室): asked for by kind,
# a name with another ending is another kind of body
_KINDS = (("大学", "学院"), ("医院",), ("银行",), ("实验室",), ("研究院", "研究所"))  # a 学院 may be a university
_NAMED_BY_KIND_GROUPS = {kind: group for group in _KINDS for kind in group}
_NAMED_BY_KIND = re.compile("|".join(_NAMED_BY_KIND_GROUPS))
# A place asked for by its division (哪个区, which district) is named with it (浦东新区)
_DIVISION_ASKED = re.compile(r"哪(?:个|一个)?([区县镇])(?!域)|\b(?:which|what) (district|county|township)\b", re.IGNORECASE)
_DIVISION_WORDS = {"district": "区", "county": "县", "township": "镇"}
# Verbs a name does not start with: 已落户东湖新城 → 东湖新城
_NAME_VERBS = frozenset("落户 位于 建设 设立 成立 创建 进入 入驻 注册 打造 建成 组建 支持 推动 依托 联合 发布 开展 成为 包括 聚焦 围绕 拥有 集聚 引进 布局 实施 启动 加快 推进 建立 形成 突破".split())
_VERB_ENDS = "在于为到至自向给"  # 设在, 位于, 成为, 来自: a word ending so is a verb with its preposition, not part of a name
_NAME_STOP = set("的了、与和及在为是对由以从向将把被等也并或同跟给于其之如即共已均还又再所各每该此这那有到至经自沪，,。；;：:（）()“”《》「」 \n")
_ALIAS_WORDS = "又名|又称|别称|别名|也叫|也称|俗称|俗名|简称|旧称|旧名|前称|原名|本名|又叫|亦称|亦名|通称|一名|或称"
_ALIAS = r"[^，,。；;（()）“”「」、\s或和及]{1,16}"
SPAN_PATTERNS["name"] = [r"(?<=“)[^“”]{1,24}(?=”)", r"(?<=《)[^《》]{1,40}(?=》)"]
# another name, after the word that gives it (又名凉茶店, 也称为龙胆草, 别称有 燃烧室), when one is asked for
SPAN_PATTERNS["alias"] = [rf"(?<={_ALIAS_WORDS}|称为|称作|叫做|名为|称有|名有|称是|名是)\s*(?![为作是有]){_ALIAS}(?:(?:、|或|及|和){_ALIAS})*"]
ALIAS_ASKED = re.compile(rf"{_ALIAS_WORDS}|称之?为什么|称作什么|叫做什么|(?:又|也|亦)(?:被|可以)?(?:称|叫|名)")
_SPAN_RES = {k: [re.compile(p) for p in v] for k, v in SPAN_PATTERNS.items()}
_UNIT_OF_SPAN = [
    ("percent", re.compile(r"[%％‰]|\d+\s*/\s*\d+|[一二三四五六七八九]成")),
    ("money", re.compile(r"元|英镑")),
    ("serial", re.compile(r"第\s*\d+\s*号|^[A-Z]{1,3}-?\d")),
    ("count", re.compile(rf"[{COUNT}]")),
]
# Measure words that count the same kind of thing; 个 goes with any of them.
_COUNTER_FAMILIES = ["家所", "项批条件", "位名人", "种类", "座台套"]

def _span_unit(span_text: str) -> str | None:
    for name, pattern in _UNIT_OF_SPAN:
        if pattern.search(span_text):
            return name
    return None


def _same_counter(asked: str, span_text: str) -> bool:
    found = re.findall(rf"[{COUNT}]", span_text)
    if not found or asked == "个" or found[-1] in (asked, "个"):
        return True
    return any(asked in fam and found[-1] in fam for fam in _COUNTER_FAMILIES)


def _names_in(text: str, names: frozenset[str], longest: int = 10) -> list[tuple[int, int]]:
    """Spans of text that are known names, the longest at each position."""
    spans, i = [], 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 1, -1):
            if text[i:i + n] in names:
                spans.append((i, i + n))
                i += n - 1
                break
        i += 1
    return spans


LOCAL_BEFORE = 100  # added to the distance of a span that stands before the question's words
_TRANSLITERATED = re.compile(r"[\u4e00-\u9fff]{1,8}(?:[·•・][\u4e00-\u9fff]{1,8})+")  # 卡万·肖特
_INTRODUCED = re.compile(r"[^·•・]*[为是由和与及的、任长](?=[^·•・])|")


_YEAR_NEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(?:的|底|末|初)?\s*$")


def _other_year_before(text: str, start: int, years: tuple[str, ...]) -> bool:
    m = _YEAR_NEAR.search(text[max(0, start - 8):start])
    return bool(m) and m.group(1) not in years


def _title_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    left, right = text.rfind("《", 0, start), text.find("》", end)
    if left >= 0 and right >= 0 and "》" not in text[left:start] and "《" not in text[end:right]:
        return left + 1, right
    return None


_DOCUMENT_NOUN = re.compile(r"文件|政策|方案|规划|办法|意见|条例|规定|措施|计划|通知|指引|纲要|报告|指南|标准|法规|规章")
TITLE = re.compile(r"《[^《》]{2,60}》")  # a book, law or document title with its marks


_FROM = re.compile(r"从[^，,。；;从]{0,12}$")
_WENT_TO = re.compile(r"\s*(?:升至|增至|增加到|增长到|增长至|提高到|提高至|提升至|提升到|上升到|上升至|跃升至|跃升到|降至|降到|下降到|下降至|降低到|降低至|减少到|减少至)")


def _left_figure(text: str, start: int, end: int) -> bool:
    """Whether the span is where a change started: 从……第 5 位 in "从 2020 年的第 5 位升至第 3 位"."""
    return bool(_FROM.search(text[max(0, start - 12):start]) and _WENT_TO.match(text, end))


def _word_ends_at(text: str, end: int, reach: int = 8) -> bool:
    """Whether a word of the text ends at `end` (segmenting the words around it)."""
    if end >= len(text) or not is_cjk(text[end - 1]) or not is_cjk(text[end]):
        return True
    start = max(0, end - reach)
    return end - start in word_bounds(text[start:end + reach])


def head_spans(text: str, head: tuple[str, ...], longest: int = 16) -> list[tuple[int, int, int]]:
    """Names ending in the noun the question asks about (哪个新城 → 南汇新城; 什么示范工程 → 千米级高温
    超导电缆应用示范工程): from the noun back to the name's start (_name_start). (rank, start, end);
    rank 0 for the question's own noun, higher for its shorter forms."""
    found = []
    if any(_DOCUMENT_NOUN.search(h) for h in head):  # 什么政策文件: a 《title》 names one, whatever its last word
        found += [(0, m.start() + 1, m.end() - 1) for m in TITLE.finditer(text)]
    for rank, h in enumerate(head):
        for m in re.finditer(re.escape(h), text):
            if not _word_ends_at(text, m.end()):
                continue  # 机制 in 大飞机制造 is no 机制
            title = _title_around(text, m.start(), m.end())
            if title:  # 《上海市促进大型科学仪器设施共享规定》: the title whole
                found.append((min(rank, 1), *title))
                continue
            s = _name_start(text, m.start(), m.end(), longest)
            if s < m.start() or len(h) >= 4:  # a noun of four or more characters is a name itself (探索者计划)
                found.append((min(rank, 1), s, m.end()))
    return found


def key_span(qtype: str | None, text: str, anchors: list[tuple[int, float]], entities: dict, unit: str | None = None, counter: str | None = None, person_role: bool = False, question: str = "", accept=None, head: tuple[str, ...] = (), given: frozenset[str] = frozenset(), years: tuple[str, ...] = ()) -> tuple[int, int, int] | None:
    """(start, end, kind rank) of the span of the asked-for type in the part of the sentence that
    holds the question; rank 0 is the most specific kind (a number with its unit, a person for
    "who", a name ending in the noun asked about), higher ranks weaker ones (a bare number, a body
    for "who"). A name that only repeats the question (张江实验室 in "张江实验室和哪些机构合作？") is
    not its answer. accept(start, end) may reject spans (a number among words that do not cover the
    question) before the choice."""
    found: list[tuple[int, int, int]] = []  # (rank, start, end)
    named = head_spans(text, head) if qtype in (None, "org", "place", "name") else []
    if named:
        # for which body / place, a known name comes first: the noun asked about is often the category
        # beside it (以市级事业单位上海长三角技术创新研究院为主体)
        found += [(max(r, 1), a, b) for r, a, b in named] if qtype in ("org", "place") else named
    if qtype in ("person", "org", "place"):
        kind = "org" if qtype == "person" else qtype
        names = _names_in(text, entities.get(kind, frozenset())) + _ending_names(text, NAME_ENDINGS[kind]) + ([m.span() for m in LATIN_NAME.finditer(text)] if qtype == "org" else [])
        endings = tuple(e for h in head if _NAMED_BY_KIND.fullmatch(h) for e in _NAMED_BY_KIND_GROUPS[h]) if qtype == "org" else ()
        if endings:  # "which university": a university's name ends in 大学, and 蛋白质中心 is none
            names = [(s, e) for s, e in names if text[s:e].endswith(endings)]
            found = [f for f in found if text[f[1]:f[2]].endswith(endings)]
        if qtype == "person":
            people = [(m.start(1), m.end(1)) for m in CONTACT_NAME.finditer(text)]
            people += [(m.start(1), m.end(1)) for m in re.finditer(r"([\u4e00-\u9fff、]{2,12})(?:委员|代表)(?=[：:，,])", text)]
            # 理事长为玛丽·李: the name starts after the words that introduce it
            people += [(m.start() + len(_INTRODUCED.match(m.group()).group()), m.end()) for m in _TRANSLITERATED.finditer(text)]
            people += _names_in(text, entities.get("person", frozenset()))
            found += [(0, s, m.end() if (m := TITLE_AFTER.match(text, e)) else e) for s, e in people]  # 王明院士
            if not person_role:  # 谁 may be a body (市科委); "who heads it" may not
                found += [(1, s, e) for s, e in names]
        else:
            if qtype == "place":  # 良渚 in 良渚实验室 names the body, not where something is
                names = [(s, e) for s, e in names if not BODY_AFTER.match(text, e)]
            found += [(0, s, e) for s, e in names]
    patterns = _SPAN_RES.get(qtype or "", []) + (_SPAN_RES["alias"] if qtype == "name" and ALIAS_ASKED.search(question) else [])
    for rank, pattern in enumerate(patterns):
        for m in pattern.finditer(text):
            if m.end() <= m.start():
                continue
            # "15 项", "1.6 万项": read the measure word that follows a bare number
            follow = re.match(rf"\s*(?:余|多)?\s*(?:万|亿|千|百)?\s*(?:余|多)?\s*([{COUNT}元%％‰])", text[m.end():])
            with_unit = m.group(0) + (follow.group(1) if follow else "")
            if qtype == "number" and ORDINAL_BEFORE.search(text, 0, m.start()):
                continue  # "第 3 位" is a place in a ranking, not a count of three
            if qtype == "number" and unit and _span_unit(with_unit) not in (unit, None):
                continue  # "多少亿元" is not answered by "4.2%"
            if qtype == "number" and counter and not _same_counter(counter, with_unit):
                continue  # "多少家企业" is not answered by "1.6 万项"
            if qtype == "number" and unit in ("money", "percent") and _span_unit(with_unit) is None:
                continue  # an amount of money or a share comes with its unit
            if qtype == "number" and unit and _span_unit(with_unit) is None:
                rank = max(rank, 3)  # a bare number where a unit was asked for: a weak answer
            if qtype == "number" and unit == "serial" and _span_unit(with_unit) == "serial":
                rank = 0  # 编号是多少: S203 or 第12号, not a length beside it
            found.append((rank, m.start(), m.end()))
    if qtype == "number" and question:
        found = _asked_measure(text, question, found)
    if question:  # 五个 in "五个新城有多少家……" is not the count asked for
        asked = re.sub(r"\s+", "", question)
        found = [f for f in found if not _repeats(re.sub(r"\s+", "", text[f[1]:f[2]]), asked)]
    if years:  # "从 2020 年的第 5 位升至第 3 位": a figure right after another year is that year's
        found = [f for f in found if not _other_year_before(text, f[1], years)]
    if not years and qtype in ("number", "rank"):  # "从 2020 年的第 5 位升至第 3 位": without a year asked, the figure it went to
        found = [f for f in found if not _left_figure(text, f[1], f[2])] or found
    if given:  # what the question itself names is not its answer
        found = [f for f in found if re.sub(r"\s+", "", text[f[1]:f[2]]) not in given]
    alias = re.search(_ALIAS_WORDS, question) if qtype == "name" else None
    if alias:  # 原名是什么: the name after 原名, not after 也称 in the same sentence
        found = [f for f in found if re.search(rf"{alias.group()}(?:为|是)?[“「]?\s*$", text[max(0, f[1] - 5):f[1]])] or found
    division = asked_division(question) if qtype == "place" else None
    if division:
        found = [f for f in found if _names_division(text, f[1], f[2], division)]
    if qtype == "number" and GROWTH_ASKED.search(question):  # 增长了多少: the figure after 增长, not the level
        found = [f for f in found if GROWTH_SAID.search(text[max(0, f[1] - 6):f[1]])] or found
    # a name inside a longer one of about the same kind gives way to it: 青浦 to 青浦新城
    found = [f for f in found if not any(g[1] <= f[1] and f[2] <= g[2] and g[2] - g[1] > f[2] - f[1] and g[0] <= f[0] + 1 for g in found)]
    if accept is not None:
        found = [f for f in found if accept(f[1], f[2])]
    if qtype == "number":  # 墓道有多长: the figure beside 长, not beside 宽
        head = head + tuple(_DIMENSION_ASKED.findall(question))
    return _nearest(found, anchors, text, head if qtype in ("number", "date", "rank", "duration") else ())


_MEASURE_ASKED = re.compile(r"(?:多少|(?<!哪)几)([\u4e00-\u9fff])")
_ORDINAL_ASKED = re.compile(r"第\s*(?:多少|几)")
_DIMENSION_ASKED = re.compile(r"多([长高宽深重远厚])")


def _asked_measure(text: str, question: str, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Figures counted with the measure word the question asks with (多少路 → 十五路, 几个 → 一个);
    for 第几 / 第多少 only the ordinal (第22代); for 多长 / 多久 a span of time as a weaker answer."""
    m = _MEASURE_ASKED.search(question)
    measure = re.escape(m.group(1)) if m and m.group(1) not in "的是呢吗十百千" else ""
    if _ORDINAL_ASKED.search(question):
        ordinals = [(0, x.start(), x.end()) for x in re.finditer(rf"第\s*{SPAN_NUM}\s*{measure}", text)]
        return ordinals or found
    if measure:
        # a figure, not a bare 万 (8.5万人: 8.5万); 一 counts only after 只/仅/共 (只有一个), else it is "a"
        figure = rf"(?:(?<![\d.]){NUM}\s*(?:万|亿)?|(?<![{ZH_NUMERAL}])[一两二三四五六七八九十][{ZH_NUMERAL}]*)"
        found = found + [(2, x.start(), x.end()) for x in re.finditer(rf"{figure}\s*(?:余|多)?\s*{measure}", text)
                         if not ORDINAL_BEFORE.search(text, 0, x.start())
                         and (text[x.start()] != "一" or re.search("[只仅共计唯]", text[max(0, x.start() - 3):x.start()]))]
    if re.search(r"多长|多久", question):
        found = found + [(4, x.start(), x.end()) for p in _SPAN_RES["duration"] for x in p.finditer(text)
                         if not re.fullmatch(r"\d{4}\s*年|.*[月日]", x.group()) and not re.match(r"\s*\d", text[x.end():])]
    return found


def _repeats(span: str, asked: str) -> bool:
    """Whether the question holds the span itself — a figure only as a whole figure (20 is not in 2022)."""
    if not span:
        return False
    if not span[0].isdigit() and not span[-1].isdigit():
        return span in asked
    return re.search(rf"(?<![\d.]){re.escape(span)}(?![\d.])", asked) is not None


def _ending_names(text: str, endings: re.Pattern, longest: int = 14) -> list[tuple[int, int]]:
    """Spans like 合肥实验室 in "成为合肥实验室": from a telling ending back to the name's start
    (_name_start), at most `longest` characters."""
    spans = []
    for m in endings.finditer(text):
        s = _name_start(text, m.start(), m.end(), longest)
        if s < m.start():
            spans.append((s, m.end()))
    return spans


def _name_start(text: str, start: int, end: int, longest: int) -> int:
    """Where a name whose last part is text[start:end] begins: leftwards word by word to the nearest
    function word (的、与为在…) or verb, at most `longest` characters in all. Word by word, so that a
    function character inside a word (同济大学, 自贸试验区, 有机化学研究所) does not cut the name."""
    s = start
    for word in reversed(pieces(text[max(0, start - longest):start])):
        if not all("\u4e00" <= ch <= "\u9fff" for ch in word) or (len(word) == 1 and word in _NAME_STOP) \
                or word in _NAME_VERBS or word[-2:] in _NAME_VERBS or word[-1] in _VERB_ENDS or end - (s - len(word)) > longest:
            break
        s -= len(word)
    return s


def _nearest(found: list[tuple[int, int, int]], anchors: list[tuple[int, float]], text: str, head=()) -> tuple[int, int, int] | None:
    """The span beside the noun the question counts (head), in the clause that holds most of the
    question (anchors: (position, weight) of its matched words), then of the most specific kind,
    then nearest those words. "其中基础研究占
    研发投入的比重约 10%": 10%, not the 4.2% before it. Returns (start, end, kind rank)."""
    if not found:
        return None
    weighted = anchors
    bounds = [0] + [m.end() for m in re.finditer(r"[，,；;。：:]", text)] + [len(text) + 1]

    def clause(span) -> tuple[int, int, int]:
        """(index, start, end) of the clause that holds the span."""
        k = max(i for i, b in enumerate(bounds) if b <= span[0])
        return k, bounds[k], bounds[k + 1]

    def clause_weight(span):
        k, lo, hi = clause(span)
        if k == 0 and len(re.sub(r"[\s，,：:]", "", text[lo:span[0]] + text[span[1]:hi])) <= 2:
            return sum(w for _, w in weighted)  # "2021 年 11 月，……联合印发……": an opening time phrase speaks for the sentence
        return sum(w for a, w in weighted if lo <= a < hi)

    def distance(span):
        """Characters to the nearest of the question's words; a figure follows what it measures
        (市级企业技术中心超过300家，占全市比重超过1/3), so a span before the words counts as farther."""
        if not weighted:
            return span[0]
        return min(span[0] - a if a <= span[0] else (a - span[1]) + LOCAL_BEFORE for a, _ in weighted)

    def beside_head(span) -> int:
        """How specific the noun beside the number is (0 = the question's own; len(head) = none): a
        number beside the noun it counts answers — 落户转化人才 3000 余人 answers 多少转化人才."""
        _, lo, hi = clause(span)
        near = text[max(lo, span[0] - 12):min(hi, span[1] + 12)]
        if text[span[1] - 1:span[1]] in COUNT and re.match(r"\s*(?:[，,；;。]|$)", text[span[1]:]):
            near += text[:lo]  # 发榜243个项目，……已成功揭榜签约28个。: a count closing its clause counts the noun said before
        return next((i for i, h in enumerate(head) if h in near), len(head))

    def part(span) -> bool:
        """In a clause that opens with 其中 (of which): a part of the figure before it, which answers
        unless the question's words favour the part's own clause (其中企业榜单项目229个)."""
        _, lo, _ = clause(span)
        return text[lo:span[0]].lstrip().startswith("其中")

    pref, s, e = min(found, key=lambda f: (beside_head(f[1:]), -clause_weight(f[1:]), part(f[1:]), f[0], distance(f[1:]), f[1]))
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e, pref)


def best_clause(text: str, anchors: list[tuple[int, float]], asked: str = "", restates: float = RESTATE_SHARE) -> tuple[int, int] | None:
    """Without a typed span, mark the clause that holds most of the question's terms. When that clause
    mostly restates the question (asked: the question's text), what it says of it follows: the mark
    runs on to the end of the next clause ("……被称作“甲”，别称为“乙”" for "甲的别称是什么")."""
    clauses = list(re.finditer(r"[^，,；;。！？]+", text))
    best, best_n = None, 0
    for i, m in enumerate(clauses):
        n = sum(w for a, w in anchors if m.start() <= a < m.end())
        if n > best_n:
            best, best_n = i, n
    if best is None:
        return None
    start, end = clauses[best].span()
    if asked and best + 1 < len(clauses) and _restated_share(text[start:end], asked) >= restates:
        end = clauses[best + 1].end()
    return start, end


def _restated_share(clause: str, asked: str) -> float:
    """Share of the clause's characters that the question holds."""
    chars = [c for c in clause if c.isalnum()]
    return sum(c in asked for c in chars) / len(chars) if chars else 0.0


# An ordinal of a batch, session, round or phase: what the 首批 did does not answer for the 第二批
_ORDINAL = re.compile(r"(首|第\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3}))\s*(批|届|次|期|轮|阶段)")


def _ordinals(text: str) -> set[tuple[int, str]]:
    """(number, kind) of each ordinal: 首批 and 第1批 are (1, 批), 第十二届 is (12, 届)."""
    out = set()
    for number, kind in _ORDINAL.findall(text):
        number = re.sub(r"[第\s]", "", number)
        value = 1 if number == "首" else int(number) if number.isdigit() else int(zh_number(number) or 0)
        out.add((value, kind))
    return out


def asked_division(question: str) -> str | None:
    """区, 县 or 镇 when the question asks which one."""
    m = _DIVISION_ASKED.search(question)
    return (m.group(1) or _DIVISION_WORDS[m.group(2).lower()]) if m else None


def _names_division(text: str, start: int, end: int, division: str) -> bool:
    """Whether a place span can answer "哪个区": a name of one (徐汇区, 浦东新区), not a word ending in
    it (市区); a bare name (嘉定, 杭州) may be a city as well as a district, so it does not count."""
    name = re.sub(r"\s+", "", text[start:end])
    if text[end:end + 1] == "域":
        return False  # 长三角区域
    return name.endswith(division) and len(name) >= 3 and not re.search(r"(?:地|市|城|郊|社|园|景|片)区$", name)  # 长三角地区 is a region


def ordinal_conflict(question: str, text: str) -> bool:
    """The question names an ordinal (第二批) and the sentence only others of that kind (首批)."""
    asked = _ordinals(question)
    said = _ordinals(text)
    return bool(asked) and not (asked & said) and any(kind == k for _, kind in asked for _, k in said)
