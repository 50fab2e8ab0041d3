"""Quantities in a sentence, Chinese or English, with their units and hedges
(453 家, 超过300家, 近1.6万项, 超120亿元, 4.2%, 1/3, 百分之四点二, about one third, more than
12 billion yuan), ranks (第6位, 3rd place), serial numbers (第0982号) and identifiers (phone numbers),
and whether a reply's figure implies a claim's.

Every number becomes an interval in base units (yuan, percent, items): "超过300家" is (300, ∞),
"约20家" is [18, 22], "40余家" is (40, 50). A reply supports a claim's figure when the reply's
interval lies inside the claim's: "超过400家" is supported by "453 家", "约200家" is not supported by
"超过300家", and neither is "300家" (the reply says more than that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rag.dates import dates, fold, years
from rag.parse import DOCNO_RE
from rag.text import detect_lang

# -- numerals -------------------------------------------------------------------------------
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10**4, "亿": 10**8}
ZH_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_EN_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_EN_WORDS.update({w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2})
EN_NUMBER_WORDS = frozenset(_EN_WORDS) | {"hundred", "thousand", "million", "billion", "half", "third", "thirds", "quarter", "quarters", "fifth", "fifths", "percent", "per", "cent"}
_EN_ORDINALS = {w: i for i, w in enumerate("zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split())}
_EN_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "tenth": 10, "tenths": 10}
MAGNITUDES = {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3, "百": 10**2, "trillion": 10**12, "billion": 10**9, "bn": 10**9, "million": 10**6, "mn": 10**6, "thousand": 10**3, "hundred": 10**2}


def zh_number(text: str) -> float | None:
    """四百五十三 → 453, 两万二千 → 22000, 十二 → 12, 四点二 → 4.2; None when not a numeral."""
    if not text:
        return None
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = zh_number(whole) if whole else 0
        if w is None or not frac or any(c not in _ZH_DIGITS for c in frac):
            return None
        return float(f"{int(w)}.{''.join(str(_ZH_DIGITS[c]) for c in frac)}")
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_SMALL:
            section += (1 if digit is None else digit) * _ZH_SMALL[ch]
            digit = None
        elif ch in _ZH_BIG:
            total = (total + section + (digit or 0)) * _ZH_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


# -- quantities -----------------------------------------------------------------------------
COUNTERS = "家项个所位名批种条座台套支篇件人次场届大类份处间辆艘架"
_ZH_ONLY_COUNTERS = "省市"  # 三省一市: only after a Chinese numeral
_COUNTER_FAMILIES = ["家所", "项批条件", "位名人", "种类", "座台套"]
# Measures: area, length, weight, volume, age; latin ones only right after digits (182cm, 8 kg)
MEASURE_UNITS = r"平方米|平方公里|公顷|公里|千米|厘米|毫米|公分|公尺|英尺|英寸|英里|海里|米|公斤|千克|毫克|克|吨|毫升|升|周岁|岁|(?<=\d)\s?(?i:cm|mm|km|kg|mg|ml|m)(?![A-Za-z])"
_UNIT = rf"个百分点|百分点|亿元|万元|元|%|‰|倍|{MEASURE_UNITS}"
_ZH_HEDGE_BEFORE = r"大约|约|近|将近|接近|超过|超|逾|多于|突破|不少于|不低于|不到|不足|少于|低于|小于|高于|不超过"
_ZH_HEDGE_AFTER = r"余|多|以上|左右|以下|以内|上下"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_ZH_NUM_RUN = rf"[{ZH_NUMERAL}]+(?:点[零〇一二三四五六七八九]+)?"
ZH_QUANTITY = re.compile(
    rf"(?P<pre>{_ZH_HEDGE_BEFORE})?\s*"
    rf"(?:(?P<num>{_NUM})(?:\s*(?P<sep>[-~～—–至到])\s*(?P<num2>{_NUM}))?|(?P<zh>{_ZH_NUM_RUN}))"
    rf"\s*(?P<mid>余|多)?\s*(?P<mag>万亿|亿|万|千|百)?\s*(?P<mid2>余|多)?\s*"
    rf"(?P<unit>{_UNIT}|[{COUNTERS}{_ZH_ONLY_COUNTERS}])?\s*(?P<post>{_ZH_HEDGE_AFTER})?"
)
_ZH_PERCENT = re.compile(rf"(?P<pre>{_ZH_HEDGE_BEFORE})?\s*百分之(?P<zh>{_ZH_NUM_RUN})")
_ZH_FRACTION = re.compile(rf"(?P<pre>{_ZH_HEDGE_BEFORE})?\s*(?P<den>[{ZH_NUMERAL}]+|\d+)分之(?P<nom>[{ZH_NUMERAL}]+|\d+)")
_SLASH_FRACTION = re.compile(rf"(?P<pre>{_ZH_HEDGE_BEFORE}|about|around|approximately|roughly|nearly|almost|over|more than)?\s*(?<![\d/])(?P<nom>\d+)\s*/\s*(?P<den>\d+)(?![\d/])")
_RANK_ZH = re.compile(rf"(?:第\s*(?P<num>\d+)\s*|第(?P<zh>[{ZH_NUMERAL}]+))(?:[位名])|(?:全国|世界|全球|国内)第(?P<zh2>[一二三四五六七八九十]+)")
_TOP = re.compile(r"\btop\s+(?P<num>\d+|three|five|ten|twenty)\b|前\s*(?:(?P<num2>\d+)|(?P<zh>[一二三四五六七八九十]+))\s*(?:名|位|强)")  # a rank of at most N
_SERIAL = re.compile(r"(?:第\s*(?P<a>\d+)\s*号|(?<=[路街弄道])\s*(?P<b>\d+)\s*号|\bno\.\s*(?P<c>\d+))")
_ID = re.compile(r"(?<!\d)(?<!\d[.,])\d{7,}(?![\d%]|[.,]\d)")  # phone numbers

# English hedges before a figure, by what they make of it (see _interval); one alternation for the patterns
_EN_ABOUT = ("about", "around", "approximately", "roughly", "some")
_EN_NEARLY = ("nearly", "almost", "close to")
_EN_MORE = ("over", "more than", "above", "exceeding", "exceeds", "exceeded", "exceed", "surpassing", "surpasses", "surpassed", "surpass", "in excess of", "upwards of")
_EN_AT_LEAST = ("at least", "no fewer than", "no less than")
_EN_LESS = ("less than", "fewer than", "under", "below")
_EN_AT_MOST = ("up to", "at most")
_EN_HEDGE = "|".join(_EN_ABOUT + _EN_NEARLY + _EN_MORE + _EN_AT_LEAST + _EN_LESS + _EN_AT_MOST)
_HALF = re.compile(rf"(?P<pre>{_ZH_HEDGE_BEFORE}|\b(?:{_EN_HEDGE})\b)?\s*(?:一半|\b(?:a |one )?half\b)")
_EN_NUMBER_WORD = "|".join(sorted((w for w in _EN_WORDS if w not in ("zero", "one")), key=len, reverse=True))
EN_QUANTITY = re.compile(
    rf"(?P<pre>\b(?:{_EN_HEDGE})\b)?\s*(?P<cur>rmb|cny|¥|yuan)?\s*"
    rf"(?:(?P<num>(?<![\w.]){_NUM}(?![\w/]|\.\d))(?:\s*(?:-|to|–)\s*(?P<num2>{_NUM}))?|(?P<word>\b(?:{_EN_NUMBER_WORD})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?\b(?!-\w)))"
    rf"\s*(?P<mag>\b(?:trillion|billion|bn|million|mn|thousand|hundred)\b)?\s*(?P<plus>-odd|\+|\s*plus\b)?"
    rf"\s*(?P<unit>%|\s*per\s*cent\b|\s*percent(?:age points?)?\b|\s*yuan\b|\s*rmb\b|\s*times\b)?"
)
_EN_FRACTION = re.compile(rf"(?P<pre>\b(?:{_EN_HEDGE})\b)?\s*\b(?P<nom>a|one|two|three)[\s-](?P<den>half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)\b")
_EN_RANK = re.compile(r"\b(?P<num>\d+)(?:st|nd|rd|th)\b|\b(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b")
_EN_RANK_AFTER = re.compile(r"^\s*(?:place|position|spot|in the (?:country|world|nation)|nationally|nationwide|globally|worldwide)\b")
_EN_RANK_BEFORE = re.compile(r"\b(?:rank|ranks|ranked|ranking|placed|came|rose|fell|climbed|dropped|moved|position)\b")


@dataclass(frozen=True)
class Quantity:
    """A number as a sentence states it: the interval [low, high] it allows, in base units."""

    text: str
    start: int
    end: int
    unit: str  # count, money, percent, pp, times, rank, serial, id, measure:米 …, bare
    counter: str  # the measure word (家, 项 …); "" for English counts and bare numbers
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    @property
    def exact(self) -> bool:
        return self.low == self.high


def _interval(value: float, pre: str | None, post: str | None, mid: bool, written: str) -> tuple[float, float, bool, bool]:
    """The values "约 N", "超过 N", "N 余" … allow. 余/多 reach up to the next step of the number
    as written: 40余 is 40–50, 3000余 is 3000–4000, 1.6万余 is 16000–17000."""
    pre, post = (pre or "").strip(), (post or "").strip()
    inf = float("inf")
    if mid or post in ("余", "多") or pre in ("-odd", "+", "plus"):
        digits = re.sub(r"\D", "", written.split(".")[0]) or "1"
        step = 10 ** (len(digits) - len(digits.rstrip("0"))) if "." not in written else 10 ** -len(written.split(".")[1])
        scale = value / float(written.replace(",", "")) if written and float(written.replace(",", "")) else 1
        return value, value + step * scale, True, True
    if pre in ("约", "大约", *_EN_ABOUT) or post in ("左右", "上下"):
        return 0.9 * value, 1.1 * value, False, False
    if pre in ("近", "将近", "接近", *_EN_NEARLY):
        return 0.9 * value, value, False, True
    if pre in ("超过", "超", "逾", "多于", "突破", "高于", *_EN_MORE):
        return value, inf, True, False
    if pre in ("不少于", "不低于", *_EN_AT_LEAST) or post == "以上":
        return value, inf, False, False
    if pre in ("不到", "不足", "少于", "低于", "小于", *_EN_LESS):
        return 0.0, value, False, True
    if pre in ("不超过", *_EN_AT_MOST) or post in ("以下", "以内"):
        return 0.0, value, False, False
    return value, value, False, False


_MEASURES = {
    "千米": ("米", 1000.0), "公里": ("米", 1000.0), "km": ("米", 1000.0), "m": ("米", 1.0), "厘米": ("米", 0.01), "公分": ("米", 0.01),
    "cm": ("米", 0.01), "毫米": ("米", 0.001), "mm": ("米", 0.001), "公斤": ("克", 1000.0), "千克": ("克", 1000.0), "kg": ("克", 1000.0),
    "毫克": ("克", 0.001), "mg": ("克", 0.001), "毫升": ("升", 0.001), "ml": ("升", 0.001), "周岁": ("岁", 1.0),
}


def _unit_of(unit: str) -> tuple[str, str, float]:
    """(kind, counter, factor to base units) of a unit as written."""
    unit = (unit or "").strip()
    if unit in ("%", "percent", "per cent"):
        return "percent", "", 1.0
    if unit == "‰":
        return "percent", "", 0.1
    if unit in ("个百分点", "百分点") or unit.startswith("percentage point"):
        return "pp", "", 1.0
    if unit in ("元", "yuan", "rmb"):
        return "money", "", 1.0
    if unit == "万元":
        return "money", "", 1e4
    if unit == "亿元":
        return "money", "", 1e8
    if unit in ("倍", "times"):
        return "times", "", 1.0
    if unit and unit in COUNTERS + _ZH_ONLY_COUNTERS:
        return "count", unit, 1.0
    if unit in _MEASURES:
        base, factor = _MEASURES[unit]
        return f"measure:{base}", "", factor
    if unit:
        return f"measure:{unit}", "", 1.0
    return "bare", "", 1.0


def _masked(text: str) -> list[tuple[int, int]]:
    """Spans whose digits are not quantities: 文号, dates, years, serials, identifiers."""
    spans = [m.span() for m in DOCNO_RE.finditer(text)]
    spans += [(d.start, d.end) for d in dates(text)]
    spans += [(s, e) for _, s, e in years(text)]
    return spans


def _free(spans, s: int, e: int) -> bool:
    return not any(a < e and s < b for a, b in spans)


def quantities(text: str) -> list[Quantity]:
    """The quantities of a sentence, in order. Years, dates and 文号 are not quantities; a bare
    "一" is an article (一批, 一个), not a count; "6G" and "G60" are names."""
    t = fold(text)
    masked = _masked(t)
    out: list[Quantity] = []

    def add(q: Quantity) -> None:
        if _free(masked, q.start, q.end) and all(not (o.start < q.end and q.start < o.end) for o in out):
            out.append(q)

    for m in _SERIAL.finditer(t):
        n = m.group("a") or m.group("b") or m.group("c")
        add(Quantity(text[m.start():m.end()], m.start(), m.end(), "serial", "", float(n), float(n)))
    for m in _RANK_ZH.finditer(t):
        v = float(m.group("num")) if m.group("num") else zh_number(m.group("zh") or m.group("zh2"))
        if v is not None:
            add(Quantity(text[m.start():m.end()], m.start(), m.end(), "rank", "", v, v))
    for m in _TOP.finditer(t):
        n = m.group("num") or m.group("num2")
        v = float(n) if n and n.isdigit() else float(_EN_WORDS[n]) if n else zh_number(m.group("zh"))
        if v:
            add(Quantity(text[m.start():m.end()], m.start(), m.end(), "rank", "", 1.0, v))
    for m in _ID.finditer(t):
        add(Quantity(text[m.start():m.end()], m.start(), m.end(), "id", "", float(m.group(0)), float(m.group(0))))
    for m in _ZH_PERCENT.finditer(t):
        v = zh_number(m.group("zh"))
        if v is not None:
            lo, hi, lo_o, hi_o = _interval(v, m.group("pre"), None, False, "")
            add(Quantity(text[m.start():m.end()].strip(), m.start() + _lead(m.group(0)), m.end(), "percent", "", lo, hi, lo_o, hi_o))
    for pattern in (_ZH_FRACTION, _SLASH_FRACTION, _EN_FRACTION):
        for m in pattern.finditer(t):
            den, nom = m.group("den"), m.group("nom")
            if pattern is _EN_FRACTION:
                d, n = _EN_FRACTIONS[den], (1 if nom in ("a", "one") else _EN_WORDS[nom])
            else:
                d = float(den) if den.isdigit() else zh_number(den)
                n = float(nom) if nom.isdigit() else zh_number(nom)
            if d and n is not None and n <= d:
                lo, hi, lo_o, hi_o = _interval(100.0 * n / d, m.group("pre"), None, False, "")
                add(Quantity(text[m.start():m.end()].strip(), m.start() + _lead(m.group(0)), m.end(), "percent", "", lo, hi, lo_o, hi_o))
    for m in _HALF.finditer(t):
        lo, hi, lo_o, hi_o = _interval(50.0, m.group("pre"), None, False, "")
        add(Quantity(text[m.start():m.end()].strip(), m.start() + _lead(m.group(0)), m.end(), "percent", "", lo, hi, lo_o, hi_o))
    for m in _EN_RANK.finditer(t):
        v = float(m.group("num")) if m.group("num") else float(_EN_ORDINALS[m.group("word")])
        before = " ".join(t[:m.start()].split()[-8:])
        if _EN_RANK_AFTER.match(t[m.end():]) or _EN_RANK_BEFORE.search(before):
            add(Quantity(text[m.start():m.end()], m.start(), m.end(), "rank", "", v, v))
    readers = [(ZH_QUANTITY, _zh_quantity), (EN_QUANTITY, _en_quantity)]
    if detect_lang(re.sub(DOCNO_RE, " ", t)) == "en":  # "about 10%": the English hedge first
        readers.reverse()
    for pattern, read in readers:
        for m in pattern.finditer(t):
            q = read(m, text, t)
            if q is not None:
                add(q)
    return sorted(out, key=lambda q: q.start)


def _lead(s: str) -> int:
    return len(s) - len(s.lstrip())


def _trim(m: re.Match, text: str) -> tuple[int, int, str]:
    s, e = m.start(), m.end()
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e, text[s:e]


@lru_cache(maxsize=1)
def _hedge_words() -> frozenset[str]:
    """Words that end in a hedge's character (签约, 集约, 最近): data/hedge_words.txt, the pairs
    jieba's dictionary counts 20 times or more (金约, counted twice, is noise)."""
    text = resources.files("rag").joinpath("data/hedge_words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _word_hedge(m: re.Match, t: str) -> str | None:
    """The hedge before a figure, unless its character ends a word with the one before it
    (签约28个 is "28 signed", not "about 28"; 最近 is "recent")."""
    pre = m.group("pre")
    if not pre or len(pre) > 1 or m.start("pre") == 0:
        return pre
    word = t[m.start("pre") - 1] + pre
    if not re.match(r"[\u4e00-\u9fff]", word):
        return pre
    return None if word in _hedge_words() else pre


def _zh_quantity(m: re.Match, text: str, t: str) -> Quantity | None:
    if not m.group("num") and not m.group("zh"):
        return None
    pre = _word_hedge(m, t)
    s, e, written = _trim(m, text)
    if m.group("pre") and not pre:
        s = m.start("num") if m.group("num") else m.start("zh")
        written = text[s:e]
    unit = m.group("unit") or ""
    if m.group("zh"):
        run = m.group("zh")
        if not any(c in "零〇一二两三四五六七八九十" for c in run) or not unit:
            return None  # 千米级, 万物: a magnitude alone; 十四五: no unit, a name
        if run == "一" or t[max(0, m.start("zh") - 1):m.start("zh")] == "第":
            return None  # 一批 is "a batch"; 第四代 is an ordinal
        if unit in _ZH_ONLY_COUNTERS and run not in "二两三四五六七八九十":
            return None
        mag = m.group("mag")
        if mag and run[-1] in "万亿":  # the numeral swallowed its own magnitude
            mag = None
        value = zh_number(run)
        if value is None:
            return None
        number = run
    else:
        if unit in _ZH_ONLY_COUNTERS:
            unit = ""
        before, after = t[max(0, m.start("num") - 1):m.start("num")], t[m.end():m.end() + 1]
        if re.match(r"[a-z]", before) or (not unit and not m.group("mag") and re.match(r"[a-z]", after)):
            return None  # 6G, G60
        mag = m.group("mag")
        number = m.group("num")
        value = float(number.replace(",", ""))
        if not unit and not mag and not pre and not m.group("post") and not m.group("mid") and not m.group("mid2"):
            # an English count ("453 foreign R&D centres") is read by the English pattern
            if re.match(r"\s*[a-z]", t[m.end():]) or re.search(r"[a-z]\s*$", t[max(0, m.start() - 12):m.start()]):
                return None
    kind, counter, factor = _unit_of(unit)
    factor *= MAGNITUDES.get(mag or "", 1)
    if m.group("num2"):
        hi = float(m.group("num2").replace(",", "")) * factor
        return Quantity(written, s, e, kind, counter, value * factor, hi)
    lo, hi, lo_o, hi_o = _interval(value * factor, pre, m.group("post"), bool(m.group("mid") or m.group("mid2")), number)
    return Quantity(written, s, e, kind, counter, lo, hi, lo_o, hi_o)


def _en_quantity(m: re.Match, text: str, t: str) -> Quantity | None:
    if not m.group("num") and not m.group("word"):
        return None
    if re.search(r"[\u4e00-\u9fff]", t[m.end():m.end() + 1] or "") or re.search(r"[\u4e00-\u9fff]", t[max(0, m.start() - 1):m.start()]):
        return None  # Chinese context: the Chinese pattern reads it
    s, e, written = _trim(m, text)
    if m.group("word"):
        head, _, tail = m.group("word").partition("-")
        value = float(_EN_WORDS[head] + (_EN_WORDS.get(tail, 0) if tail else 0))
        number = str(int(value))
    else:
        number = m.group("num")
        value = float(number.replace(",", ""))
    unit = (m.group("unit") or "").strip()
    unit = re.sub(r"\s+", " ", unit)
    if m.group("cur") and not unit:
        unit = "yuan"
    if unit.startswith("percentage point"):
        unit = "percentage point"
    kind, counter, factor = _unit_of(unit)
    if kind == "bare":
        kind = "count"  # "453 foreign R&D centres", "twenty projects"
    factor *= MAGNITUDES.get(m.group("mag") or "", 1)
    if m.group("num2"):
        return Quantity(written, s, e, kind, counter, value * factor, float(m.group("num2").replace(",", "")) * factor)
    plus = (m.group("plus") or "").strip()
    lo, hi, lo_o, hi_o = _interval(value * factor, plus or m.group("pre"), None, False, number)
    return Quantity(written, s, e, kind, counter, lo, hi, lo_o, hi_o)


def compatible(claim: Quantity, reply: Quantity) -> bool:
    """Whether two quantities measure the same kind of thing (家 and 所 both count bodies; an
    English count or a bare number goes with any count)."""
    if claim.unit == "bare" or reply.unit == "bare":
        return claim.unit in ("bare", "count") or reply.unit in ("bare", "count")
    if claim.unit != reply.unit:
        return False
    if claim.unit != "count" or not claim.counter or not reply.counter:
        return True
    a, b = claim.counter, reply.counter
    return a == b or "个" in (a, b) or any(a in f and b in f for f in _COUNTER_FAMILIES)


TIGHT = 2.0  # a bound must be within this factor of the reply's figure: "超过40家" for 453 misleads


def implies(reply: Quantity, claim: Quantity) -> bool:
    """Whether everything the reply's figure allows satisfies the claim's figure."""
    eps = 1e-9 * max(1.0, abs(reply.low), abs(claim.low))
    if reply.unit in ("serial", "id") or claim.unit in ("serial", "id"):
        return abs(reply.low - claim.low) <= eps
    lower_ok = claim.low < reply.low - eps or (abs(claim.low - reply.low) <= eps and (reply.low_open or not claim.low_open))
    same_high = claim.high == reply.high or abs(claim.high - reply.high) <= eps  # ∞ == ∞
    upper_ok = claim.high > reply.high + eps or (same_high and (reply.high_open or not claim.high_open))
    if not (lower_ok and upper_ok):
        return False
    if claim.high == float("inf") and claim.low * TIGHT < reply.low:
        return False
    if claim.low == 0.0 and reply.low > 0 and claim.high > TIGHT * reply.high:
        return False
    return True


