"""Key spans, on sentences from CMRC 2018 and XQuAD and sentences written for these tests."""

import re

import pytest

from rag.answer.spans import best_clause, head_spans, key_span


def span(qtype, text, **kw):
    found = key_span(qtype, text, kw.pop("anchors", []), kw.pop("entities", {}), **kw)
    return text[found[0]:found[1]] if found else None


@pytest.mark.parametrize(
    "qtype, text, expected",
    [
        ("date", "此法于19世纪60年代由索尔维公司实现现代化生产。", "19世纪60年代"),  # CMRC 2018
        ("date", "霁虹桥也是哈尔滨20世纪20年代不多见的以汉语命名的建筑。", "20世纪20年代"),  # CMRC 2018
        ("duration", "找到石油和开发新油田通常需要 五到十年 才能进入量产。", "五到十年"),  # XQuAD
        ("duration", "教师资格证一般为期三年，但是也可以获得长达 十年 的证书。", "三年"),
        ("number", "Energiprojekt蒸汽机的效率在高压发动机上达到约 27-30％ 。", "约 27-30％"),  # XQuAD, full-width %
        ("number", "他们还夺得了 1946 年的全国冠军以及两次世界冠军。", "两次"),  # XQuAD
        ("number", "他身高182CM，体重70公斤。", "182CM"),  # a measure with its unit, latin or Chinese
        ("number", "两家公司已签约12个项目。", "12个"),  # 签约 (signed) ends a word: its 约 is no "about"
        ("number", "全年共约300家企业参展。", "约300家"),
        ("number", "毛利幸松丸被拥立为下任当主时年仅两岁。", "两岁"),
        ("number", "叶片全长通常只有2cm（0.79英尺）。", "2cm"),
        ("number", "该市从 2020 年的第 5 位升至第 3 位，共有 12 家机构上榜。", "12 家"),  # 第 3 位 is a place, not a count
        ("date", "盛花期为夏季，果期在秋季。", "夏季"),
        ("date", "其生殖季在2至4月。", "2至4月"),
        ("date", "双方代表于一九六一年九月十日互换批准书。", "一九六一年九月十日"),
        ("date", "该城是罗马人在公元前25年建立的。", "公元前25年"),
        ("date", "6月26日上午，该航班起飞。", "6月26日"),
    ],
)
def test_typed_spans(qtype, text, expected):
    assert span(qtype, text, counter="次" if "次" in expected else None) == expected


def test_a_number_beside_the_noun_it_counts():
    text = "全市共有国家级孵化器约20家，占比1/5，市级孵化器超过300家。"
    assert span("number", text, unit="count", head=("市级孵化器", "孵化器")) == "超过300家"
    assert span("number", text, unit="count", head=("国家级孵化器", "孵化器")) == "约20家"


def test_a_figure_after_another_year_is_that_years():
    text = "该校在全国排名中从2019年的第8位升至第4位。"
    assert span("rank", text, years=("2023",)) == "第4位"


def test_names_ending_in_the_noun_asked_about():
    text = "新设立的健康集团已落户东湖新城，研究院在西山新城注册成立。"
    assert [text[a:b] for _, a, b in head_spans(text, ("新城",))] == ["东湖新城", "西山新城"]
    titles = "根据《江城市促进大型仪器共享规定》有关要求，开展共享服务。"
    assert span(None, titles, head=("规定",)) == "江城市促进大型仪器共享规定"


def test_a_name_the_question_gives_is_not_its_answer():
    text = "东湖实验室与西山实验室、南岭大学等开展合作。"
    assert span("org", text, head=("实验室",), given=frozenset({"东湖实验室"})) == "西山实验室"


def test_a_figure_the_question_names_is_not_its_answer():
    text = "目前，三个园区共有国家级中心约20家，市级中心超过300家。"
    assert span("number", text, unit="count", question="三个园区有多少家国家级中心？") == "约20家"
    # a figure only as a whole figure: 20 is not the 2022 of the question
    assert span("number", "2022年全区建成20个站点。", unit="count", question="2022年建成了多少个站点？") == "20个"


