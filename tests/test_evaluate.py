import json

import pytest

from rag.errors import InputError
from rag.evaluate import _summary, answer_correct, check_thresholds, evaluate_gold, load_gold
from rag.types import Answer, Citation


def cite(doc):
    return Citation(doc, "t", "s", "c", "q", "cite")


def test_answer_correctness_needs_found_all_strings_and_a_gold_first_citation():
    item = load_gold_lines([{"id": "1", "question": "q", "doc_numbers": ["A"], "answers": ["453", "2023年"]}])[0]
    ok = Answer("q", True, "“累计 **453 家**，2023 年”（A）", (cite("A"),), (), ())
    assert answer_correct(ok, item)
    assert not answer_correct(Answer("q", True, "“453 家”（A）", (cite("A"),), (), ()), item)  # a string missing
    assert not answer_correct(Answer("q", True, ok.answer, (cite("B"), cite("A")), (), ()), item)  # first citation
    assert not answer_correct(Answer("q", False, ok.answer, (cite("A"),), (), ()), item)


def load_gold_lines(rows, tmp=None):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "g.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return load_gold(path)


def test_metrics_by_hand():
    rows = [
        {"answerable": True, "rank": 1, "correct": True},
        {"answerable": True, "rank": 4, "correct": False},
        {"answerable": True, "rank": None, "correct": False},
        {"answerable": False, "rank": None, "correct": True},
    ]
    s = _summary(rows)
    assert s["recall@1"] == round(1 / 3, 4) and s["recall@3"] == round(1 / 3, 4) and s["recall@5"] == round(2 / 3, 4)
    assert s["mrr@10"] == round((1 + 1 / 4) / 3, 4)
    assert s["answer_accuracy"] == round(1 / 3, 4) and s["refusal_accuracy"] == 1.0


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
    assert report["overall"]["refusal_accuracy"] == 1.0
    assert report["by_lang"]["en"]["questions"] == 1
