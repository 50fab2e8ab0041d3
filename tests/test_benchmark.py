"""rag eval squad on a SQuAD-format file small enough to work out by hand."""

import json
import os
import subprocess
import sys

import pytest

from rag.benchmark import KEYS, evaluate_squad, load_squad, unpunctuated
from rag.config import Config
from rag.errors import InputError

PARAGRAPHS = [
    ("量子计算", "上海建成量子计算公共服务平台 3 个，服务企业 120 家。", [("q1", "上海建成了几个量子计算公共服务平台？", "3 个")]),
    ("海洋装备", "本市累计支持深海装备研发项目 45 项，投入资金 2.5 亿元。", [("q2", "本市支持了多少项深海装备研发项目？", "45 项")]),
    ("天文观测", "佘山天文台建成口径 65 米的射电望远镜，于 2012 年投入使用。", [("q3", "射电望远镜的口径是多少米？", "65 米")]),
]
ENGLISH = {"q1": "How many quantum computing public service platforms has Shanghai built?", "q2": "How many deep-sea equipment projects were supported?", "q3": "What is the aperture of the radio telescope?"}


def squad(path, questions=None):
    data = {"version": "1.1", "data": []}
    for title, context, qas in PARAGRAPHS:
        rows = [{"id": qid, "question": (questions or {}).get(qid, q), "answers": [{"text": a, "answer_start": context.find(a)}]} for qid, q, a in qas]
        data["data"].append({"title": title, "paragraphs": [{"context": context, "qas": rows}]})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return squad(tmp_path / "tiny.zh.json"), squad(tmp_path / "tiny.en.json", ENGLISH)


def test_paragraphs_become_documents_with_their_title_as_heading(files):
    docs, items = load_squad(files[0])
    assert [d.title for d in docs] == ["量子计算", "海洋装备", "天文观测"]
    assert docs[1].blocks[0].section == ("海洋装备",) and docs[1].text.startswith("本市累计支持")
    assert [(i.id, i.paragraph, i.answers) for i in items] == [("q1", "P0001", ("3 个",)), ("q2", "P0002", ("45 项",)), ("q3", "P0003", ("65 米",))]


def test_metrics_on_a_tiny_set(files, tmp_path):
    rows = []
    result = evaluate_squad(files[0], config=Config(index_dir=str(tmp_path / "idx"), model=None), details=rows)
    assert tuple(result) == KEYS
    assert result["dataset"] == "tiny.zh" and result["questions"] == 3
    # every question names words only its own paragraph has: each gold paragraph ranks first
    assert [r["rank"] for r in rows] == [1, 1, 1]
    assert result["recall@1"] == result["recall@5"] == result["mrr@10"] == 1.0
    contained = sum(r["contained"] for r in rows) / 3
    assert result["answer_contained@1"] == round(contained, 4) and contained >= 2 / 3
    keyed = sum(r["key_contained"] for r in rows) / 3  # strict: inside a key span, never more than loose
    assert result["key_contained@1"] == round(keyed, 4) and keyed <= contained
    assert all(r["key_contained"] <= r["contained"] for r in rows)
    assert result["answered"] == round(sum(r["found"] for r in rows) / 3, 4)
    assert result["channels"] == ["lexical", "crosslingual"] and result["seconds_per_question"] >= 0


@pytest.mark.parametrize(
    "gold, key, inside",
    [
        ("溶于汽油。", "溶于汽油", True),  # the gold's full stop is no part of the answer
        ("《人象石柱》", "人象石柱", True),
        ("“莎莉多谢您”", "口号是「莎莉多谢您」", True),
        ("4.7 GHz", "速度为4.7GHz", True),
        ("4.7", "速度为47倍", False),  # a decimal point stays
        ("1,000 人", "共 1000 人", False),
        ("韩遂", "群雄", False),
    ],
)
def test_answers_are_compared_as_the_benchmarks_own_scripts_compare_them(gold, key, inside):
    assert (unpunctuated(gold) in unpunctuated(key)) is inside


def test_questions_from_another_file_are_matched_by_id(files, tmp_path):
    rows = []
    result = evaluate_squad(files[0], files[1], config=Config(index_dir=str(tmp_path / "idx"), model=None), details=rows)
    assert result["dataset"] == "tiny.en→tiny.zh" and result["questions"] == 3
    assert [r["question"] for r in rows] == [ENGLISH[q] for q in ("q1", "q2", "q3")]
    mrr = sum(1 / r["rank"] for r in rows if r["rank"]) / 3
    assert result["mrr@10"] == round(mrr, 4)
    assert result["recall@1"] == round(sum(r["rank"] == 1 for r in rows) / 3, 4)


def test_limit_and_the_index_is_cached_by_content(files, tmp_path):
    cfg = Config(index_dir=str(tmp_path / "idx"), model=None)
    assert evaluate_squad(files[0], config=cfg, limit=2)["questions"] == 2
    cached = list((tmp_path / "idx" / "benchmarks").iterdir())
    evaluate_squad(files[0], config=cfg)
    assert list((tmp_path / "idx" / "benchmarks").iterdir()) == cached


def test_bad_benchmark_files(tmp_path, files):
    cfg = Config(index_dir=str(tmp_path / "idx"), model=None)
    with pytest.raises(InputError, match="does not exist"):
        evaluate_squad(tmp_path / "none.json", config=cfg)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not readable JSON"):
        evaluate_squad(tmp_path / "bad.json", config=cfg)
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="SQuAD layout"):
        evaluate_squad(tmp_path / "list.json", config=cfg)
    (tmp_path / "other.json").write_text(json.dumps({"data": [{"title": "x", "paragraphs": [{"context": "c", "qas": [{"id": "zz", "question": "q", "answers": []}]}]}]}), encoding="utf-8")
    with pytest.raises(InputError, match="no question id"):
        evaluate_squad(files[0], tmp_path / "other.json", config=cfg)


def test_cli_json_has_exactly_the_keys(files, tmp_path):
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "idx"), "RAG_MODEL": "none"}
    r = subprocess.run([sys.executable, "-m", "rag", "eval", "squad", "--passages", str(files[0]), "--json"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert tuple(json.loads(r.stdout)) == KEYS
    r = subprocess.run([sys.executable, "-m", "rag", "eval", "squad", "--passages", str(files[0]), "--min-recall-at-1", "1.01"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "recall@1 = 1.0 is below the minimum 1.01" in r.stderr


def test_blank_questions_are_skipped_not_fatal(tmp_path):
    path = squad(tmp_path / "blank.zh.json", {"q2": "  "})
    docs, items = load_squad(path)
    assert len(docs) == 3 and [i.id for i in items] == ["q1", "q3"]
    english = squad(tmp_path / "blank.en.json", {**ENGLISH, "q3": ""})
    result = evaluate_squad(path, english, config=Config(index_dir=str(tmp_path / "idx"), model=None))
    assert result["questions"] == 1  # q2 is blank in the passages file, q3 in the questions file