@pytest.mark.parametrize(
    "text, expected",
    [("发布了行动方案（2022-2025）。", None), ("规划期为 2021—2025 年。", None), ("比重为 27-30％。", "27-30％"), ("共 15 项任务。", "15 项"),
     ("聚焦 6G 通信、3D 打印等领域。", None), ("建成 5G 基站 120 个。", "120 个")],
)
def test_the_years_of_a_period_or_a_name_like_6g_are_not_a_figure(text, expected):
    found = key_span("number", text, [], {})
    assert (text[found[0]:found[1]] if found else None) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("这座石桥在 1907 建成，至今仍在使用。", "1907"),  # a year without 年
        ("作曲家王某 (1893-1961) 曾在此任教。", "1893"),
        ("园区于2019年启用，共有 1907 家企业入驻。", "2019年"),  # 1907 家 is a count, not a year
        ("馆内藏有 1500 件瓷器。", None),
        ("项目总投资 2000 万元。", None),
    ],
)
def test_a_bare_year_is_a_date_but_a_count_is_not(text, expected):
    assert span("date", text) == expected


@pytest.mark.parametrize(
    "qtype, text, expected",
    [
        ("place", "企业主要集中在上海自贸试验区内。", "上海自贸试验区"),  # 自 inside a word is no function word
        ("org", "该项目由同济大学牵头。", "同济大学"),
        ("org", "中国科学院上海有机化学研究所参与了研究。", "中国科学院上海有机化学研究所"),
        ("org", "他先后在广西壮族自治区计划委员会任职。", "广西壮族自治区计划委员会"),
        ("org", "人才主要来自上海交通大学。", "上海交通大学"),  # 来自 is a verb the name does not start with
        ("place", "项目已落户临港新片区。", "临港新片区"),
        ("org", "该区组建了城市更新研究院。", "城市更新研究院"),  # nor with the particle 了
    ],
)
def test_a_name_is_read_back_word_by_word_to_its_start(qtype, text, expected):
    assert span(qtype, text) == expected


def test_a_clause_that_restates_the_question_runs_on_to_what_it_says():
    question = "永安桥改称什么？"
    restating = "永安桥后来改称，太平桥是它的新名。"
    anchors = [(0, 1.0), (restating.index("改称"), 1.0)]
    start, end = best_clause(restating, anchors, question)
    assert restating[start:end] == "永安桥后来改称，太平桥是它的新名"  # mostly the question: the mark runs on
    assert best_clause(restating, anchors) == (0, restating.index("，"))  # without the question: the clause alone
    saying = "今年新建的大桥由市建设集团承建，工期两年。"
    anchors = [(saying.index("大桥"), 1.0), (saying.index("承建"), 1.0)]
    start, end = best_clause(saying, anchors, "大桥由谁承建？")
    assert saying[start:end] == "今年新建的大桥由市建设集团承建"  # says something new: the clause alone


def test_a_document_asked_for_is_named_by_its_title_whatever_its_last_word():
    text = "本区完善了人才政策，并制定《关于促进社区图书馆发展的若干措施》。"
    assert span(None, text, head=("政策文件", "政策")) == "关于促进社区图书馆发展的若干措施"
    assert span(None, text, head=("文件",)) == "关于促进社区图书馆发展的若干措施"
    assert span(None, "本区完善了人才政策。", head=("政策",)) == "人才政策"  # no title: the noun's name, not the verb and 了 before it


def test_a_change_is_answered_by_the_figure_it_went_to_unless_the_year_it_left_is_asked():
    text = "在今年的评比中，本区从 2019 年的第 8 位升至第 4 位，研发投入从 120 亿元增加到 150 亿元。"
    assert span("rank", text) == "第 4 位"
    assert span("rank", text, years=("2019",)) == "第 8 位"
    assert span("number", text, unit="money") == "150 亿元"
    assert span("date", "展期从 2019 年到 2021 年。") == "2019 年"  # a span of dates is no change


def test_a_name_ending_in_the_noun_asked_about_is_read_back_the_same_way():
    assert [(a, b) for _, a, b in head_spans("项目由同济大学牵头。", ("大学",))] == [(3, 7)]  # 同济大学, not 济大学


