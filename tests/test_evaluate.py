import json

import pytest

from rag.errors import InputError
from rag.evaluate import _summary, check_thresholds, evaluate_gold, item_recall, load_gold, loose_correct, strict_correct
from rag.types import Answer, Citation, Item


def cite(doc, quote="q", highlight=None):
    return Citation(doc, "t", "s", "c", quote, "cite", highlight=highlight)


def test_loose_correctness_needs_found_all_strings_and_a_gold_first_citation():
    item = load_gold_lines([{"id": "1", "question": "q", "doc_numbers": ["A"], "answers": ["453", "2023年"]}])[0]
    ok = Answer("q", True, "“累计 **453 家**，2023 年”（A）", (cite("A"),), (), ())
    assert loose_correct(ok, item)
    assert not loose_correct(Answer("q", True, "“453 家”（A）", (cite("A"),), (), ()), item)  # a string missing
    assert not loose_correct(Answer("q", True, ok.answer, (cite("B"), cite("A")), (), ()), item)  # first citation
    assert not loose_correct(Answer("q", False, ok.answer, (cite("A"),), (), ()), item)


def test_strict_correctness_needs_the_gold_inside_a_key_span():
    item = load_gold_lines([{"id": "1", "question": "q", "doc_numbers": ["A"], "answers": ["5家已上市"]}])[0]
    quote = "迄今已成功孵化 40 余家科技创新企业，5 家已上市。"
    marked = Answer("q", True, "…", (cite("A", quote, (20, 23)),), (), ())  # key "5 家": part of the gold, with its digits
    assert marked.keys == ["5 家"] and strict_correct(marked, item)
    wrong = Answer("q", True, "…", (cite("A", quote, (8, 14)),), (), ())  # key "40 余家" (loose would pass)
    assert not strict_correct(wrong, item) and loose_correct(Answer("q", True, quote, (cite("A", quote),), (), ()), item)


def test_list_questions_score_item_recall_and_verdicts_the_verdict():
    rows = [
        {"id": "l", "question": "q", "intent": "list", "doc_numbers": ["A"], "answers": [], "items": ["加强合作", "培育人才", "完善政策", "扩大开放"]},
        {"id": "y", "question": "q", "intent": "yesno", "doc_numbers": ["A"], "answers": [], "verdict": "no"},
    ]
    listing, yesno = load_gold_lines(rows)
    items = (Item("一是加强合作交流。", 0, "A"), Item("二是培育人才队伍。", 1, "A"), Item("三是提升服务。", 2, "A"))
    answer = Answer("q", True, "…", (cite("A"), cite("A"), cite("A")), (), (), items=items)
    assert item_recall(answer, listing) == 0.5 and strict_correct(answer, listing)
    assert strict_correct(Answer("q", True, "否", (cite("A"),), (), (), verdict="no"), yesno)
    assert not strict_correct(Answer("q", True, "是", (cite("A"),), (), (), verdict="yes"), yesno)


def load_gold_lines(rows, tmp=None):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "g.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return load_gold(path)


def test_metrics_by_hand():
    rows = [
        {"answerable": True, "rank": 1, "correct": True, "strict": True, "item_recall": None},
        {"answerable": True, "rank": 4, "correct": False, "strict": False, "item_recall": 0.5},
        {"answerable": True, "rank": None, "correct": False, "strict": False, "item_recall": 1.0},
        {"answerable": False, "rank": None, "correct": True, "strict": True, "item_recall": None},
    ]
    s = _summary(rows)
    assert s["recall@1"] == round(1 / 3, 4) and s["recall@3"] == round(1 / 3, 4) and s["recall@5"] == round(2 / 3, 4)
    assert s["mrr@10"] == round((1 + 1 / 4) / 3, 4)
    assert s["answer_accuracy"] == round(1 / 3, 4) and s["key_span_accuracy"] == round(1 / 3, 4) and s["refusal_accuracy"] == 1.0
    assert s["item_recall"] == 0.75


def test_thresholds_name_what_failed():
    report = {"overall": {"recall@5": 0.9, "answer_accuracy": 0.95}, "by_lang": {"en": {"answer_accuracy": 0.7}}}
    failures = check_thresholds(report, {"recall@5": 0.95, "answer_accuracy": 0.9, "en:answer_accuracy": 0.8, "mrr@10": None})
    assert len(failures) == 2 and "recall@5 = 0.9" in failures[0] and "en:answer_accuracy" in failures[1]


def test_bad_gold_files_are_reported(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_gold(tmp_path / "none.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:1"):
        load_gold(bad)


def test_evaluation_on_a_small_gold_set(engine):
    items = load_gold_lines([
        {"id": "a", "question": "上海累计成立了多少家外资研发中心？", "lang": "zh", "doc_numbers": ["沪科提复〔2023〕50号"], "answers": ["453"]},
        {"id": "b", "question": "How many foreign R&D centres are there?", "lang": "en", "doc_numbers": ["沪科提复〔2023〕50号"], "answers": ["453"]},
        {"id": "c", "question": "2022年世界杯冠军是哪支球队？", "lang": "zh", "doc_numbers": [], "answers": []},
    ])
    report = evaluate_gold(engine, items)
    assert report["overall"]["recall@1"] == 1.0 and report["overall"]["answer_accuracy"] == 1.0
    assert report["overall"]["key_span_accuracy"] == 1.0
    assert report["overall"]["refusal_accuracy"] == 1.0
    assert report["by_lang"]["en"]["questions"] == 1


def test_an_enumerated_gold_answer_lies_in_a_list_when_each_part_is_listed():
    from rag.evaluate import in_items

    items = ["房屋建筑", "重型和土木工程施工", "专业贸易承包商"]
    assert in_items("房屋建筑、重型和土木工程施工、专业贸易承包商", items)
    assert in_items("英语、日语以及德语", ["主要教授英语", "日语", "德语"])
    assert not in_items("英语、日语以及法语", ["英语", "日语", "德语"])  # one part missing
    assert not in_items("房屋建筑", items)  # a single answer is not an enumeration: in_key decides it
