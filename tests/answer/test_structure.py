"""Enumerations: in the structure of a reply (fixture corpora) and inside sentences (CMRC 2018)."""

import pytest

from rag.answer.inline import inline_units
from rag.answer.outline import outline
from rag.parse import parse_document

REPLY = """上海市科学技术委员会

沪科提复〔2030〕3号

对市政协十五届一次会议第0101号提案的答复

王一委员：

您提出的“关于发展海洋科技的提案”收悉，现答复如下：

近年来，本市多措并举发展海洋科技。一是建设海洋实验室，已建成3家。二是支持海洋装备企业，累计支持45项。

下一步，我们将重点推进以下工作：

一、加强平台建设

1.建设深海观测站。推进观测网络。

2.完善共享机制。开放大型仪器。

二、加强人才培养

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

2030年3月1日
"""


def test_outline_finds_lists_in_paragraphs_and_in_headings_with_their_tense():
    doc = parse_document(REPLY, "a.txt")
    lists = {tuple(doc.text[a:b][:6] for a, b in e.leads): e for e in outline(doc)}
    inline = next(e for k, e in lists.items() if k[0].startswith("一是"))
    headings = next(e for k, e in lists.items() if k[0].startswith("一、"))
    nested = next(e for k, e in lists.items() if k[0].startswith("1."))
    assert len(inline.items) == 2 and not inline.future  # 近年来 … 已建成: past work
    assert len(headings.items) == 2 and headings.future  # introduced by 下一步 … 将
    assert nested.future and nested.depth > headings.depth  # nested in a plan: a plan too


def test_runs_of_items_inside_sentences():
    sentence = "常用的氧化剂有过氧化氢、有机过氧化物、次氯酸钠、高碘酸钠、亚碘酰苯等。"  # CMRC 2018
    form, units = inline_units(sentence)
    assert form == "run" and [sentence[a:b] for a, b in units][-1] == "亚碘酰苯" and len(units) == 5


@pytest.mark.parametrize(
    "sentence, items",
    [
        ("去年 3 月，区教育局、区卫健委、区体育局联合发布《青少年健康促进计划》。", ["区教育局", "区卫健委", "区体育局"]),
        ("甲公司、乙公司、丙公司生物医药创新中心都已投用。", ["甲公司", "乙公司", "丙公司生物医药创新中心"]),  # 创新 in a name
    ],
)
def test_the_last_item_ends_before_what_the_sentence_says_of_them_all(sentence, items):
    form, units = inline_units(sentence)
    assert [sentence[a:b] for a, b in units] == items


def test_the_run_of_the_kind_asked_about_wins():
    sentence = "他从八岁起学习功夫，精通跆拳道、空手道，以及散打、咏春、气功、太极等多种中国武术。"  # CMRC 2018
    form, units = inline_units(sentence, head=("武术",))
    assert [sentence[a:b] for a, b in units] == ["散打", "咏春", "气功", "太极"]


@pytest.mark.parametrize(
    "sentence, sure",
    [
        ("该市建有甲城实验室、乙城实验室和丙城实验室。", 2),  # names ending in the noun asked about
        ("强化国家实验室、重大科技基础设施、高水平研发机构等平台的集聚效应。", 1),  # the noun itself among kinds of platform
    ],
)
def test_names_of_the_kind_asked_end_in_its_noun_and_are_not_the_noun(sentence, sure):
    from rag.answer.inline import kind_asked

    form, units = inline_units(sentence, head=("国家实验室", "室"))
    assert kind_asked(sentence, units, ("国家实验室", "室")) == sure


def test_no_item_cuts_through_a_parenthesis():
    cut = "他擅长多个中长跑项目：（尤其是 800 米，1500 米，5000 米）并多次夺冠，后来转任教练。"
    form, units = inline_units(cut)
    assert all(cut[a:b].count("（") == cut[a:b].count("）") for a, b in units)
    whole = "主要项目包括：800 米（室内），1500 米，5000 米。"
    form, units = inline_units(whole)
    assert [whole[a:b] for a, b in units] == ["800 米（室内）", "1500 米", "5000 米"]


