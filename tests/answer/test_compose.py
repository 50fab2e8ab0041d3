"""Answers end to end on the seed replies: the phrasings users try, traditional characters, a typo,
off-topic and hostile input, lists and plans, fields of the reply."""

import pytest

HEADLINE = "沪科提复〔2023〕50号"


@pytest.mark.parametrize(
    "question",
    [
        "How many foreign R&D centres are there?",
        "How many foreign R&D centers exist in Shanghai?",
        "How many foreign R&D centres are located in Shanghai?",
        "Count of foreign R&D centres?",
        "How many foreign-funded R&D centres have been set up so far?",
        "How many foreign R&D centres does Shanghai have to date?",
        "上海累计成立了多少家外资研发中心？",
        "上海现在有多少家外资研发中心？",
        "外资研发中心一共设立了多少家？",
        "截至目前上海的外资研发中心数量是多少？",
    ],
)
def test_the_headline_in_ten_phrasings(engine, question):
    a = engine.ask(question)
    assert a.found and a.key.replace(" ", "") == "453家" and a.citations[0].doc_number == HEADLINE


def test_traditional_characters_get_the_simplified_answer(engine):
    simplified, traditional = engine.ask("上海累计成立了多少家外资研发中心？"), engine.ask("上海累計成立了多少家外資研發中心？")
    assert traditional.found and traditional.key == simplified.key and traditional.citations[0].quote == simplified.citations[0].quote


def test_a_one_character_typo_in_a_word_the_top_passage_holds(engine):
    a = engine.ask("上海累计成立了多少家外资研发中新？")  # 中新 for 中心
    assert a.found and a.key.replace(" ", "") == "453家"


@pytest.mark.parametrize(
    "question",
    ["hello", "test", "asdfgh qwerty zxcv 123", "' OR 1=1; DROP TABLE chunks; --", "Who is the director of the Commission?",
     "How many people work at the Commission?", "上海有多少家医院？", "上海外资银行的数量是多少？"],
)
def test_questions_the_replies_do_not_answer_are_refused(engine, question):
    a = engine.ask(question)
    assert not a.found and not a.citations  # the nearest passages are listed (a.sources) when any word matches


def test_a_plan_question_lists_the_items_of_the_section_about_the_future(engine):
    a = engine.ask("马瑜代表的建议，市科委下一步打算怎么做？")
    assert a.found and a.intent["kind"] == "plan" and len(a.items) == 3
    assert [i.text[:2] for i in a.items] == ["一是", "二是", "三是"]
    assert all(c.doc_number == "沪科建复〔2024〕31号" and "下一步" not in c.quote for c in a.citations)
    assert all(i.text == a.citations[i.citation].quote for i in a.items)


def test_words_that_report_what_a_reply_says_are_no_topic(engine):
    info = engine.retriever.analyze("What are the next steps that the reply to the deputy lists?")
    sources = {c.source for c in info.concepts}
    assert "deputy" in sources and not sources & {"list", "lists", "next steps", "next", "steps"}


def test_a_list_question_lists_work_done_not_plans(engine):
    a = engine.ask("上海在构建企业为主的科技创新体系方面采取了哪些举措？")
    assert a.intent["kind"] == "list" and len(a.items) == 5 and a.items[0].text.startswith("一是积极支持企业")


def test_a_list_answer_is_as_confident_as_the_replies_answer_the_question(engine):
    # no one sentence holds a list: its confidence is the gate's, that the replies answer at all
    question = "上海在构建企业为主的科技创新体系方面采取了哪些举措？"
    a = engine.ask(question)
    info = engine.retriever.analyze(question)
    composer = engine.composer
    best, gate = composer.best(info, composer.score_sentences(info, engine.passages(info)))
    assert a.items and best is not None
    assert a.confidence == pytest.approx(gate) and gate >= composer.model.threshold


def test_fields_of_the_reply_come_from_its_header_and_footer(engine):
    a = engine.ask("Whom should I contact about the reply to deputy Ma Yu's suggestion, and on what phone number?")
    assert a.keys == ["葛梦然", "23112526"] and a.intent["kind"] == "metadata"
    assert engine.ask("What is the contact person for the reply to Zhang Lei?").found is False  # 42号 names none


def test_verdicts_only_when_the_evidence_decides(engine):
    assert engine.ask("上海累计成立的外资研发中心是否已经超过400家？").verdict == "yes"
    assert engine.ask("浦东“揭榜挂帅”公共服务平台的签约合同金额有没有超过1亿元？").verdict == "no"


def test_every_answer_carries_a_confidence_and_its_intent(engine):
    a = engine.ask("2022年上海研发经费占GDP比重是多少？")
    assert a.found and 0.0 < a.confidence <= 1.0 and a.intent == {"kind": "factoid", "type": "number"}
    assert a.to_dict()["confidence"] == round(a.confidence, 3)


