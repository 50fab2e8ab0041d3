import pytest

from rag.errors import InputError
from rag.query import analyze, question_type, validate_query


@pytest.mark.parametrize(
    "question, qtype",
    [
        ("上海累计成立了多少家外资研发中心？", "number"),
        ("How many foreign R&D centres are there?", "number"),
        ("2022年研发经费占GDP比重是多少？", "number"),
        ("揭榜挂帅试点是哪一年启动的？", "date"),
        ("When was the reply issued?", "date"),
        ("联系人是谁？", "person"),
        ("Who is the reply addressed to?", "person"),
        ("第0254号提案是哪几位委员提的？", "person"),
        ("在沪国家实验室主要聚焦哪几个领域？", None),
        ("上海在《2022 自然指数-科研城市》中排名第几？", "rank"),
        ("那个通用视觉大模型叫什么？", "name"),
        ("杨彩虹代表的建议是在哪次会议上提出的？", None),
        ("嘉定新城在哪里？", "place"),
    ],
)
def test_question_types(question, qtype):
    assert question_type(question) == qtype


def test_units_and_counters():
    assert analyze("上海全社会研发经费支出总额是多少亿元？").unit == "money"
    info = analyze("上海目前有多少家科技小巨人企业？")
    assert (info.unit, info.counter) == ("count", "家")
    assert analyze("What share of GDP went to R&D?").unit == "percent"
    assert analyze("李琛浩委员的提案编号是多少？").unit == "serial"


def test_years_and_doc_numbers_are_constraints_not_terms():
    info = analyze("沪科提复〔2023〕50号的联系人是谁？2022年")
    assert info.doc_numbers == ("沪科提复〔2023〕50号",)
    assert info.years == ("2022",)  # 2023 inside the 文号 is not a year constraint
    assert all("50" != g.source for g in info.groups)


def test_which_words_are_not_concepts():
    sources = [c.source for c in analyze("哪两家制造业创新中心已经升级为国家级？").concepts]
    assert "两家" not in sources and "制造业" in sources


@pytest.mark.parametrize("bad", ["", "   ", "\t\n", "a" * 2001, "问题\x1b[31m", "\x07"])
def test_bad_queries_raise_input_errors(bad):
    with pytest.raises(InputError):
        validate_query(bad)


def test_queries_are_stripped_and_spaces_collapsed():
    assert validate_query("  外资   研发\n中心 ") == "外资 研发 中心"
