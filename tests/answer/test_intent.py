"""Intent classification, on questions from the public benchmarks and questions written for these
tests about other subjects (never the gold sets)."""

import pytest

from rag.answer.intent import classify, is_question


@pytest.mark.parametrize(
    "question, kind, qtype",
    [
        ("波兰人队赢得过多少次奖杯？", "factoid", "number"),  # XQuAD
        ("人们什么时候又开始对特斯拉感兴趣了？", "factoid", "date"),  # XQuAD
        ("教师资格证的最长期限是多久？", "factoid", "duration"),  # XQuAD
        ("比赛结束时还剩多少时间？", "factoid", "duration"),
        ("谁是当时世界第二大石油生产国?", "factoid", "person"),  # XQuAD
        ("How long did the drought last?", "factoid", "duration"),
        ("In which month and year did the bridge open?", "factoid", "date"),
        ("该市采取了哪些措施来减少空气污染？", "list", None),
        ("What measures has the city taken to cut traffic?", "list", None),
        ("Which museums did the mayor visit?", "list", None),  # a plural asks for several things
        ("Which institution leads the harbour authority?", "factoid", "org"),  # "leads the": a verb, not a plural
        ("Which universities offer the course?", "list", "org"),
        ("下一步学校打算如何改进课程？", "plan", None),
        ("未来这所学校要开设哪些课程？", "plan", None),
        ("Where did the team rank in the 2019 league table?", "factoid", "rank"),
        ("What will the council do next to reduce flooding?", "plan", None),
        ("对居民反映的问题，街道后续有什么安排？", "plan", None),  # 后续: what follows
        ("What follow-up work is planned for the bridge?", "plan", None),
        ("Which bodies issued the action plan on river clean-up in 2021?", "list", "org"),  # a plan named, not asked for
        ("What does the district plan to do about the river?", "plan", None),
        ("Which team ranks first in the league?", "factoid", None),  # ranks: a verb, not a plural
        ("What did the council promise to do about the flooding?", "plan", None),
        ("后续支持的条件有哪些？", "list", None),  # 后续 as a word of the topic, not the future asked
        ("这座桥是否已经建成？", "yesno", None),
        ("Is the museum open on Mondays?", "yesno", None),
        ("北京和上海哪个人口更多？", "compare", "number"),
        ("东门和西门哪个更早建成？", "compare", "date"),
        ("老城区的公园，和新城参与共建的公园，哪个数量多？", "compare", "number"),  # a comma before 和; 与 of 参与 is no 'and'
        ("这座小镇比邻县大吗？", "compare", "number"),
        ("山区和沿海哪个政党最强大？", "factoid", None),  # which is the strongest: no two options compared
        ("这座楼与老城的哪个大厅外观相似？", "factoid", None),  # 大 of 大厅 is no comparison
        ("王老板是如何建立强大的销售网络的？", "factoid", None),  # nor 大 of 强大, nor 比 inside a name
        ("发布这些规模数据的是谁？", "factoid", "person"),  # a figure named by its noun, where who is asked
        ("在哪些城市，出租车的号码都是同一类型的？", "list", "place"),
        ("这份答复的联系人是谁？", "metadata", "person"),
        ("When was the reply issued?", "metadata", "date"),
        ("On what date did the bureau reply to the proposal on flood control?", "metadata", "date"),
        ("学校对这个建议的态度是什么？", "summary", None),
    ],
)
def test_kinds_and_span_types(question, kind, qtype):
    intent = classify(question)
    assert (intent.kind, intent.qtype) == (kind, qtype)


def test_a_date_is_about_the_reply_only_when_the_question_speaks_of_the_reply():
    assert classify("When was the bridge built?").kind == "factoid"
    assert classify("沪科建复〔2030〕9号是哪天印发的？").field == "date"
    assert classify("沪科建复〔2030〕9号提到的试点是哪一年启动的？").kind == "factoid"  # a fact inside the reply


@pytest.mark.parametrize("question, field", [
    ("Who were the members behind proposal No. 0731?", "addressee"),
    ("Who is behind suggestion No. 0415?", "addressee"),
    ("Name the proposers of proposal 0412.", "addressee"),
    ("第0731号提案是哪几位政协委员提的？", "addressee"),  # the body between 哪几位 and 委员
    ("这份建议是哪位人大代表提出的？", "addressee"),
    ("Which people were behind the new fund?", None),  # not a proposal's authors
    ("What is behind the rise in spending?", None),
])
def test_the_people_behind_a_proposal_are_its_addressees(question, field):
    assert classify(question).field == field


@pytest.mark.parametrize("question, field", [
    ("哪几份是政协委员提案的答复？", "kind"),
    ("Which replies were sent to deputies?", "kind"),
    ("Which replies mention deputies?", None),  # a topic, not the kind replied to
    ("哪些答复提到了人大代表？", None),
])
def test_which_replies_answer_one_kind_of_proposal(question, field):
    assert classify(question).field == field


def test_units_counters_and_roles():
    assert classify("该省全社会研发经费支出总额是多少亿元？").unit == "money"
    intent = classify("全市目前有多少家孵化器？")
    assert (intent.unit, intent.counter) == ("count", "家")
    assert classify("What share of exports went to Europe?").unit == "percent"
    assert (classify("县城的学校占全县的几分之几？").qtype, classify("县城的学校占全县的几分之几？").unit) == ("number", "percent")
    assert classify("本地企业能占到几成？").unit == "percent"
    assert classify("Who is the president of the university?").person_role  # a body's name will not do
    assert not classify("谁是当时世界第二大石油生产国?").person_role