@pytest.mark.parametrize("question, prefix", [
    ("哪些答复是对人大代表建议的答复？", "沪科建复"),
    ("Which of these replies responded to People's Congress deputies rather than CPPCC members?", "沪科建复"),
    ("Which replies answer CPPCC members' proposals?", "沪科提复"),
])
def test_the_replies_of_one_kind_are_listed_by_what_they_answer(engine, question, prefix):
    a = engine.ask(question)
    kind = "suggestion" if prefix == "沪科建复" else "proposal"
    expected = {d.doc_number for d in engine.index.documents if d.kind == kind}
    assert a.found and a.intent["field"] == "kind" and {i.doc_number for i in a.items} == expected
    assert all(n.startswith(prefix) for n in expected) and [i.text for i in a.items] == [c.quote for c in a.citations]
    assert a.answer.count("代表建议" if kind == "suggestion" else "提案的答复") == len(expected)


def test_the_words_asking_for_a_field_are_not_its_topic(engine):
    # "postcode", "issued", 联系地址 ask for the field; the reply is the one about the rest
    assert engine.ask("What is the postcode in the reply about enterprise innovation?").keys == ["200003"]
    assert engine.ask("When was the reply on national laboratories issued?").keys == ["2023年5月11日"]
    # no topic at all: the one reply that states the field, or any when all state the same
    assert engine.ask("联系地址是哪里？").keys == ["威海路48号"]
    assert engine.ask("Who issued these replies?").keys == ["上海市科学技术委员会"]
    assert engine.ask("沪科提复〔2023〕5号是答复谁的？").keys == ["杨守业、王志敏、刘健惠委员"]


def test_among_many_replies_a_metadata_question_reads_only_those_retrieved(engine, monkeypatch):
    from dataclasses import replace

    questions = ["联系地址是哪里？", "Who issued these replies?", "When was the reply on national laboratories issued?"]
    every = [engine.ask(q).keys for q in questions]
    monkeypatch.setattr(engine.composer, "config", replace(engine.composer.config, metadata_read_all=0))  # as among many replies
    read = []
    monkeypatch.setattr(type(engine.index.documents), "__iter__", lambda self: read.append(1) or iter(()))
    assert [engine.ask(q).keys for q in questions] == every
    assert not read  # no reply was read for being a reply: only those of the retrieved passages


def test_a_proposal_title_is_quoted_to_the_end_of_its_line(engine):
    a = engine.ask("What is the title of the proposal answered by 沪科提复〔2023〕50号?")
    assert a.keys == ["关于强化科技创新体系化能力，提升产业链建设水平的提案"]
    assert a.citations[0].quote.endswith("答复如下：")


@pytest.mark.parametrize(
    "question, verdict",
    [
        ("Did Shanghai rank first in the Nature Index science cities in 2022?", "no"),  # 第 3 位, not 2020's 第 5 位
        ("上海-苏州集群进入全球前五名了吗？", "no"),  # 第 6 位
        ("长三角研发经费投入总量约占全国一半吗？", "no"),  # a share is answered by a share (1/3), not by money
        ("Did more than 80% of high-tech transformation projects achieve industrialisation?", "no"),  # 近 80%
        ("Has Shanghai created 10 manufacturing innovation centres?", "yes"),
        ("Was the Yangtze River Delta National Technology Innovation Center established in 2021?", "yes"),
        ("Is basic research more than a tenth of R&D spending?", None),  # 约 10%: it may or may not be
    ],
)
def test_a_stated_figure_rank_or_share_is_checked_against_the_evidence(engine, question, verdict):
    a = engine.ask(question)
    assert a.found and a.verdict == verdict


@pytest.mark.parametrize(
    "question",
    ["What is the population of Shanghai?", "上海光源的造价是多少？", "What is the salary of research staff?"],
)
def test_a_figure_of_another_kind_or_a_word_the_replies_lack_is_refused(engine, question):
    # a count of facilities is not a cost; 总体 (in 总体方案) is not a population
    assert engine.ask(question).found is False


def test_the_reply_context_cache_stays_bounded_under_threads(engine, monkeypatch):
    import threading

    from rag.answer import compose

    monkeypatch.setattr(compose, "MAX_CONTEXTS", 2)
    composer = compose.Composer(engine.index)
    ids = list(engine.index.doc_ids)
    errors = []

    def ask():
        try:
            for _ in range(200):
                for doc_id in ids:
                    assert composer.reply_context(doc_id)
        except Exception as e:  # noqa: BLE001 - any failure in a thread is the finding
            errors.append(e)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(composer._contexts) <= 2
    assert composer.reply_context(ids[0]) == compose.Composer(engine.index).reply_context(ids[0])


def test_a_list_inside_one_sentence_is_its_items_and_that_sentence_quoted_once_with_each_marked(engine):
    a = engine.ask("上海引导攻关了哪些关键材料和零部件？")
    assert a.found and a.intent["kind"] == "list" and len(a.items) >= 3 and len(a.citations) == 1
    quote = a.citations[0].quote
    assert [quote[s:e] for s, e in a.citations[0].marked] == [i.text for i in a.items]
    assert all(i.citation == 0 and i.text in quote and len(i.text) < len(quote) for i in a.items)
    assert a.answer.count(quote[:20]) == 1 and all(f"**{i.text}**" in a.answer for i in a.items)
