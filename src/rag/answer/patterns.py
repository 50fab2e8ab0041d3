"""The typed spans a question can ask for, as patterns: figures with their units and measure words,
dates (in digits and in words, reign years, named periods), ranks, phone numbers and addresses.
Tried in order; the index of the pattern that found a span is its kind rank (0 = most specific)."""

from __future__ import annotations

import re

from rag.quantities import MEASURE_UNITS

NUM = r"\d+(?:[.,]\d+)*"
COUNT = "家项个所位名批种条座台套支篇件人次场届"
ZH_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_UNITS = rf"(?:%|％|‰|[{COUNT}]|(?:亿|万)?(?:[美加欧日港澳]|新台)?元|英镑|倍|{MEASURE_UNITS})"
ORDINAL_BEFORE = re.compile(r"第\s*$")
_NOT_DATE = r"(?!\s*[年月日/]|\d)"  # not a date part, not the numerator of 1/3
_TIME_UNITS = r"(?:年|个月|月|周|星期|天|日|小时|分钟|秒|世纪|年代)"
# 约 (about) before a figure, not the end of a word (签约 28 个: signed, 28)
ABOUT = r"(?<![签合公节制预契违履特邀相条])约"
# a year in figures (2022, not 20225 nor the 20 of 2022); the one pattern for years said or asked
YEAR = r"(?<!\d)(?:19|20)\d{2}(?!\d)"
YEAR_RE = re.compile(YEAR)
SPAN_NUM = rf"(?:{NUM}|[{ZH_NUMERAL}]+)"
_ZH_MONTH = r"(?:正|腊|[一二三四五六七八九十]{1,2}|十[一二])月(?!份?[的]?\d)"
_ZH_DAY = r"(?:初?[一二三四五六七八九十]{1,3}[日号]?)?"
# words before a count of years that make it a span of time, not a reign's year: 今后五年, 其中三年
_NOT_REIGN = "今后|未来|过去|最近|近来|连续|此后|之后|其后|随后|前后|其中|长达|至少|超过|历时|用了|花了|头|首|每|近|这|那|该|此"
SPAN_PATTERNS = {
    "duration": [
        rf"(?:{ABOUT}|近|超过|长达|至少)?\s*{SPAN_NUM}\s*(?:[-—–到至~]\s*{SPAN_NUM}\s*)?(?:多)?\s*{_TIME_UNITS}(?:左右|以上)?",
    ],
    "number": [
        rf"(?:{ABOUT}|近|超过|超|逾)?\s*{NUM}\s*[-—–~至到]\s*{NUM}\s*{_UNITS}",  # 27-30％, 0至12公尺
        rf"(?:{ABOUT}|近|超过|超|逾)?\s*(?:{NUM}\s*亿\s*)?{NUM}\s*(?:余|多)?\s*(?:万|亿|千|百)?\s*(?:余|多)?\s*{_UNITS}",
        rf"(?!一[{COUNT}])[{ZH_NUMERAL}]+\s*(?:余|多)?\s*{_UNITS}",  # 六次, 三大 (but 一批 is "a batch")
        r"\d+\s*/\s*\d+",
        rf"第\s*{NUM}\s*号",
        rf"{NUM}\s*(?:万|亿){_NOT_DATE}",
        rf"(?:{ABOUT}|近|超过)?[一二三四五六七八九]成(?![立为功长员果绩本熟型品交就效])",  # 八成: eight tenths
        r"(?<![A-Za-z])[A-Z]{1,3}-?\d{1,5}(?![\d.])",  # a code: G11, A380
        rf"(?<![\d./A-Za-z])(?<!\d[-—–~]){NUM}{_NOT_DATE}(?![A-Za-z])(?!\s*[-—–~]\s*(?:19|20)\d{{2}}(?!\d))",  # not 2022-2025, nor 6G
    ],
    "rank": [rf"第\s*{NUM}\s*[位名]", r"第[一二三四五六七八九十]+[位名]", r"全国第[一二三四五六七八九十]+|第[一二三四五六七八九十]",
             rf"(?<=排名)\s*第\s*{NUM}|(?<=排)第\s*{NUM}"],  # 排名第51
    "date": [
        r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日",
        rf"(?:公元前?)?\s*{SPAN_NUM}\s*世纪\s*(?:{SPAN_NUM}\s*年代|[初中末]期?|上半叶|下半叶)?",  # 20 世纪 90 年代
        rf"{SPAN_NUM}\s*(?:万|亿)?\s*年前",
        r"\d{4}\s*年\s*\d{1,2}\s*月",
        rf"(?<![\d.])(?:公元)?前?\d{{1,4}}\s*年\s*{_ZH_MONTH}{_ZH_DAY}",  # 396年五月初九
        r"\d{4}\s*[-—–至到]\s*\d{4}\s*年",
        r"\d{4}\s*年",
        r"[〇零一二三四五六七八九]{4}年(?:[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?)?",  # 一九六一年九月十日
        r"公元前?\s*\d{1,4}\s*年",  # 公元前 25 年
        r"(?<![\d.])\d{1,2}\s*(?:[-—–~至到]\s*\d{1,2}\s*)?月(?:\s*\d{1,2}\s*[日号])?(?!份?[的]?\d)",  # 3 月, 2 至 4 月, 6 月 26 日
        r"[春夏秋冬][季天]|(?:春|夏|秋|冬)(?:初|末)|[初晚早暮深][春夏秋冬]",  # a season
        # a year of a reign (建安二十四年（219年）, 洪武二十五年正月, 元和九年): its title, then a year in
        # words with the Western year or a month after it, or opening a clause
        rf"[\u4e00-\u9fff]{{2,3}}[元{ZH_NUMERAL}]{{1,4}}年(?:\s*[（(]\s*(?:公元)?前?\d{{1,4}}\s*年?\s*[）)])?(?:{_ZH_MONTH}{_ZH_DAY})?(?<=[）)月日])",
        rf"(?:(?<=^)|(?<=[，,。；;：:\s在于至到]))(?!{_NOT_REIGN})[\u4e00-\u9fff]{{2,3}}[元一二三四五六七八九十]{{1,3}}年(?![级度代间底初末中前后内来])",
        rf"{_ZH_MONTH}{_ZH_DAY}(?:\s*(?:[-—–到至]|、)\s*{_ZH_MONTH}{_ZH_DAY})?",  # 三月到六月, 五月初九
        r"(?:[一二三四五六七八九十]{1,2}、)+[一二三四五六七八九十]{1,2}月份?",  # 三、四月份
        r"(?:(?<=^)|(?<=[，,。；;：:\s（(]))前\s*\d{1,4}\s*年",  # 前108年: before the common era
        r"(?<![\d.])\d{2,4}\s*年代",  # 60年代
        r"(?:(?<=^)|(?<=[，,。；;：:\s在于至到]))\d{3}\s*年(?![代级度间底初末中前后内来])",  # 965年 opening a clause
        r"(?<![\d.])\d{1,2}\s*[时点:：]\s*\d{2}\s*分?(?:\s*[-—–~－～至到]\s*\d{1,2}\s*[时点:：]\s*\d{2}\s*分?)?",  # 5时30分－22时30分
        r"(?![这那该此同新各每一])[\u4e00-\u9fff]{2}(?:时代|时期|年间|末年|初年)",  # 江户时代, 万历年间: a period by name
        # a bare year (在 1835 开放, 术赤 (1185-1226)): four digits that no measure word or unit follows
        rf"(?<![\d.,])(?:1\d|20)\d{{2}}(?![\d.,%％])(?!\s*(?:万|亿|千|百|余|多|[{COUNT}元月日号]|[A-Za-z]))",
        r"(?:(?<=^)|(?<=[，,。；;：:\s]))当[^，,。；;：:？?]{2,30}?时(?=[，,\s])",  # 当德国开始建立殖民帝国时, …: when, as a clause
    ],
    "phone": [r"\d{7,}"],
    "place": [r"[\u4e00-\u9fff]{2,6}路\d+号"],
}

