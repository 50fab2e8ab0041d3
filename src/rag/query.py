"""What a question asks: its language, its terms for the lexical channel, the kind of answer it
wants (a number, a date, a person …) and the constraints the evidence must meet (a year, a 文号)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from rag.errors import InputError
from rag.lexical import TermGroup, plain_query
from rag.parse import normalize_doc_number
from rag.text import CJK, detect_lang, normalize, words

MAX_QUERY_CHARS = 2000

# Question types, checked in order; the first that matches wins.
_TYPES = [
    ("phone", r"电话|联系方式|phone|telephone"),
    ("rank", r"排名|名次|排第|位列|第几位|\brank|\bplace[sd]? (?:in|on)\b"),
    ("date", r"哪一年|哪年|何年|何时|什么时候|哪一天|哪天|日期|几月|哪个月|什么时间|多会儿|\bwhen\b|what year|which year|what date|what day|what month|since when|\bdated\b|\bdate of\b"),
    ("name", r"叫什么|什么名字|名称是什么|名字是什么|称为什么|what is the name|what's the name|what is it called|what was it called|called what"),
    ("number", r"多少|(?<!哪)几[个家项所位次批种名条座类倍号]|第几号|编号|号码|数量|比重|比例|占比|百分之|金额|规模|总额|总量|多大|多高|how many|how much|what share|what percentage|what proportion|what fraction|number of|what percent|what amount|how large|how big|what number|\btotal\b|\bbudget\b|\bamount\b|预算"),
    ("person", r"谁|哪位|哪几位|姓名|名字|联系人|\bwho\b|\bwhom\b|\bwhose\b|contact person|name of|addressed to"),
    ("place", r"哪里|哪儿|在哪(?![次个些一位年天家所])|何地|哪个区|哪个新城|哪些新城|什么地方|地址|位于|\bwhere\b|which district|which new town|which city|address|located"),
    ("org", r"哪个单位|哪些单位|哪[一两二三四五六七八九十几]?家|哪个机构|哪些机构|什么机构|哪所|哪些高校|哪个部门|哪些部门|哪些企业|哪个实验室|哪些实验室|which organi[sz]ation|which institution|which compan|which universit|which lab|which department|which agenc|which enterprise"),
]
# "Who heads …": a person's name answers, a body does not
PERSON_ROLE = re.compile(r"负责人|主任|局长|院长|部长|书记|主席|董事长|总经理|联系人|\bdirector\b|\bhead\b|\bchief\b|chairman|president|minister|secretary|leader|contact person", re.I)

# The kind of quantity a number question asks for: a span of another kind does not answer it.
UNIT_CLASSES = {
    "count": "家项个所位名批种条座台套支篇件人",
    "money": "元",
    "percent": "%‰",
}
_UNIT_QUESTION = [
    ("percent", re.compile(r"比重|占比|比例|百分之|百分比|percent|percentage|share of|proportion", re.I)),
    ("money", re.compile(r"多少(?:亿|万)?元|金额|资金|经费总额|预算|how much money|funding|yuan|rmb|how much .*?(?:budget|allocat|fund|spen|invest|cost|pay|grant)|\bbudget\b|\bexpenditure\b", re.I)),
    ("serial", re.compile(r"第几号|编号|几号|号码|proposal number|suggestion number|number of the (?:proposal|suggestion)|number of (?:the )?(?:deputy|member)", re.I)),
    ("count", re.compile(r"多少[家项个所位名批种条座台套支篇件人]|(?<!哪)几[家项个所位名批种条座台套支篇件]|how many", re.I)),
]
# "哪几个", "哪两家", "哪些", and the unit asked for ("多少亿元"): the question's form, not content
_WHICH = re.compile(r"哪[一两二三四五六七八九十几]?[个家项所位名种类批条些份次年天]?|(?<=多少)(?:亿元|万元|亿|万|元|平方米|公里|吨)")
_COUNTER = re.compile(r"(?:多少|(?<!哪)几)([家项个所位名批种条座台套支篇件人])")
_TYPE_RES = [(name, re.compile(pattern, re.I)) for name, pattern in _TYPES]
_YEAR_RE = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_DOCNO_FRAGMENT = re.compile(r"[\u4e00-\u9fff]{1,8}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d+\s*号")


@dataclass(frozen=True)
class QueryInfo:
    text: str
    lang: str  # "zh" or "en"
    groups: tuple[TermGroup, ...]
    qtype: str | None  # number, date, person, place, org, phone or None
    years: tuple[str, ...]  # years the question names: evidence must be about them
    doc_numbers: tuple[str, ...]  # 文号 the question names
    translated: bool = False  # whether any term came from English → Chinese translation
    concepts: tuple[TermGroup, ...] = ()  # what a sentence must cover to answer: one group per word
    bigram_groups: tuple[TermGroup, ...] = ()  # for the bigram index: the question's Chinese text, whole
    unit: str | None = None  # count, money, percent or serial, for number questions
    counter: str | None = None  # the measure word asked for: 多少家 → 家
    qtypes: tuple[str, ...] = ()  # every type asked for, qtype first
    person_role: bool = False  # asks for a person in a role (负责人, director): a body's name will not do

    @property
    def weight(self) -> float:
        return sum(g.weight for g in self.concepts)


def validate_query(text: str, what: str = "query") -> str:
    """The query, stripped; InputError for empty, oversize or binary input."""
    if text is None or not str(text).strip():
        raise InputError(f"the {what} is empty; type a question, e.g. 上海累计成立了多少家外资研发中心？ or How many foreign R&D centres are there?")
    text = str(text).strip()
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"the {what} is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}. Ask a shorter question")
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        raise InputError(f"the {what} contains a control character ({bad.group(0)!r} at position {bad.start()}); remove it and try again")
    return re.sub(r"\s+", " ", text)


def question_types(text: str) -> tuple[str, ...]:
    """Every kind of answer the question asks for, the main one first
    ("Who should I contact, and on what phone number?" → phone, person)."""
    return tuple(name for name, pattern in _TYPE_RES if pattern.search(text))


def question_type(text: str) -> str | None:
    types = question_types(text)
    return types[0] if types else None


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    text = resources.files("rag").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, alts = line.split("\t")[:2]
            table[word.strip()] = alts.split()
    return table


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    text = resources.files("rag").joinpath("data/function_words.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


@lru_cache(maxsize=1)
def named_entities() -> frozenset[str]:
    text = resources.files("rag").joinpath("data/named_entities.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


SYNONYM_WEIGHT = 0.8
OOV_FUNCTION_WEIGHT = 0.25  # a question word no reply uses, of a function-like kind (为了, 打算): phrasing
QUOTED_WEIGHT = 2.0  # a phrase the asker put in quotes must be there, as written
SUBWORD_WEIGHT = 0.6
SINGLE_CHAR_WEIGHT = 0.3


def _with_synonyms(alternatives: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    table = synonyms()
    out = dict(alternatives)
    for token, weight in alternatives:
        for alt in table.get(token, ()):
            out.setdefault(alt, weight * SYNONYM_WEIGHT)
    return tuple(out.items())


def _is_entity(group: TermGroup, known: frozenset[str], translator, proper: set[str]) -> bool:
    if group.source.isascii():  # English: a capitalised name matched by pinyin or translated to a name
        if not set(group.source.split()) & proper:
            return False
        by_pinyin = translator is not None and group.source.replace(" ", "") in translator.pinyin
        return by_pinyin or group.alternatives[0][0] in known
    return group.source in known


def unit_class(text: str) -> str | None:
    for name, pattern in _UNIT_QUESTION:
        if pattern.search(text):
            return name
    return None


def analyze(text: str, translator=None, lexicon=None, names: frozenset[str] = frozenset()) -> QueryInfo:
    """Analyse a validated query. translator turns its Latin part into Chinese terms; lexicon
    (the lexical index: idf(term), `term in lexicon`) weights each group by how telling its best
    term is; names are the people, bodies and places found in the passages."""
    doc_numbers = tuple(dict.fromkeys(filter(None, (normalize_doc_number(m.group(0)) for m in _DOCNO_FRAGMENT.finditer(text)))))
    body = _DOCNO_FRAGMENT.sub(" ", text)  # a 文号 filters; its digits are not terms or years
    lang = detect_lang(body) if body.strip() else detect_lang(text)  # "When was 沪科建复〔2023〕15号 issued?" is English
    zh_part = re.sub(rf"[^{CJK}0-9.%]+", " ", body) if lang == "en" else body
    groups: list[TermGroup] = [TermGroup(_with_synonyms(list(g.alternatives)), g.weight, g.source) for g in plain_query(zh_part)]
    # Concepts: a word and its pieces count once. Words the index has never seen stay in: they
    # weigh against answering ("邮箱" in a corpus without e-mail addresses).
    concepts: list[TermGroup] = [
        TermGroup(_with_synonyms([(w, 1.0)] + [(s, SUBWORD_WEIGHT) for s in subs]), 1.0, w)
        for w, subs in words(_WHICH.sub(" ", zh_part))
        # an English word inside a Chinese question is the translator's, unless the passages use it (GDP)
        if not (translator is not None and w.isascii() and w.isalpha() and lexicon is not None and w not in lexicon)
    ]
    # “上海基地”: a quoted phrase is matched whole
    for quoted in re.findall(r"[“\"「『]([^”\"」』]{2,30})[”\"」』]", zh_part):
        q = normalize(quoted)
        concepts.append(TermGroup(((q, 1.0),), QUOTED_WEIGHT, q))
    translated = False
    if translator is not None and re.search(r"[A-Za-z]{2,}", body):
        latin = re.sub(rf"[{CJK}]+", " ", body)
        seen = {g.alternatives for g in groups}
        for g in translator.translate(latin):
            if g.alternatives not in seen:
                groups.append(g)
                if not g.backoff:
                    concepts.append(g)
                seen.add(g.alternatives)
                translated = translated or any(not t.isascii() for t, _ in g.alternatives)
    if lexicon is not None:
        # a concept weighs what its best alternative tells: rare words more, weak translations less
        def weighted(gs):
            return [replace(g, weight=g.weight * max(w * lexicon.idf(t) for t, w in g.alternatives)) for g in gs]

        groups, concepts = weighted(groups), weighted(concepts)
        fw = function_words()
        concepts = [
            replace(g, weight=g.weight * OOV_FUNCTION_WEIGHT)
            if g.source in fw and not any(t in lexicon for t, _ in g.alternatives) else g
            for g in concepts
        ]
    # a year is a constraint the evidence must meet (checked apart), not a term it covers
    concepts = [g for g in concepts if not _YEAR_RE.fullmatch(g.source)]
    # places, bodies and people the question names: 北京, 张江实验室, 张磊 (Zhang Lei, by pinyin)
    known = names | named_entities()
    # English names are capitalised (Shanghai, Pudong), not at the question's start only
    proper = {w.lower() for w in re.findall(r"(?<=[\w,;:] )[A-Z][a-z]+", text)}
    concepts = [replace(g, entity=True) if _is_entity(g, known, translator, proper) else g for g in concepts]
    # a lone Chinese character in a question is mostly a function or colloquial word (搞, 拿, 市)
    concepts = [replace(g, weight=g.weight * (SINGLE_CHAR_WEIGHT if len(g.source) == 1 else 1.0)) for g in concepts]
    norm = normalize(body)
    years = tuple(dict.fromkeys(_YEAR_RE.findall(norm)))
    chinese = " ".join(re.findall(rf"[{CJK}0-9a-zA-Z.%]+", zh_part)) if lang == "zh" else " ".join(re.findall(rf"[{CJK}]+", zh_part))
    # only the question's own Chinese: a translation's alternatives are too loose for pairs of characters
    bigram_groups = [TermGroup(((chinese, 1.0),), 1.0, chinese)] if chinese.strip() else []
    qtypes = question_types(text)
    qtype = qtypes[0] if qtypes else None
    unit = unit_class(text) if qtype == "number" else None
    m = _COUNTER.search(text)
    counter = m.group(1) if m and unit == "count" else None
    return QueryInfo(
        text=text, lang=lang, groups=tuple(groups), qtype=qtype, years=years, doc_numbers=doc_numbers,
        translated=translated, concepts=tuple(concepts), bigram_groups=tuple(bigram_groups), unit=unit, counter=counter, qtypes=qtypes,
        person_role=bool(PERSON_ROLE.search(text)),
    )
