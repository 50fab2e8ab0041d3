"""What a claim asserts that can be checked against a reply — its figures, years, dates, 文号,
names of people, bodies and places, and negation — and what a passage of a reply states of the
same kinds. The verifier (verify.py) compares the two; the notes it shows are written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.answer.features import credit as concept_credit
from rag.dates import Date, dates, doc_numbers, fold, years
from rag.parse import DOCNO_RE
from rag.quantities import COUNTERS, EN_NUMBER_WORDS, ZH_NUMERAL, Quantity, quantities
from rag.text import normalize

_NEGATION_ZH = re.compile(r"尚未|并未|从未|未能|未曾|没有|并非|不是|不再|不会|无法|未(?=[经曾能有被予获建设启开实完纳列])")
_NEGATION_EN = re.compile(r"\b(?:not|no longer|never|none|neither|nor|has yet to|have yet to|failed to)\b|n't\b", re.I)
_SENTENCE = re.compile(r"[；;。！？!?]")
# Clause ends; not the comma of 1,600, nor a colon (联系电话：… keeps its label).
_CLAUSE = re.compile(r"[，；;。（）()！？!?]|(?<!\d),|,(?!\d)|\band\b|\bwhile\b|\bof which\b")
# Words that only hedge a figure ("超过", "nearly"): the figure's interval carries them.
_HEDGES = {"约", "大约", "近", "将近", "接近", "超过", "超", "逾", "突破", "余", "多", "以上", "左右", "达", "达到", "nearly", "almost", "about", "around", "approximately", "roughly", "over", "exceed", "exceeds", "exceeding"}
NEARNESS = 4.0  # characters: a claim word this far from a figure counts half as much as one beside it
_UNIT_WORDS = {"元", "万元", "亿元", "%", "‰", "百分点", "倍", "yuan", "rmb"}
_MONTH_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
# Names end in a telling word: 复旦大学, 张江实验室, 南汇新城.
ORG_ENDING = re.compile(r"(?:大学|学院|研究院|研究所|实验室|创新中心|公司|集团|委员会|联盟|交易所|医院|科委|办公厅|人民政府)$")
PLACE_ENDING = re.compile(r"(?:新城|新区|[区县镇省])$")
_NAME_START_STOP = set("的、与和及在为是对由以从向将把被等也并或同跟给于其之如即共已均还又再所各每该此这那有到至经自，,。；;：:（）()“”《》「」 \n0123456789")
_POS_KINDS = {"nr": "person", "nrfg": "person", "nrt": "person", "ns": "place", "nt": "org"}


def negated(text: str) -> str:
    """The word by which a sentence denies what it states (尚未, not), or ""."""
    m = _NEGATION_ZH.search(text) or _NEGATION_EN.search(text)
    return m.group(0) if m else ""


def clause_bounds(text: str, pos: int, wide: bool = False) -> tuple[int, int]:
    """[start, end) of the clause of text around position pos: between commas, semicolons …
    (wide: between semicolons and full stops only)."""
    bounds = [0] + [m.end() for m in (_SENTENCE if wide else _CLAUSE).finditer(text)] + [len(text) + 1]
    k = max(i for i, b in enumerate(bounds) if b <= pos)
    return bounds[k], min(bounds[k + 1], len(text))


def clause_at(text: str, pos: int) -> str:
    """The clause of text around position pos."""
    s, e = clause_bounds(text, pos)
    return text[s:e]


@dataclass(frozen=True)
class Name:
    """A person, body or place the claim names, and the forms it may take in a reply
    (上海: 本市, 我市; Qingpu: 青浦)."""

    text: str
    kind: str  # person, org, place, or "name" when the kind is not known
    forms: tuple[str, ...]
    pos: int = 0  # where the claim names it
    reliable: bool = True  # Chinese as written, or an English name by its sound; not a translated noun


@dataclass(frozen=True)
class Conflict:
    """A fact the reply states otherwise: what the claim says and what the reply says."""

    kind: str  # figure, year, date, docno, name, negation
    claimed: str
    reply: str
    span: tuple[int, int] | None = None  # of the reply's fact in the quote


@dataclass(frozen=True)
class Found:
    """What a passage's evidence states: its figures, years (and those of its context), dates."""

    text: str
    quantities: list[Quantity]
    years: list[tuple[int, int, int]]
    context_years: list[tuple[int, int, int]]
    dates: list[Date]
    negated: str

    def clause(self, pos: int) -> str:
        """The clause around pos; the sentence part when the clause is only its figure (2021年，…)."""
        clause = clause_at(self.text, pos)
        if len(re.sub(r"[\d\s年月日底初末.,，、%]", "", clause)) < 2:
            s, e = clause_bounds(self.text, pos, wide=True)
            clause = self.text[s:e]
        return normalize(clause)


