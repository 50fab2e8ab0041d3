"""A question word said otherwise in the replies (客人 / 嘉宾): CC-CEDICT glosses both with the same
specific sense; and what governs a sentence from outside its words (a year said earlier in the passage,
a clause that sets its scope). Small replies written for these tests, not the seed corpus."""

import pytest

from rag.answer.paraphrase import MIN_SIMILARITY, similarity, with_paraphrases
from rag.query import analyze
from conftest import lexical_engine


@pytest.mark.parametrize("a, b", [("客人", "嘉宾"), ("捐款", "捐赠"), ("种类", "品种"), ("成立", "设立"),
                                  ("高校", "大学")])  # "universities and colleges": each word a sense of the other
def test_words_glossed_with_one_specific_sense_are_paraphrases(a, b):
    assert similarity(a, b) >= MIN_SIMILARITY and similarity(b, a) == pytest.approx(similarity(a, b))


@pytest.mark.parametrize("a, b", [("银行", "中心"), ("奖杯", "冠军"), ("学校", "医院"), ("外资", "研发")])
def test_words_of_different_senses_are_not(a, b):
    assert similarity(a, b) < MIN_SIMILARITY


def test_only_words_no_passage_holds_gain_paraphrases_and_only_from_the_passages():
    info = analyze("晚宴有多少客人参加？")
    got = with_paraphrases(info, ["当晚共有 300 名嘉宾出席晚宴。"])
    assert ("客人", "嘉宾") in got.paraphrases
    assert all(word != "晚宴" for word, _ in got.paraphrases)  # the passage says 晚宴 itself
    assert ("参加", "出席") in got.paraphrases  # to attend
    assert all(word != "客人" for word, _ in with_paraphrases(info, ["当晚共有 300 名客人出席晚宴。"]).paraphrases)
    assert with_paraphrases(info, ["全市共有银行 300 家。"]).paraphrases == ()  # nothing there says 客人


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return lexical_engine(tmp_path_factory.mktemp("paraphrase") / "corpus", {
        "a.txt": dict(
            lead="办好科技节系列活动",
            body="2023年，本市举办首届科技节。各区积极参与。闭幕晚宴共有 300 名嘉宾出席。",
            body2="科技节期间共接待参观者 80 万人次。在《2029 城市科普指数报告》中，本市从 2027 年的第 7 位升至第 4 位，居东部前列。",
        ),
    })


def test_a_count_of_guests_is_answered_where_the_reply_calls_them_otherwise(engine):
    a = engine.ask("科技节闭幕晚宴有多少客人参加？")
    assert a.found and a.key.replace(" ", "") == "300名"
    assert engine.ask("科技节闭幕晚宴有多少记者参加？").found is False  # 记者 is not said at all


def test_a_year_said_earlier_in_the_passage_governs_the_sentences_after_it(engine):
    a = engine.ask("2023年科技节闭幕晚宴有多少名嘉宾出席？")
    assert a.found and a.key.replace(" ", "") == "300名"
    assert engine.ask("2021年科技节闭幕晚宴有多少名嘉宾出席？").found is False


def test_a_clause_that_sets_the_scope_of_a_sentence_speaks_for_the_figures_after_it(engine):
    a = engine.ask("城市科普指数报告的排名里排第几位？")
    assert a.found and a.key.replace(" ", "") == "第4位"


def test_only_the_last_year_said_before_a_sentence_governs_it(tmp_path):
    engine = lexical_engine(tmp_path / "corpus", {"b.txt": dict(
        lead="办好科普活动",
        body="2021年，本市举办首届科普周。2022年，科普周扩大到全市。科普周共有 120 名嘉宾出席。",
    )})
    assert engine.ask("2022年科普周有多少名嘉宾出席？").key.replace(" ", "") == "120名"
    assert engine.ask("2021年科普周有多少名嘉宾出席？").found is False  # 2022 is said in between