# a body's name written in Latin letters inside Chinese text (Virgin Media, BSkyB): each word capitalised,
# with lower case in it — all-capital abbreviations (GDP, AI) are terms more often than names — and not in
# brackets, where it glosses the Chinese name before it (费斯特出版公司 (Feist Publications))
LATIN_NAME = re.compile(r"(?<![(（])(?<![(（]\s)(?<![A-Za-z0-9])[A-Z][A-Za-z0-9&'-]*[a-z][A-Za-z0-9&'-]*(?:\s+[A-Z][A-Za-z0-9&'-]+){0,3}(?![A-Za-z0-9])")

# what a figure is asked as, and said as: growth (增长了多少) is answered by a sentence that says
# something grew, with the figure after it; an average (平均, per project) by one given as such, not a total
GROWTH_ASKED = re.compile(r"(?:增长|增加|提高|提升|上升)了?多少|增幅|增速|增长率|\bhow much\b.*\b(?:grow|grew|grown|increase[sd]?|rise|rose|risen)\b|\bgrowth (?:rate|of)\b", re.IGNORECASE)
GROWTH_SAID = re.compile(r"增|提高|提升|上升|翻番|翻了|升至|涨")
AVERAGE_ASKED = re.compile(r"平均|人均|户均|年均|单个|单笔|单份|\baverage\b|\bper (?:capita|person|head|project|year|enterprise|company)\b|\bmean\b", re.IGNORECASE)
AVERAGE_SAID = re.compile(r"平均|均|每|单个|单笔|单份|最高|最大|最多")  # per one, or the largest one (单项 is 榜单项目 as often)
# a title written after a name is part of how the text names the person (习近平总书记, 王明院士)
TITLE_AFTER = re.compile(r"总书记|副?主席|副?总理|副?书记|副?市长|副?部长|副?主任|副?局长|院士|教授|同志|委员|代表")
# a place that opens the name of a body (良渚实验室, 中国科学院大学): the rest of the name, no 的 or 与 between
BODY_AFTER = re.compile(r"(?:(?![的在与和及建设立共开])[\u4e00-\u9fff]){0,6}?(?:大学|学院|研究院|研究所|实验室|医院|银行|公司|集团)")
