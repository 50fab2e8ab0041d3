import pytest

from rag.errors import InputError
from rag.hybrid import rrf


def test_rrf_sums_reciprocal_ranks():
    fused = rrf({"lexical": [10, 20, 30], "dense": [20, 40]}, k=60)
    scores = {item: score for item, score, _ in fused}
    assert scores[20] == pytest.approx(1 / 62 + 1 / 61)
    assert scores[10] == pytest.approx(1 / 61)
    assert [item for item, _, _ in fused][:2] == [20, 10]
    assert dict((i, r) for i, _, r in fused)[20] == {"lexical": 2, "dense": 1}


def test_rrf_ties_keep_first_appearance():
    fused = rrf({"a": [1, 2], "b": [2, 1]}, k=60)
    assert [item for item, _, _ in fused] == [1, 2]


def test_doc_and_year_filters(engine):
    hits = engine.retriever.search("揭榜挂帅", k=10, doc="沪科建复〔2024〕31号")
    assert hits and {h.chunk.doc_id for h in hits} == {"沪科建复〔2024〕31号"}
    hits = engine.retriever.search("揭榜挂帅", k=10, year=2023)
    assert hits and all(h.chunk.date.startswith("2023") for h in hits)
    # brackets typed differently still find the reply
    assert engine.retriever.search("联系人", k=3, doc="沪科建复[2024]31号")


def test_unknown_filters_say_what_exists(engine):
    with pytest.raises(InputError, match="unknown 文号.*沪科提复〔2023〕50号"):
        engine.retriever.search("研发", doc="沪科提复〔2099〕1号")
    with pytest.raises(InputError, match="years present: 2023, 2024"):
        engine.retriever.search("研发", year=1999)


def test_a_question_about_one_reply_returns_its_passages_even_without_matches(engine):
    hits = engine.retriever.search("Who is it addressed to?", k=5, doc="沪科提复〔2023〕42号")
    assert hits and all(h.chunk.doc_id == "沪科提复〔2023〕42号" for h in hits)


def test_a_doc_number_in_the_question_scopes_the_search(engine):
    hits = engine.retriever.search("沪科建复〔2023〕15号 实验室", k=5)
    assert {h.chunk.doc_id for h in hits} == {"沪科建复〔2023〕15号"}


def test_english_and_chinese_headline_questions_find_the_passage_first(engine):
    for q in ["How many foreign R&D centres are there?", "上海累计成立了多少家外资研发中心？"]:
        top = engine.retriever.search(q, k=1)[0]
        assert "453" in top.chunk.text and top.chunk.doc_number == "沪科提复〔2023〕50号"


def test_lexical_channel_reranks_by_the_sentence_that_holds_the_question(engine):
    # both passages mention 揭榜挂帅; the one whose sentence also says when it started ranks first
    hits = engine.retriever.search("揭榜挂帅工作试点是哪一年启动的？", k=3)
    assert "2020年，市科委启动“揭榜挂帅”工作试点" in hits[0].chunk.text
