"""What a question asks: its language, its terms for the lexical channel, its intent (rag.answer.intent:
a number, a list of measures, a plan, a field of the reply …), the concepts a sentence must cover to
answer it, and the constraints the evidence must meet (a year, a 文号)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from rag.quantities import quantities
from rag.answer.patterns import COUNT, YEAR_RE
from rag.answer.intent import FORM_WORDS, LIST, METADATA, OBJECT_AFTER, PLAN, SUMMARY, YESNO, Intent, classify
from rag.errors import InputError
from rag.lexical import TermGroup, plain_query
from rag.parse import DOCNO_RE, normalize_doc_number
from rag.text import CJK, detect_lang, normalize, tag, to_simplified, words

MAX_QUERY_CHARS = 2000

# a year the question names; not one that bounds it ("2000 年之前", "before 1990": the answer is another year)
_YEAR_RE = re.compile(r"(?<!\d)(?<!before )(?<!after )(?<!prior to )(19\d{2}|20\d{2})(?!\d)(?!\s*年?\s*(?:之前|以前|之后|以后|前|后)(?![\d一二三四五六七八九十两几半]))", re.IGNORECASE)
# "哪几个", "哪两家", "哪些", and the unit asked for ("多少亿元"): the question's form, not content
_WHICH = re.compile(r"哪[一两二三四五六七八九十几]?[个家项所位名种类批条些份次年天]?|(?<=多少)(?:亿元|万元|亿|万|元|平方米|公里|吨)")
# words that ask when, where, how long (什么时候, 何年), and up to when (到现在为止): the form of the question
_ASKING = re.compile(r"什么时候|什么时间|何时|何年|何月|何日|何地|何处|何人|多长时间|多少时间|多长的时间"
                     r"|(?:到|截至|截止到?)(?:现在|目前)为?止|迄今为止|目前为止")  # and up to now: the time of every figure given
_ANSWER_KIND = re.compile(r"(?:year|month|day|date|time|number|amount|name|count|total|figure)s?|one|two|three|four|five|six|seven|eight|nine|ten|several", re.I)
# Intents whose question words (措施, 下一步, 是否, measures, will) are form, not content
_FORM_KINDS = (LIST, PLAN, SUMMARY, YESNO, METADATA)


@dataclass(frozen=True)
class QueryInfo:
    text: str
    lang: str  # "zh" or "en"
    groups: tuple[TermGroup, ...]
    intent: Intent
    years: tuple[str, ...]  # years the question names: evidence must be about them
    doc_numbers: tuple[str, ...]  # 文号 the question names
    translated: bool = False  # whether any term came from English → Chinese translation
    concepts: tuple[TermGroup, ...] = ()  # what a sentence must cover to answer: one group per word
    bigram_groups: tuple[TermGroup, ...] = ()  # for the bigram index: the question's Chinese text, whole
    simplified: str = ""  # the text as analysed: traditional characters made simplified
    head: tuple[str, ...] = ()  # the noun the question asks about (哪个新城 → 新城; which programme → 计划 …), best first
    paraphrases: tuple[tuple[str, str], ...] = ()  # (question word, passage word that says it otherwise): 客人 → 嘉宾

    @property
    def qtype(self) -> str | None:
        return self.intent.qtype

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


def analyze(text: str, translator=None, lexicon=None, names: frozenset[str] = frozenset()) -> QueryInfo:
    """Analyse a validated query. translator turns its Latin part into Chinese terms; lexicon
    (the lexical index: idf(term), `term in lexicon`) weights each group by how telling its best
    term is; names are the people, bodies and places found in the passages."""
    asked = text
    text = to_simplified(text)
    intent = classify(text)
    doc_numbers = tuple(dict.fromkeys(filter(None, (normalize_doc_number(m.group(0)) for m in DOCNO_RE.finditer(text)))))
    body = DOCNO_RE.sub(" ", text)  # a 文号 filters; its digits are not terms or years
    lang = detect_lang(body) if body.strip() else detect_lang(text)  # "When was 沪科建复〔2023〕15号 issued?" is English
    zh_part = re.sub(rf"[^{CJK}0-9.%]+", " ", body) if lang == "en" else body
    groups: list[TermGroup] = [TermGroup(_with_synonyms(list(g.alternatives)), g.weight, g.source) for g in plain_query(zh_part)]
    # Concepts: a word and its pieces count once. Words the index has never seen stay in: they
    # weigh against answering ("邮箱" in a corpus without e-mail addresses).
    concepts: list[TermGroup] = [
        TermGroup(_with_synonyms([(w, 1.0)] + [(s, SUBWORD_WEIGHT) for s in subs]), 1.0, w)
        for w, subs in words(_content(zh_part, intent))
        # a one-character form word only as a word of its own: 才 is not 人才
        if not (intent.kind in _FORM_KINDS and FORM_WORDS.fullmatch(w))
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
        # a one-character gloss (start → 创) matches inside unrelated words (创新): only when there is no other
        seen = {g.alternatives for g in groups}
        for g in translator.translate(latin):
            longer = tuple(a for a in g.alternatives if a[0].isascii() or len(a[0]) > 1)
            if longer and len(longer) < len(g.alternatives):
                g = replace(g, alternatives=longer)
            if g.alternatives not in seen:
                groups.append(g)
                if not g.backoff and not (intent.kind in _FORM_KINDS and _only_form(g.source)):
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
    # words that only name the kind of answer wanted ("in which month and year", "what number") are no concepts
    concepts = [g for g in concepts if not (g.source.isascii() and _ANSWER_KIND.fullmatch(g.source))]
    # a year is a constraint the evidence must meet (checked apart), not a term it covers; so is the
    # figure of a yes/no question ("是否超过400家": the verdict compares it)
    concepts = [g for g in concepts if not _YEAR_RE.fullmatch(g.source)]
    if intent.kind == YESNO:
        claimed = " ".join(q.text.lower() for q in quantities(text) if q.unit not in ("serial", "id"))  # a tenth, top 5, 一半
        concepts = [g for g in concepts if not re.fullmatch(r"[\d.%]+|[\d.]*(?:万|亿)?元?|年", g.source) and g.source.lower() not in claimed]
    # places, bodies and people the question names: 北京, 张江实验室, 张磊 (Zhang Lei, by pinyin)
    known = names | named_entities()
    # English names are capitalised (Shanghai, Pudong), not at the question's start only
    proper = {w.lower() for w in re.findall(r"(?<=[\w,;:] )[A-Z][a-z]+", text)}
    concepts = [replace(g, entity=True) if _is_entity(g, known, translator, proper) else g for g in concepts]
    # a lone Chinese character in a question is mostly a function or colloquial word (搞, 拿, 市)
    concepts = [replace(g, weight=g.weight * (SINGLE_CHAR_WEIGHT if len(g.source) == 1 else 1.0)) for g in concepts]
    norm = normalize(body)
    # a yes/no question about a bound is settled by the year said ("是不是2020年以后才组建的？")
    years = tuple(dict.fromkeys((YEAR_RE if intent.kind == YESNO else _YEAR_RE).findall(norm)))
    chinese = " ".join(re.findall(rf"[{CJK}0-9a-zA-Z.%]+", zh_part)) if lang == "zh" else " ".join(re.findall(rf"[{CJK}]+", zh_part))
    # only the question's own Chinese: a translation's alternatives are too loose for pairs of characters
    bigram_groups = [TermGroup(((chinese, 1.0),), 1.0, chinese)] if chinese.strip() else []
    return QueryInfo(
        text=asked, lang=lang, groups=tuple(groups), intent=intent, years=years, doc_numbers=doc_numbers,
        translated=translated, concepts=tuple(concepts), bigram_groups=tuple(bigram_groups), simplified=text,
        head=head_noun(text, lang, groups, translator),
    )


_PARTICLES = re.compile(r"(?:了?(?:吗|呢|吧)|了没有)(?=\s*(?:[？?。！!]|$))")


def _content(zh_part: str, intent: Intent) -> str:
    """The question without the words that only give it its form (下一步, 具体措施, 是否 …)."""
    zh_part = _WHICH.sub(" ", zh_part)
    zh_part = _ASKING.sub(" ", zh_part)
    zh_part = _PARTICLES.sub(" ", zh_part)  # 建好了吗？运行了没有？: the asking, not what is asked about
    if intent.kind not in _FORM_KINDS:
        return zh_part
    return FORM_WORDS.sub(lambda m: " " if len(m.group(0)) > 1 else m.group(0), zh_part)  # one character: see analyze


def _only_form(source: str) -> bool:
    """An English word or phrase made only of form words ("next steps", "measures")."""
    return all(FORM_WORDS.fullmatch(w) for w in source.split())


# The noun after a question word: 哪两家外地实验室, 什么样的产业区, which new town, what recommendations
# a verb after the noun ends it: 哪几个方面开展了 → 方面
_ZH_VERBS = "拥有|具有|占有|研发|开发|牵头|主导|运营|发起|开展|创建|建设|成立|落户|设立|组建|发布|实施|推进|提出|采用|使用|聚焦|合作|承担|负责|位于|参与|签约|支持|打造|举办|推出|获得|排名|位列|存在|取得|采取|进行|开始|启动|完成|达到|占|做|搞|用|拿"
# measure words before the noun asked about (多少颗大犬齿: the noun is 大犬齿; 多少次擒杀: 擒杀): those of
# the counts answers give, and more
_MEASURE = "".join(dict.fromkeys(COUNT + "类颗户首处只头匹张辆艘架栋层幅棵株枚盏块"))
_HEAD_END = rf"(?=[的是在和与，,？?。了呢吗等要将会由被给从向对来去把让使为能可已还都也就；;！!\s]|(?<![持所拥])有|{_ZH_VERBS}|$)"
_ZH_HEAD = re.compile(rf"(?:多少[{_MEASURE}]?|(?<!哪)几[{_MEASURE}]|哪些|哪几[个项家种类所位条批]?|哪[两三四五六七八九十][个项家种类所位条批]?|哪[个种类家所位条项批]|什么样?的?|何种)([{CJK}]{{1,12}}?){_HEAD_END}")
_AFTER_DE = re.compile(rf"的([{CJK}]{{2,12}}?){_HEAD_END}")  # 多少家外商投资的研发中心: the noun after 的
_ZH_HEAD_BEFORE = re.compile(rf"([{CJK}]{{2,16}}?)(?:(?:主要|一共|总共|共|可以?|大概|大约|目前|现在|如今|到底|究竟|总计|合计)?(?:分为|分成|分|有|共有|一共有|累计有|已有|大约有|约有|大约|约)?(?:多少|几)[{_MEASURE}]|的?(?:数量|数目|总数|个数))")
# what comes before the noun counted in the phrase before 有多少: 揭榜成功签约的项目 → 项目 (after 的);
# 市级企业技术中心在五个新城 → 市级企业技术中心 (before a place it is in)
_BEFORE_NOUN = re.compile(r"^.*的(?=[^的]{2,}$)")
_PLACE_AFTER_NOUN = re.compile(r"(?<=[^在]{2})在.*$")
_EN_HEAD = re.compile(r"\b(?:which|what|how many|how much)\s+(?!(?:is|are|was|were|will|would|did|does|do|has|have|had|can|could|should|shall|may)\b)((?:[a-z-]+\s+){0,5}?[a-z-]+?)(?=\s+(?:is|are|was|were|has|have|had|does|do|did|will|would|can|could|should|in|of|for|to|that|on|does|at|from|by|with|takes?|took|makes?|made|gets?|got|works?|plays?|exists?|remains?|participates?|participated|joins?|joined|receives?|received|provides?|provided|uses?|used|employs?)\b|\s+[a-z]+ed\s+(?:by|in|at|for|under|through|with|since)\b|\s+[a-z]{2,}s" + OBJECT_AFTER + r"|\s*[?,]|$)", re.I)
_GENERIC_HEADS = {"措施", "举措", "工作", "做法", "计划", "打算", "方式", "办法", "内容", "情况", "问题", "东西", "事情", "进展", "成效"}
_FIGURE_NAMED = re.compile(r"数量|数目|总数|个数|规模|金额|比重|比例|占比")
_SHARE_HEADS = {"比例", "百分比", "比重", "占比", "份额"}  # a share is said as a percentage or a fraction, not by naming what is counted
# Endings of place and institution nouns: 先导区 answers 什么样的产业区, 良渚实验室 which laboratory
NOUN_SUFFIX = set("区城市县镇村室所院校馆站园库厂会局委办部处")


def head_noun(text: str, lang: str, groups, translator=None) -> tuple[str, ...]:
    """Chinese words for the noun the question asks about, most specific first; () when none."""
    if lang == "zh":
        m = _ZH_HEAD.search(text)
        phrase = m.group(1) if m else ""
        measure = m.group(0)[m.start(1) - m.start() - 1] if m and m.start(1) > m.start() else ""
        if phrase and measure in _MEASURE:
            fused, rest = words(measure + phrase), words(phrase)
            if measure in COUNT and fused and len(fused[0][0]) > 1 and fused[0][0][0] == measure and tag(fused[0][0]).startswith("n"):
                phrase = measure + phrase  # 多少人才, 多少家庭: the measure word begins the noun
            elif measure in "人次" and rest and tag(rest[0][0]).startswith("v"):
                return ()  # 多少人参加了: people are counted, and what they did follows
        if m and _FIGURE_NAMED.match(phrase):
            return ()  # 哪个数量多: the figure itself is named, not a thing counted
        if m and phrase[-1:] not in NOUN_SUFFIX and (after := _AFTER_DE.match(text, m.end(1))):
            phrase = after.group(1)  # but 哪两家外地实验室的上海基地 counts laboratories, whose bases follow
        if m and not re.fullmatch(rf"[{_MEASURE}]", phrase):
            parts = [w for w, _ in words(phrase)] or [phrase]
            if len(parts) > 1 and tag(parts[-1]).startswith("v"):  # 多少所大学设有: the verb that follows is no part of it
                phrase, parts = "".join(parts[:-1]), parts[:-1]
            heads = [phrase, parts[0], parts[-1]]  # after the question word the noun comes first: 几家医院合建 → 医院
        else:
            m = _ZH_HEAD_BEFORE.search(text)  # 市级企业技术中心有多少家: the noun comes last
            if not m:
                return ()
            phrase = _BEFORE_NOUN.sub("", _PLACE_AFTER_NOUN.sub("", m.group(1)))
            parts = [w for w, _ in words(phrase)] or [phrase]
            heads = [phrase, parts[-1], parts[0]]
        suffix = [p[-1] for p in (parts[0], parts[-1]) if p[-1] in NOUN_SUFFIX]
    else:
        m = _EN_HEAD.search(text)
        if not m or translator is None:
            return ()
        said = translator._words(m.group(1))
        if re.search(r"\b(?:documents?|files?|papers?)\b", m.group(1), re.I):
            return ("文件",)  # documents are named by their 《titles》 (structure._headed)
        if all(FORM_WORDS.fullmatch(w) for w in m.group(1).split()):
            return ()  # "what measures", "which steps": the form of the question, not a kind of thing
        last = said[-1] if said else ""
        # the last noun of the phrase is its head ("which key materials and components" → components, materials)
        wanted = {last} | {said[i - 1] for i in range(1, len(said)) if said[i] == last and i >= 2 and said[i - 1] != last}
        joined = re.findall(r"([a-z-]+)\s+and\s+" + re.escape(m.group(1).split()[-1]), m.group(1), re.I)
        wanted |= {w.lower() for w in joined}
        ranked = sorted((g for g in groups if g.source and not g.backoff and set(g.source.split()) & wanted and set(g.source.split()) <= set(said)), key=lambda g: -len(g.source))
        # names of the question's other concepts (临港实验室 in "which lab does Lingang Laboratory …") are not the head
        others = {alt for g in groups if g.source and not set(g.source.split()) <= set(said) for alt, _ in g.alternatives if len(alt) >= 4}
        heads = [alt for g in ranked for alt, _ in g.alternatives[:6] if not alt.isascii() and alt not in others]
        if ranked and not heads:
            # no Chinese word for it in the replies ("how many students"): its English form stays the
            # head, which no passage holds, so nothing is taken for a count of it
            heads = [alt for alt, _ in ranked[0].alternatives[:1]]
        suffix = [h[-1] for h in heads[:1] if h[-1] in NOUN_SUFFIX]
    if heads and (heads[0] in _SHARE_HEADS or (lang == "en" and _SHARE_HEADS & set(heads))):  # an English word's translations are alike
        return ()
    heads = [h for h in heads if h not in _GENERIC_HEADS and len(h) >= 2] + suffix
    return tuple(dict.fromkeys(heads))


TYPO_WEIGHT = 0.8
_CJK_CHAR = re.compile(f"[{CJK}]")


def with_typo_alternatives(info: QueryInfo, passage: str) -> QueryInfo:
    """Tolerate a one-character slip in a question word (中新 for 中心): when the top passage holds the
    word with one character different, together with at least two characters of the question on the
    same side of it (研发中新 ~ 研发中心), that spelling becomes an alternative of the word. Only for
    words nothing in the passage matches, so a correct word is never changed."""
    text = normalize(passage)
    asked = normalize(info.simplified or info.text)
    concepts, changed = [], False
    for g in info.concepts:
        word = g.source
        found = None
        if len(word) >= 2 and all(_CJK_CHAR.match(c) for c in word) and not any(t in text for t, _ in g.alternatives):
            found = _one_char_off(word, asked, text)
        if found:
            g = replace(g, alternatives=g.alternatives + ((found, TYPO_WEIGHT),))
            changed = True
        concepts.append(g)
    return replace(info, concepts=tuple(concepts)) if changed else info


def _one_char_off(word: str, asked: str, text: str) -> str | None:
    at = asked.find(word)
    if at < 0:
        return None
    left = "".join(c for c in asked[max(0, at - 2):at] if _CJK_CHAR.match(c))
    right = "".join(c for c in asked[at + len(word):at + len(word) + 2] if _CJK_CHAR.match(c))
    for before, after in ((left, ""), ("", right)):
        if len(before) + len(after) < 2:
            continue
        for i in range(len(word)):
            pattern = re.escape(before + word[:i]) + f"([{CJK}])" + re.escape(word[i + 1:] + after)
            m = re.search(pattern, text)
            if m and m.group(1) != word[i]:
                return word[:i] + m.group(1) + word[i + 1:]
    return None