@pytest.mark.parametrize(
    "text, expected",
    [
        ("贞观四年（630年），该寺重修大殿。", "贞观四年（630年）"),  # a reign year with its Western year
        ("至正十二年三月，城墙完工。", "至正十二年三月"),  # a reign year with a month in words
        ("开元九年，他回到故乡。", "开元九年"),  # a reign year opening a clause
        ("1021年七月初三，使团抵达港口。", "1021年七月初三"),
        ("这里的旱季是十一月到二月。", "十一月到二月"),
        ("七、八月份雨水最多。", "七、八月份"),
        ("前221年，秦统一六国。", "前221年"),
        ("该乐队在70年代走红。", "70年代"),
        ("这种瓷器出现于宣德年间。", "宣德年间"),
        ("此花在暮春开放。", "暮春"),
        ("今后三年，园区将扩建一倍。", None),  # a span of years to come is no date
        ("这一时期物价平稳。", None),  # a period named only by a pronoun is no date
        ("当河水漫过堤坝时，村民开始撤离。", "当河水漫过堤坝时"),  # when, said as a clause
        ("当时，村民开始撤离。", None),  # 当时 (then) is no such clause
    ],
)
def test_dates_in_words_reign_years_and_named_periods(text, expected):
    assert span("date", text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("双方同意由 Northwind Traders 负责后续运营。", "Northwind Traders"),  # a body's name in Latin letters
        ("该平台交给 BlueRiver 维护。", "BlueRiver"),
        ("全市 GDP 增长 5%，AI 产业发展迅速。", None),  # all-capital abbreviations are terms, not names
        ("该案由北河出版公司（Northriver Press）起诉。", "北河出版公司"),  # in brackets: a gloss of the name before
    ],
)
def test_a_body_named_in_latin_letters(text, expected):
    assert span("org", text) == expected


def test_a_place_in_a_ranking_is_read_after_the_verb_that_ranks():
    assert span("rank", "该校在本年度榜单中排名第 37，较上年上升两位。") == "第 37"


def qspan(question, text, qtype="number", **kw):
    """The span for a question's own wording: its measure word, ordinal or dimension."""
    return span(qtype, text, question=question, **kw)


@pytest.mark.parametrize(
    "question, text, expected",
    [
        ("全省划分为多少道？", "当年全省划分为十三道，各设长官一人。", "十三道"),  # a measure word no list holds
        ("该岛有几个灯塔？", "该岛只有一个灯塔，建于岛的北端。", "一个"),  # 一 counts after 只
        ("该岛有几个码头？", "岛上有一个传说，码头是渔民修建的。", None),  # elsewhere 一个 is "a"
        ("这位画家是该画派的第几代传人？", "他是该画派第7代传人，1950年出生。", "第7代"),  # 第几 asks for the ordinal
        ("本届运动会是第多少届？", "本届运动会是第十二届，共有30个代表队参加。", "第十二届"),
        ("这条隧道有多长？", "隧道宽12.5米，全长860米，连接两岸。", "860米"),  # the figure beside 长
        ("他的任期是多长？", "2019年3月，他获委任为主席，任期三年。", "三年"),  # 多长 of a time
        ("该鱼生活在多深的水域？", "该鱼栖息于水深5至20公尺的礁区。", "5至20公尺"),
        ("政府为计划拨出多少经费？", "政府为计划拨出2亿3000万美元经费。", "2亿3000万美元"),
        ("该校毕业生的升学率是多少？", "该校毕业生升学率约为七成。", "约为七成"[2:]),
        ("这条公路的编号是多少？", "这条公路编号为S203，全长80公里。", "S203"),
    ],
)
def test_a_figure_with_the_measure_word_ordinal_or_dimension_asked(question, text, expected):
    assert qspan(question, text, unit="serial" if "编号" in question else None) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("图书馆开放时间为8时30分－17时00分，周一闭馆。", "8时30分－17时00分"),  # hours of a day
        ("熙宁三年又在此设县。", "熙宁三年"),  # a reign year opening a sentence
        ("后来在太和七年迁都。", "太和七年"),
        ("其中三年在海外任职。", None),  # a count of years is no reign year
        ("812年，城池再次扩建。", "812年"),  # a year of three digits opening a clause
    ],
)
def test_hours_reign_years_and_early_years(text, expected):
    assert span("date", text) == expected


