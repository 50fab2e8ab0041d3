import pytest

from rag.errors import InputError
from rag.query import analyze, validate_query


def test_years_and_doc_numbers_are_constraints_not_terms():
    info = analyze("沪科提复〔2023〕50号的联系人是谁？2022年")
    assert info.doc_numbers == ("沪科提复〔2023〕50号",)
    assert info.years == ("2022",)  # 2023 inside the 文号 is not a year constraint
    assert all("50" != g.source for g in info.groups)


@pytest.mark.parametrize(
    "question, years",
    [
        ("该乐队在 1990 年之前发行过几张专辑？", ()),  # a bound: the answer is another year
        ("这座桥 2005年以后维修过几次？", ()),
        ("Which album did the band release before 1990?", ()),
        ("2019年前三季度的出口额是多少？", ("2019",)),  # 前三季度: the first three quarters of that year
        ("2020年以来新建了多少座桥？", ("2020",)),  # since 2020: that year on
        ("这座桥是不是2005年以后才建成的？", ("2005",)),  # yes or no is settled by the year said
    ],
)
def test_a_year_that_bounds_the_question_is_no_constraint(question, years):
    assert analyze(question).years == years


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


def test_asking_how_a_suggestion_will_be_carried_out_names_no_topic():
    sources = {c.source for c in analyze("针对王明代表的建议，街道准备怎么落实？").concepts}
    assert "落实" not in sources and "王明" in sources  # carrying it out is the form; the suggestion is named


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
        ("这名投手本赛季投出了多少次三振？", "三振"),  # 次 counts, as the answers' figures do (12 次)
        ("这届运动会共举办了多少场决赛？", "决赛"),
        ("获奖的参赛作品有多少件？", "参赛作品"),  # the noun after 的, not its modifier
        ("社区卫生服务站在三个街道有多少家？", "社区卫生服务站"),  # the noun before where it is
        ("这些候鸟大概有多少种？", "这些候鸟"),  # 大概 is not part of the noun
        ("该项目有多少人才入选？", "人才"),  # a measure word that begins the noun (人才, 家庭) is part of it; the verb after is not
        ("该镇有多少家庭受益？", "家庭"),
        ("全县有多少家外地企业的分支机构？", "分支机构"),  # the noun after 的
        ("哪两家外地研究院的本地分部参与了？", "外地研究院"),  # unless a body is counted and a part of it follows
    ],
)
def test_the_noun_a_count_is_of(question, head):
    assert analyze(question).head[0] == head


@pytest.mark.parametrize("question", [
    "有多少人参加了这次试飞？",  # people are counted (人), and what they did follows
    "那场洪水中有多少人死亡？",
    "球队派了多少人去救援？",
    "该馆收藏了多少幅画？",  # 幅画 is a measure word and a one-character noun
    "森林占全省面积的多少比例？",  # a share is said as a percentage
    "老城区的公园和新城的公园哪个数量多？",  # the figure itself is named
    "What share of the budget went to schools?",
])
def test_no_noun_is_required_where_the_count_names_none(question):
    assert analyze(question).head == ()


def test_the_words_that_ask_when_are_no_concepts():
    assert "通车" in {g.source for g in analyze("这座桥是什么时候通车的？").concepts}
    for question in ("这座桥是什么时候通车的？", "这座桥何时通车？", "这部小说于何年出版？"):
        assert not {g.source for g in analyze(question).concepts} & {"时候", "何时", "何年", "什么时候"}