def evidence_facts(text: str, context: str) -> Found:
    return Found(text, quantities(text), years(text), years(context), dates(text), negated(text))


@dataclass(frozen=True)
class ClaimFacts:
    """A claim's checkable facts, and its words (concepts) that place it in a reply."""

    text: str
    lang: str
    concepts: tuple  # TermGroups, without figures and hedges
    quantities: list[Quantity]
    years: list[tuple[int, int]]  # (year, position)
    dates: list[Date]
    doc_numbers: list[str]
    names: list[Name]
    negation: str = ""
    alternatives: frozenset[str] = field(default_factory=frozenset)  # every Chinese form of its words

    @property
    def negated(self) -> bool:
        return bool(self.negation)

    def credits(self, pos: int, found: Found, reply_pos: int, skip: str = "") -> list[tuple[str, float, float]]:
        """(word, weight, credit): how the words around position pos of the claim are found around
        position reply_pos of the evidence. The claim's words weigh by their nearness: in
        "平台服务企业超过600家" the figure belongs to 服务企业 more than to 平台. skip: a name
        compared, whose own words do not count."""
        folded = fold(self.text)
        weighted = []
        for wide in (False, True):  # "2021年，市科委启动…": a clause of its figure alone speaks for the sentence
            bounds = clause_bounds(folded, pos, wide)
            mine = folded[bounds[0]:bounds[1]]
            for g in self.concepts:
                at = _position(g.source, mine) if not (skip and (g.source in skip or skip in g.source)) else None
                if at is None:
                    continue
                at += bounds[0]
                size = len(g.source) if not g.source.isascii() else 4
                gap = max(0, pos - (at + size), at - pos - 1)
                weighted.append((g, g.weight if wide else g.weight / (1.0 + (gap / NEARNESS) ** 2)))
            if weighted:
                break
        theirs = found.clause(reply_pos)
        return [(g.source, w, credit(g, theirs)) for g, w in weighted]

    def worded(self, pos: int) -> bool:
        """Whether the claim's clause at pos has words of its own to place a figure by."""
        mine = clause_at(fold(self.text), pos)
        return any(_in_clause(g.source, mine) for g in self.concepts)

    def mentions(self, name: str) -> bool:
        """Whether the claim itself names this (so it is no substitute for one of its names):
        青浦新城 is named by "Qingpu New Town" (青浦), 南汇新城 is not named by 新城."""
        n = normalize(name)
        if n in normalize(self.text) or n in self.alternatives:
            return True
        for f in (f for nm in self.names for f in nm.forms):
            rest = n.replace(f, "", 1) if f in n else None
            if n in f or (rest is not None and (not rest or ORG_ENDING.fullmatch(rest) or PLACE_ENDING.fullmatch(rest))):
                return True
        return False

    def say(self, what: str, *args) -> str:
        """The note shown beside a verdict, in the claim's language."""
        zh = self.lang == "zh"
        if what == "nothing":
            return "这些答复中没有找到支持这句话的内容。" if zh else "No reply supports this sentence."
        if what == "missing":
            items = "、".join(f"“{m}”" for m in args[0])
            return f"答复中找到相关段落，但没有提到{items}。" if zh else f"The nearest reply does not state {', '.join(args[0])}."
        c, doc = args
        where = doc.doc_number or doc.doc_id
        if c.kind == "docno":
            return f"这一内容出自{c.reply}，而不是{c.claimed}" if zh else f"this is stated in {c.reply}, not in {c.claimed}"
        if c.kind == "asof":
            return f"答复所述是其印发时（{c.reply}）的情况，并未说是{c.claimed}年" if zh else f"the reply states this as of its date ({c.reply}), not for {c.claimed}"
        if c.kind == "negation":
            return f"答复并没有“{c.claimed}”的说法（{where}）" if zh else f"the reply does not say '{c.claimed}' ({where})"
        label = {"figure": ("数字", "figure"), "year": ("年份", "year"), "date": ("日期", "date"), "name": ("名称", "name")}[c.kind]
        return f"答复的{label[0]}是“{c.reply}”，不是“{c.claimed}”（{where}）" if zh else f"the reply's {label[1]} is {c.reply}, not {c.claimed} ({where})"