@pytest.mark.parametrize(
    "question, text, expected",
    [
        ("青石镇又叫什么？", "青石镇，又名石桥镇，位于河谷北岸。", "石桥镇"),
        ("这种草又被称为什么？", "这种草为禾本科植物，也称为金丝草、黄茅或山茅。", "金丝草、黄茅或山茅"),  # every other name
        ("这种糕点原名是什么？", "这种糕点原名“桂花糕”，也称“蜜糕”。", "桂花糕"),  # the name after the word asked
        ("该协会的简称是什么？", "东岭科技协会，简称“东科协”，成立于1990年。", "东科协"),
        ("这种现象叫什么？", "这类条带被称为棱带，而其上的纤毛称为“栉板”。", "栉板"),  # no other name asked: quoted names only
    ],
)
def test_another_name_is_read_after_the_word_that_gives_it(question, text, expected):
    assert qspan(question, text, qtype="name") == expected


def test_the_noun_asked_about_is_a_whole_word_not_part_of_another():
    text = "聚焦大飞机制造关键技术，探索揭榜挂帅新型科研组织机制。"
    assert [text[a:b] for _, a, b in head_spans(text, ("机制",))] == ["探索揭榜挂帅新型科研组织机制"]  # not 大飞机制(造)


def _anchors(text, *words):
    return [(m.start(), 1.0) for w in words for m in re.finditer(w, text)]


@pytest.mark.parametrize(
    "words, expected",
    [
        (("酒店",), "1200家"),  # the whole, not the part 其中 gives
        (("外资", "酒店"), "300家"),  # the part, when the question names what sets it apart
    ],
)
def test_a_part_introduced_by_qizhong_answers_only_when_asked_for(words, expected):
    text = "全市共有1200家星级酒店，其中外资酒店300家，分布在十个区。"
    assert span("number", text, anchors=_anchors(text, *words), head=("酒店",)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("该装置由蛋白质中心负责运行，向全国开放。", None),  # a centre is no university
        ("该装置由南方理工大学和蛋白质中心共同运行。", "南方理工大学"),
    ],
)
def test_a_body_asked_for_by_a_kind_its_names_end_in_has_that_ending(text, expected):
    assert span("org", text, head=("大学",)) == expected


def test_a_university_may_be_named_a_college():
    assert span("org", "他1970年毕业于北方民族学院，后在该省工作。", head=("大学",)) == "北方民族学院"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("会议传达了王明院士关于基础研究的讲话。", "王明院士"),  # a title after the name is part of how the text names him
        ("本项工作由王明负责。", "王明"),
        ("王明委员：您提出的提案收悉。", "王明委员"),
    ],
)
def test_a_person_is_named_with_the_title_that_follows(text, expected):
    assert span("person", text, entities={"person": frozenset({"王明"})}) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("甲城实验室与良渚实验室、中国科学院大学杭州高等研究院等开展合作。", None),  # places that open bodies' names
        ("该中心位于张江高科技园区的东侧。", "张江高科技园区"),
        ("双方在嘉定新城共建联合研究院。", "嘉定新城"),
    ],
)
def test_a_place_that_opens_the_name_of_a_body_is_not_where_something_is(text, expected):
    assert span("place", text, entities={"place": frozenset({"良渚", "中国", "张江", "杭州", "嘉定"})}, question="在哪里？") == expected


def test_a_count_closing_its_clause_counts_the_noun_said_before():
    text = "全年共受理120个课题，其中重点课题45个，已顺利结题30个。"  # 30个: 30 topics, the noun elided
    anchors = [(m.start(), 1.0) for w in ("结题",) for m in re.finditer(w, text)]
    assert span("number", text, anchors=anchors, head=("课题",), question="已经结题的课题有几个？") == "30个"
    anchors = [(m.start(), 1.0) for m in re.finditer("受理", text)]
    assert span("number", text, anchors=anchors, head=("课题",), question="受理的课题有多少个？") == "120个"
