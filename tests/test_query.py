import pytest

from rag.errors import InputError
from rag.query import analyze, validate_query


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


def test_traditional_characters_are_analysed_as_simplified():
    info = analyze("上海外資研發中心有多少家？")
    assert info.text == "上海外資研發中心有多少家？"  # the question as asked
    assert info.simplified == "上海外资研发中心有多少家？"
    assert {"外资", "研发"} <= {c.source for c in info.concepts}


def test_form_words_of_list_and_plan_questions_are_not_concepts():
    sources = {c.source for c in analyze("下一步在人才培养方面有哪些具体措施？").concepts}
    assert "人才培养" in sources or {"人才", "培养"} <= sources
    assert not sources & {"下一步", "措施", "具体", "哪些"}


@pytest.mark.parametrize(
    "question, head",
    [
        ("这种鲨鱼有多少颗牙齿？", "牙齿"),  # a measure word (颗) is not part of the noun counted
        ("该馆藏有多少件瓷器？", "瓷器"),
        ("这些候鸟大约有多少种？", "这些候鸟"),  # 大约 is not part of the noun before the question word
        ("参赛作品主要分为几类？", "参赛作品"),  # nor is the verb that divides it
        ("该基金共有多少名份额持有人？", "份额持有人"),  # 有 inside 持有人 does not end the noun
        ("哪些年份有人值守？", "年份"),  # 有人 (someone) does
        ("哪个城市拥有最多的博物馆？", "城市"),  # and so does a verb of having
    ],
)
def test_the_noun_a_count_is_of(question, head):
    assert analyze(question).head[0] == head