def test_two_part_questions_keep_both_parts_and_the_first_unit():
    intent = classify("How many schools were built, and what share of them are rural?")
    assert [p[0] for p in intent.parts] == ["number", "number"] and intent.unit == "count"
    intent = classify("Whom should I contact, and on what phone number?")
    assert intent.fields[:1] == ("contact",) and "phone" in intent.fields
    intent = classify("这份批复有事找谁？电话多少？")  # asked the way one asks at a counter
    assert intent.kind == "metadata" and intent.fields[:1] == ("contact",) and "phone" in intent.fields
    assert classify("Who should I call about this letter?").fields[:1] == ("contact",)
    assert classify("What is the number of Wang Ming's proposal?").field == "proposal_number"
    assert classify("What is the number of the reply to Wang Ming's proposal?").fields == ("doc_number",)
    assert classify("Who signed off the reply on river cleaning?").field == "issuer"


def test_stated_counts_and_past_work():
    assert classify("哪两家医院参加了试点？").count == 2
    assert classify("What two approaches does the plan describe?").count == 2
    assert classify("该校已经取得了哪些进展？").past


@pytest.mark.parametrize("text", ["hello", "test", "asdfgh qwerty", "揭榜挂帅", "' OR 1=1; --"])
def test_greetings_tests_and_bare_terms_are_not_questions(text):
    assert not is_question(text)


@pytest.mark.parametrize("text", ["谁发明了电话？", "How many bridges cross the river", "列举该市的主要产业", "告诉我这座城市有多少人口"])
def test_questions_and_requests_are(text):
    assert is_question(text)


@pytest.mark.parametrize(
    "question, kind, qtype",
    [
        ("市里准备新建的那座体育馆叫什么？", "factoid", "name"),  # a plan word, but one thing's name is asked
        ("下一步打算在哪个区布局新的实验室？", "factoid", "place"),
        ("Which body will lead the new centre?", "factoid", "org"),
        ("下一步将在哪些区布局实验室？", "plan", None),  # several: what the plan holds
        ("下一步有哪些打算？", "plan", None),
    ],
)
def test_a_plan_word_does_not_make_a_question_for_one_thing_a_plan_question(question, kind, qtype):
    intent = classify(question)
    assert (intent.kind, intent.qtype) == (kind, qtype)


@pytest.mark.parametrize("question", [
    "When reviewing the proposal, which bureaus did the Commission consult?",
    "When asked about funding, what did the Commission say?",
    "When comparing the two districts, which has more incubators?",
])
def test_a_when_clause_before_the_question_does_not_ask_for_a_date(question):
    assert classify(question).qtype != "date"


@pytest.mark.parametrize("question", ["When was the incubator opened?", "When will the platform be running?", "Since when has the fund existed?"])
def test_when_still_asks_for_a_date(question):
    assert classify(question).qtype == "date"


@pytest.mark.parametrize(
    "question, asks_phone",
    [
        ("联系电话是多少？", True),
        ("电话号码是什么？", True),
        ("What is the phone number of the office?", True),
        ("What's the contact's phone?", True),
        ("为什么移动电话比固定电话难窃听？", False),  # phones are the topic, not a number asked for
        ("谁发明了电话？", False),
        ("Who invented the telephone?", False),
        ("Which company made the first mobile phone?", False),
    ],
)
def test_a_phone_number_is_asked_for_not_only_phones_mentioned(question, asks_phone):
    intent = classify(question)
    assert (intent.qtype == "phone" or "phone" in intent.fields) == asks_phone


@pytest.mark.parametrize(
    "question, number",
    [
        ("他在科罗拉多大学读的是什么专业？", False),  # 多大 across 科罗拉多 | 大学
        ("大规模生产有什么好处？", False),  # 规模 inside 大规模
        ("这座体育馆有多大？", True),
        ("工厂的生产规模是多少？", True),
    ],
)
def test_a_figure_is_asked_only_where_its_cue_is_a_word(question, number):
    assert (classify(question).qtype == "number") == number


@pytest.mark.parametrize(
    "question, field",
    [
        ("这份提案是由谁提出的？", "addressee"),
        ("揭榜挂帅的建议是谁提的？", "addressee"),
        ("板块构造学说是由谁提出来的？", None),  # who proposed an idea: a person of the topic
        ("这个定理最早是谁提出的？", None),
    ],
)
def test_who_proposed_is_the_proposer_only_of_a_proposal_or_suggestion(question, field):
    assert classify(question).field == field


@pytest.mark.parametrize("question", ["青石镇又叫什么？", "这种草又被称为什么？", "该协会的简称是什么？", "这种鱼的俗名是什么？"])
def test_a_question_for_another_name_asks_for_a_name(question):
    assert classify(question).qtype == "name"


@pytest.mark.parametrize("question, future", [("这座桥什么时候将建成？", True), ("他什么时候将这幅画卖给了博物馆？", False), ("新馆预计什么时候开放？", True)])
def test_when_will_asks_for_a_time_to_come_but_jiang_before_a_pronoun_is_ba(question, future):
    from rag.answer.intent import WHEN_FUTURE

    assert bool(WHEN_FUTURE.search(question)) is future


def test_the_options_of_a_comparison_are_read_around_the_conjunction():
    assert classify("老城区的公园，和新城参与共建的公园，哪个数量多？").options == ("老城区的公园", "新城参与共建的公园")
