import pytest

from rag.text import squash


def test_headline_questions_in_both_languages(engine):
    for q in ["How many foreign R&D centres are there?", "上海累计成立了多少家外资研发中心？"]:
        a = engine.ask(q)
        assert a.found and "453" in a.answer
        assert a.citations[0].doc_number == "沪科提复〔2023〕50号"
        assert a.key.replace(" ", "") == "453家"


def test_quotes_are_verbatim_slices_of_the_documents(engine):
    for q in ["2022年研发经费占GDP比重是多少？", "哪些答复提到了揭榜挂帅？", "When was the reply to Li Chenhao issued?"]:
        a = engine.ask(q)
        assert a.found
        for c in a.citations:
            doc = engine.index.document(c.doc_number)
            assert doc.text[c.start:c.end] == c.quote
            if c.highlight:
                s, e = c.highlight
                assert 0 <= s < e <= len(c.quote)
            assert f"“{c.quote[:5]}" in a.answer.replace("**", "")


def test_key_spans_follow_the_question_type(engine):
    assert "4.2%" in engine.ask("2022年研发经费占GDP比重是多少？").key
    assert squash(engine.ask("When was the reply to Li Chenhao issued?").key) == "2023年8月14日"
    assert engine.ask("沪科建复〔2024〕31号的联系人是谁？").key == "葛梦然"
    assert engine.ask("李琛浩委员的提案编号是多少？").key == "第0982号"


def test_citation_strings_are_ready_for_drafts(engine):
    c = engine.ask("上海累计成立了多少家外资研发中心？").citations[0]
    assert c.citation == "《上海市科学技术委员会对市政协十四届一次会议第0982号提案的答复》（沪科提复〔2023〕50号，2023年8月14日）"
    assert c.section.startswith("四是鼓励外国投资者")
    assert c.date == "2023-08-14"


@pytest.mark.parametrize(
    "question",
    [
        "2021年上海研发经费占GDP比重是多少？",  # a year the replies do not give
        "北京有多少家外资研发中心？",  # another city
        "上海全社会研发经费支出总额是多少亿元？",  # money asked, only a percentage given
        "葛梦然的电子邮箱是什么？",
        "How many unicorn companies are headquartered in Shanghai?",
        "What will the weather be like in Shanghai tomorrow?",
    ],
)
def test_questions_the_replies_do_not_answer_are_refused_with_nearest_passages(engine, question):
    a = engine.ask(question)
    assert not a.found and not a.citations
    assert "没有找到" in a.answer or "do not answer" in a.answer
    assert a.sources  # the nearest passages are still listed


def test_refusals_speak_the_question_language(engine):
    assert engine.ask("What is the population of Mars?").answer.startswith("The replies do not answer")
    assert engine.ask("火星上有多少人口？").answer.startswith("这些答复中没有找到")


def test_facts_stated_in_several_replies_cite_each_of_them(engine):
    a = engine.ask("哪些答复提到了揭榜挂帅？")
    cited = {c.doc_number for c in a.citations}
    assert len(cited) >= 3 and cited <= {"沪科提复〔2023〕50号", "沪科提复〔2023〕42号", "沪科建复〔2023〕15号", "沪科建复〔2024〕31号"}


def test_two_part_questions_get_a_line_for_each_part(engine):
    a = engine.ask("Who should I contact about the reply to deputy Ma Yu's suggestion, and on what phone number?")
    assert a.found and "葛梦然" in a.answer and "23112526" in a.answer


def test_filters_scope_the_answer(engine):
    a = engine.ask("联系人是谁？", doc="沪科建复〔2024〕31号")
    assert a.found and a.key == "葛梦然"


def test_answer_json_contract(engine):
    d = engine.ask("How many foreign R&D centres are there?").to_dict()
    assert {"question", "found", "answer", "citations", "sources", "channels"} <= set(d)
    assert set(d["citations"][0]) >= {"doc_number", "title", "section", "chunk_id", "quote", "citation"}
    assert set(d["sources"][0]) >= {"rank", "doc_number", "title", "section", "chunk_id", "score", "text"}
    assert d["channels"] == ["lexical", "crosslingual"]


@pytest.mark.parametrize(
    "question",
    [
        "深圳累计成立了多少家外资研发中心？",  # another city, named
        "How many foreign R&D centres has Hangzhou set up?",  # a capitalised place the replies do not name
        "How many national key laboratories in Shanghai have been restructured so far?",  # 10 家 counts manufacturing centres
        "How much did the municipal budget allocate to science in 2022?",  # money asked: no amount given
        "浦东新区“揭榜挂帅”公共服务平台的负责人是谁？",  # a person in a role: a body's name will not do
        "What is the contact person for the reply to Zhang Lei?",  # 42号 lists no contact; 31号's is not his
    ],
)
def test_evidence_about_something_else_does_not_answer(engine, question):
    assert not engine.ask(question).found


def test_english_names_are_entities_only_when_capitalised(engine):
    info = engine.retriever.analyze("How many centres were built in Pudong?")
    entities = {g.source for g in info.concepts if g.entity}
    assert "pudong" in entities and "built" not in entities


def test_a_doc_number_does_not_make_an_english_question_chinese(engine):
    a = engine.ask("When was 沪科建复〔2023〕15号 issued?")
    assert a.found and a.lang == "en" and squash(a.key) == "2023年5月11日"


def test_english_words_inside_a_chinese_question_are_translated(engine):
    a = engine.ask("2022年上海R&D经费占GDP比重是多少？")
    assert a.found and a.key == "4.2%"


def test_key_spans_come_from_the_clause_that_answers(engine):
    assert engine.ask("What percentage of R&D spending goes to basic research?").key == "约 10%"
    labs = engine.ask("上海在给哪两家外地实验室做“上海基地”？")  # a plural question: listed items are its keys
    assert [i.text for i in labs.items] == ["合肥实验室", "苏州实验室"] and labs.keys == ["合肥实验室", "苏州实验室"]
    assert "5 家已上市" in engine.ask("How many of the incubated companies have gone public?").answer


def test_a_name_the_question_already_gives_is_not_the_key(engine):
    assert engine.ask("张江实验室和哪些机构合作？").key != "张江实验室"


def test_a_common_word_the_tagger_calls_a_place_is_no_name_the_evidence_must_hold(tmp_path):
    from conftest import lexical_engine

    body = "本市与北京、杭州等城市共建古老建筑数字档案，已完成 12 处。"
    engine = lexical_engine(tmp_path / "corpus", {"a.txt": {"body": body}})
    places = engine.composer.entities["place"]
    assert "北京" in places and "城市" not in places and "古老" not in engine.composer.entities["person"]
    info = engine.retriever.analyze("哪个城市的古老建筑建了数字档案？")
    assert not any(g.entity for g in info.concepts if g.source in ("城市", "古老"))
    assert any(g.entity for g in engine.retriever.analyze("北京的古老建筑建了数字档案吗？").concepts if g.source == "北京")


def test_a_count_of_a_one_character_noun_is_answered(tmp_path):
    from conftest import lexical_engine

    body = "该省位于河谷平原，总共下辖 14 个县，省会设在北岸。"
    engine = lexical_engine(tmp_path / "corpus", {"a.txt": {"body": body}})
    a = engine.ask("该省总共下辖多少个县？")
    assert a.found and a.key == "14 个"