def credit(group, text: str) -> float:
    """How well text covers one of the claim's words (0..1): as the answer scorer counts it."""
    return concept_credit(group, text)[0]


def similarities(credits: list[list[tuple[str, float, float]]]) -> list[float]:
    """How well each candidate's surroundings match the claim's, counting only the claim's words
    that tell the candidates apart: a word found around every candidate decides nothing."""
    common = set.intersection(*({k for k, _, c in cs if c > 0} for cs in credits)) if len(credits) > 1 else set()
    out = []
    for cs in credits:
        total = sum(w for k, w, _ in cs if k not in common)
        out.append(sum(w * c for k, w, c in cs if k not in common) / total if total else 0.0)
    return out


def _in_clause(source: str, clause: str) -> bool:
    return _position(source, clause) is not None


def _position(source: str, clause: str) -> int | None:
    """Where a claim word occurs in a clause of the claim (an English word by its first letters:
    "recognized" in "recognised")."""
    if not source.isascii():
        at = normalize(clause).find(normalize(source))
        return at if at >= 0 else None
    found = [clause.find(w[:4]) for w in source.split() if len(w) >= 3]
    found = [f for f in found if f >= 0]
    return min(found) if found else None


def _is_figure(source: str) -> bool:
    s = source.strip().lower()
    if re.search(r"\d", s) or s in _HEDGES or s in _MONTH_WORDS or s in EN_NUMBER_WORDS:
        return True
    return s in _UNIT_WORDS or all(c in ZH_NUMERAL + COUNTERS + "第号" for c in s)


def claim_facts(text: str, info, entities: dict, pinyin=None, lexicon=None) -> ClaimFacts:
    """The facts of an analysed claim (info: QueryInfo). entities: the index's names by kind;
    pinyin: the cross-lingual dictionary's names by sound (Li Chenhao → 李琛浩); lexicon: the
    lexical index, whose vocabulary tells the replies' own words from new ones."""
    concepts: dict[str, object] = {}
    for g in info.concepts:  # a quoted phrase is also a word: count it once, at its heavier weight
        if not _is_figure(g.source) and (g.source not in concepts or concepts[g.source].weight < g.weight):
            concepts[g.source] = g
    concepts = tuple(concepts.values())
    alternatives = frozenset(normalize(t) for g in info.concepts for t, _ in g.alternatives)
    names = _names(text, info, entities, pinyin, lexicon)
    ds = dates(text)
    ys = [(y, s) for y, s, _ in years(text)]
    return ClaimFacts(
        text=text, lang=info.lang, concepts=concepts, quantities=quantities(text), years=ys, dates=ds,
        doc_numbers=[n for n, _, _ in doc_numbers(text)], names=names, negation=negated(text), alternatives=alternatives,
    )


