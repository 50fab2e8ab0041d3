"""Figures in Chinese and English sentences written for these tests (none from the corpus):
units, magnitudes, Chinese numerals, hedges, ranges, fractions, ranks, serials and identifiers,
and when a reply's figure supports a claim's."""

import pytest

from rag.dates import dates, doc_numbers, years
from rag.quantities import compatible, implies, quantities, zh_number


def only(text):
    qs = quantities(text)
    assert len(qs) == 1, [q.text for q in qs]
    return qs[0]


@pytest.mark.parametrize("numeral, value", [("四百五十三", 453), ("两万二千", 22000), ("十二", 12), ("一百二十", 120), ("三千零五", 3005), ("四点二", 4.2), ("二十", 20), ("十", 10)])
def test_chinese_numerals(numeral, value):
    assert zh_number(numeral) == value


@pytest.mark.parametrize("text, unit, low, high", [
    ("全市建成算力平台12个。", "count", 12, 12),
    ("全市建成算力平台十二个。", "count", 12, 12),
    ("投入资金 2.5 亿元。", "money", 2.5e8, 2.5e8),
    ("签约金额3600万元。", "money", 3.6e7, 3.6e7),
    ("增长了百分之七点五。", "percent", 7.5, 7.5),
    ("占比约 15%。", "percent", 13.5, 16.5),
    ("引进人才1500余人。", "count", 1500, 1600),
    ("服务企业40余家。", "count", 40, 50),
    ("孵化企业 10 多家。", "count", 10, 20),
    ("累计登记成果近 2.4 万项。", "count", 21600, 24000),
    ("服务企业超过600家。", "count", 600, float("inf")),
    ("培育企业 30 家以上。", "count", 30, float("inf")),
    ("建成实验室20-25家。", "count", 20, 25),
    ("占全国的三分之一。", "percent", 100 / 3, 100 / 3),
    ("占全市比重1/4。", "percent", 25, 25),
    ("位列全国第二。", "rank", 2, 2),
    ("排名升至第 7 位。", "rank", 7, 7),
    ("Some 2,300 start-ups were incubated.", "count", 2070, 2530),
    ("It invested more than 3.5 billion yuan.", "money", 3.5e9, float("inf")),
    ("Did the share exceed 4% last year?", "percent", 4.0, float("inf")),  # exceed in a question: more than
    ("Did the town surpass 120 firms?", "count", 120.0, float("inf")),
    ("Funding reached RMB 80 million.", "money", 8e7, 8e7),
    ("The share rose to 12.5 percent.", "percent", 12.5, 12.5),
    ("Nearly half of the firms took part.", "percent", 45, 50),
    ("About one third of the labs are new.", "percent", 30, 100 / 3 * 1.1),
    ("The city ranked 4th in the country.", "rank", 4, 4),
    ("It was filed as proposal No. 0731.", "serial", 731, 731),
    ("第 0731 号提案", "serial", 731, 731),
    ("联系电话：62345678", "id", 62345678, 62345678),
    ("树高可达55米。", "measure:米", 55, 55),
    ("果实长约15厘米。", "measure:米", 0.135, 0.165),
    ("身高182CM。", "measure:米", 1.82, 1.82),
    ("体重约8公斤。", "measure:克", 7200, 8800),
    ("年仅两岁。", "measure:岁", 2, 2),
])
def test_figures_become_intervals_in_base_units(text, unit, low, high):
    q = only(text)
    assert q.unit == unit
    assert q.low == pytest.approx(low) and q.high == pytest.approx(high)


@pytest.mark.parametrize("text", [
    "建设一批新型研发机构。",  # 一批: "a batch"
    "聚焦5G通信和C919大飞机。",  # names, not figures
    "落实“十四五”规划。",
    "第四代半导体材料。",
    "The 14th Five-Year Plan sets the goals.",  # an ordinal in a name
    "It was the first city in China to do so.",  # first, not a rank
    "2022年的工作",  # a year
    "沪科建复〔2025〕12号",  # a 文号
])
def test_names_years_and_articles_are_not_figures(text):
    assert quantities(text) == []


def test_a_hedge_that_ends_a_word_is_not_a_hedge():
    q = only("已与企业签约35个。")  # 签约 is "signed", not 约 "about"
    assert (q.low, q.high) == (35, 35)


def test_the_english_hedge_wins_in_english_text():
    q = only("The programme covers about 10% of the budget.")
    assert (q.low, q.high) == (pytest.approx(9), pytest.approx(11))


def test_units_must_match_to_compare():
    count, money, pct = only("12家"), only("12亿元"), only("12%")
    assert not compatible(count, money) and not compatible(money, pct)
    assert compatible(only("12所"), only("15家"))  # both count bodies
    assert not compatible(only("12项"), only("12人"))  # items are not people
    assert compatible(only("twelve companies"), only("12家"))  # English counts match any measure word


@pytest.mark.parametrize("reply, claim, supported", [
    ("超过300家", "超过300家", True),
    ("超过300家", "约200家", False),
    ("超过300家", "300家", False),  # the reply says more than that
    ("超过300家", "超过250家", True),
    ("超过300家", "超过40家", False),  # true, but misleading by an order of magnitude
    ("453家", "超过400家", True),
    ("453家", "400余家", True),
    ("453家", "约450家", True),
    ("453家", "近500家", True),
    ("453家", "450家", False),
    ("约20家", "约20家", True),
    ("约20家", "20家", False),  # the claim drops the hedge
    ("近80%", "nearly 80%", True),
    ("近80%", "近90%", False),
    ("1/3", "about one third", True),
    ("1/3", "33%", False),
    ("1/3", "约33%", True),
    ("2.2万家", "22,000 companies", True),
    ("2.2万家", "2.3万家", False),
    ("5200万元", "52 million yuan", True),
    ("超8亿元", "more than 800 million yuan", True),
    ("超8亿元", "more than 8 billion yuan", False),
    ("第0982号", "No. 982", True),
    ("第0982号", "第0928号", False),
])
def test_a_reply_supports_a_claim_when_its_figure_implies_the_claims(reply, claim, supported):
    r, c = only(reply), only(claim)
    assert compatible(c, r)
    assert implies(r, c) is supported


def test_years_and_dates():
    assert [y for y, _, _ in years("2016年印发方案，2017年启动试点，2021-2022年扩大范围。")] == [2016, 2017, 2021, 2022]
    assert [y for y, _, _ in years("In 2022, the pilot grew; it began in 2019.")] == [2022, 2019]
    assert years("共有2000家企业") == [] and years("沪科建复〔2025〕12号") == []
    got = [(d.year, d.month, d.day) for d in dates("2024年3月5日印发；平台于2023年11月上线。It was issued on 5 March 2024 and on March 6, 2024, in May 2023.")]
    assert got == [(2024, 3, 5), (2023, 11, None), (2024, 3, 5), (2024, 3, 6), (2023, 5, None)]


def test_doc_numbers_are_normalised():
    assert [n for n, _, _ in doc_numbers("见沪科建复[2025] 12号和沪科提复（2024）3 号。")] == ["沪科建复〔2025〕12号", "沪科提复〔2024〕3号"]


def test_a_top_n_is_a_rank_of_at_most_n():
    (q,) = quantities("ranked in the top 5 of the index")
    assert (q.unit, q.low, q.high) == ("rank", 1.0, 5.0)
    (q,) = quantities("位列全国前五名")
    assert (q.unit, q.low, q.high) == ("rank", 1.0, 5.0)
    assert implies(quantities("第 3 位")[0], q) and not implies(quantities("第 6 位")[0], q)