def test_parallel_quotes_and_titles():
    quotes = "聚焦“三个一批”，即“引进一批”、“培育一批”、“提升一批”。"
    form, units = inline_units(quotes)
    assert form == "quotes" and {"引进一批", "培育一批", "提升一批"} <= {quotes[a:b] for a, b in units}
    titles = "两地联合印发《江城科技合作机制》和《双城创新券实施意见》。"
    assert inline_units(titles, head=("文件",))[0] == "titles"
    one_work = "《远山》是一部1990年出版的小说，2001年改编为电影《远山》。"  # one work named twice is no list
    assert inline_units(one_work)[0] != "titles"


def test_incidental_quotes_are_not_a_list():
    assert inline_units("坚持“谁能干就让谁干”，推出“赛马”机制，对“揭榜”项目给予奖励。")[0] != "quotes"


@pytest.mark.parametrize(
    "sentence, items",
    [
        # the first item without its clause's lead-in, about as long as the others
        ("该区已在新能源、生物制造、低空经济等领域布局了一批项目。", ["新能源", "生物制造", "低空经济"]),
        ("研究所攻克了一批光刻胶、靶材、电子特气等关键材料。", ["光刻胶", "靶材", "电子特气"]),
        ("企业拥有智能网联汽车、海工装备、燃料电池等创新中心。", ["智能网联汽车", "海工装备", "燃料电池"]),
        # 与 between two names of one kind ends the lead-in; inside a name it does not
        ("东湖实验室与西山实验室、南岭大学、北江研究院等开展合作。", ["西山实验室", "南岭大学", "北江研究院"]),
        ("园区集聚了中科院江城光学与精密机械研究所、中科院江城化学研究所等机构。", ["中科院江城光学与精密机械研究所", "中科院江城化学研究所"]),
        # the last item without the count after it, and X和Y as two items
        ("学院围绕航空、航天、船舶三大领域开展研究。", ["航空", "航天", "船舶"]),
        ("平台覆盖数学、物理、化学和生物等学科。", ["数学", "物理", "化学", "生物"]),
        # a run inside a quotation ends with it
        ("推出“一网通办、一网统管、一码通行”的服务体系和评价机制。", ["一网通办", "一网统管", "一码通行"]),
        # a verb with its preposition ends the lead-in, however short the first item (分布于 江西)
        ("该植物分布于江西、湖南山区、广西北部等地。", ["江西", "湖南山区", "广西北部"]),
        ("这种鱼栖息于东海近岸、南海北部、台湾海峡等海域。", ["东海近岸", "南海北部", "台湾海峡"]),
        # 以及 inside the run joins two items
        ("该校已在北方大学、东海学院以及西江研究院的实验室、南山医院等设立工作站。", ["北方大学", "东海学院", "西江研究院的实验室", "南山医院"]),
        # verb-led items keep their verbs
        ("报告提出了全面加强基础材料攻关、重点支持龙头企业建设平台、统筹提升园区服务水平等建议。",
         ["全面加强基础材料攻关", "重点支持龙头企业建设平台", "统筹提升园区服务水平"]),
    ],
)
def test_items_of_a_run_read_as_a_list(sentence, items):
    form, units = inline_units(sentence, head=("机构",))
    assert form == "run" and [sentence[a:b] for a, b in units] == items


@pytest.mark.parametrize(
    "sentence, items",
    [
        ("今后将完善人才评价机制，持续优化科研项目管理，研究制定经费使用细则，更好激发科研人员活力。",
         ["完善人才评价机制", "持续优化科研项目管理", "研究制定经费使用细则"]),
        ("下一步，我们将加强平台建设，深化区域合作，确保各项任务落地见效。", ["加强平台建设", "深化区域合作"]),
    ],
)
def test_the_steps_of_a_plan_sentence_without_its_lead_in_and_its_purpose(sentence, items):
    form, units = inline_units(sentence)
    assert form == "clauses" and [sentence[a:b] for a, b in units] == items


@pytest.mark.parametrize("text, item", [("包括天文馆", "天文馆"), ("例如自然博物馆", "自然博物馆"), ("如期完成", "如期完成")])
def test_the_word_that_opens_a_list_is_not_part_of_its_first_item(text, item):
    from rag.answer.inline import _after_lead_in

    start, end = _after_lead_in(text, (0, len(text)), [])
    assert text[start:end] == item