def _forms(group) -> tuple[str, ...]:
    """A name's own forms and synonyms (上海: 本市), not its parts (南京大学 is not 大学)."""
    top = max(w for _, w in group.alternatives)
    return tuple(dict.fromkeys(normalize(t) for t, w in group.alternatives if w >= 0.8 * top))


def _kind(word: str, entities: dict, flag: str = "") -> str:
    """A name's kind: by its ending (大学, 新城), the segmenter's tag, or the index's lists."""
    if ORG_ENDING.search(word):
        return "org"
    if PLACE_ENDING.search(word):
        return "place"
    if flag in _POS_KINDS:
        return _POS_KINDS[flag]
    for kind in ("person", "org", "place"):
        if word in entities.get(kind, ()):
            return kind
    return "name"


def _names(text: str, info, entities: dict, pinyin=None, lexicon=None) -> list[Name]:
    """People, bodies and places the claim names: the analysis's entities (names in the index, and
    English names by pinyin), and in Chinese the segmenter's names (李华, 松江, 南京大学), joined
    with the word that ends them (临港 + 实验室, 奉贤 + 新城)."""
    out: dict[str, Name] = {}
    for g in info.concepts:
        if g.entity:
            english = g.source.isascii()
            forms = tuple(f for f in _forms(g) if len(f) >= 2 or not english)
            reliable = not english or (pinyin is not None and g.source.replace(" ", "") in pinyin)
            at = max(0, fold(text).find(g.source.split()[0]))
            out[g.source] = Name(g.source, _kind(g.alternatives[0][0], entities), forms, at, reliable)
    if info.lang == "zh" and re.search(r"[\u4e00-\u9fff]", text):
        from rag.text import pieces, tag  # the segmenter as the index loaded it (names of the replies known)

        masked = DOCNO_RE.sub(lambda m: " " * len(m.group(0)), text)
        words = pieces(masked)
        known = {g.source for g in info.concepts if g.entity}
        pos = 0
        for i, w in enumerate(words):
            at, pos = pos, pos + len(w)
            nxt = words[i + 1] if i + 1 < len(words) else ""
            ends = bool(ORG_ENDING.fullmatch(nxt) or PLACE_ENDING.fullmatch(nxt))
            flag = "known" if w in known else ""
            if not flag and 2 <= len(w) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and lexicon is not None and w not in lexicon:
                flag = tag(w)  # a word no reply uses: a name (李华, 南京大学)?
            if len(w) < 2 or not (flag in _POS_KINDS or (flag == "known" and (ends or w not in out))):
                continue
            group = next((g for g in info.concepts if g.source == w), None)
            forms = _forms(group) if group else (normalize(w),)
            word = w
            if ends:
                out.pop(w, None)
                word = w + nxt
                forms = (normalize(word),) + forms
            if word not in out:
                out[word] = Name(word, _kind(word, entities, flag), forms, at)
    return list(out.values())


def names_of_kind(text: str, kind: str, entities: dict) -> list[str]:
    """Names of this kind in a reply's sentence (any kind when kind is "name"), longest first."""
    kinds = ("person", "org", "place") if kind in ("name", "any") else (kind,)
    found = {n for k in kinds for n in entities.get(k, ()) if len(n) >= 2 and n in text}
    for k, ending in (("org", ORG_ENDING), ("place", PLACE_ENDING)):
        if k not in kinds:
            continue
        for m in re.finditer(ending.pattern.rstrip("$"), text):
            s = m.start()
            while s > 0 and m.end() - s < 14 and text[s - 1] not in _NAME_START_STOP and "\u4e00" <= text[s - 1] <= "\u9fff":
                s -= 1
            if m.end() - s >= 3:
                found.add(text[s:m.end()])
    # a name inside a longer one (嘉定 in 嘉定新城) is the same name
    return sorted((n for n in found if not any(n != o and n in o for o in found)), key=len, reverse=True)
