"""The `rag` command as users run it: a fresh process each time."""

import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS


def rag(*args, env_extra=None, stdin=None, cwd=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env, input=stdin, cwd=cwd)


@pytest.fixture
def built(seed_index_dir):
    return {"RAG_INDEX_DIR": str(seed_index_dir), "RAG_CORPUS_DIR": str(CORPUS)}


def test_ask_json_contract(built):
    r = rag("ask", "How many foreign R&D centres are there?", "--json", env_extra=built)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["found"] is True and "453" in d["answer"]
    assert list(d)[:4] == ["question", "found", "answer", "key"]
    assert set(d) >= {"question", "found", "answer", "citations", "sources", "channels"}
    c = d["citations"][0]
    assert set(c) >= {"doc_number", "title", "section", "chunk_id", "quote", "citation"}
    assert c["doc_number"] == "沪科提复〔2023〕50号"
    assert "沪科提复〔2023〕50号" in r.stdout  # real characters, not \\u escapes
    assert any("dense channel off" in n for n in d["notices"])  # said in the JSON …
    assert "dense channel off" not in r.stderr  # … not on every question (`rag status` says it)


def test_search_json_contract(built):
    r = rag("search", "揭榜挂帅", "-k", "3", "--year", "2023", "--json", env_extra=built)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d) >= {"query", "hits", "channels"} and len(d["hits"]) == 3
    for rank, h in enumerate(d["hits"], start=1):
        assert set(h) >= {"rank", "doc_number", "title", "section", "chunk_id", "score", "text"}
        assert h["rank"] == rank and h["doc_number"] != "沪科建复〔2024〕31号"


def test_readable_text_by_default(built):
    r = rag("ask", "上海累计成立了多少家外资研发中心？", env_extra=built)
    assert r.returncode == 0 and "453" in r.stdout and "《上海市科学技术委员会对市政协十四届一次会议第0982号提案的答复》" in r.stdout
    r = rag("ask", "2022年世界杯冠军是哪支球队？", env_extra=built)
    assert r.returncode == 0 and "没有找到" in r.stdout and "Nearest passages" in r.stdout


def test_status_and_index_report(built, tmp_path):
    r = rag("status", "--json", env_extra=built)
    d = json.loads(r.stdout)
    assert d["index"]["documents"] == 5 and d["channels"] == ["lexical", "crosslingual"]
    assert d["dense"]["on"] is False
    r = rag("status", env_extra={**built, "RAG_MODEL": "intfloat/multilingual-e5-small"})
    assert "NOT available" in r.stdout and "dense    OFF" in r.stdout
    r = rag("index", "--json", env_extra={"RAG_INDEX_DIR": str(tmp_path / "i")})
    d = json.loads(r.stdout)
    assert r.returncode == 0 and d["documents"] == 5 and d["chunks"] > 50
    r = rag("index", env_extra={"RAG_INDEX_DIR": str(tmp_path / "i")})
    assert "up to date" in r.stdout


def test_help_has_examples():
    for cmd in ["ask", "search", "index", "status", "eval"]:
        r = rag(cmd, "--help")
        assert r.returncode == 0 and "Examples:" in r.stdout and "rag " + cmd.split()[0] in r.stdout


def test_ask_reads_the_question_from_stdin(built):
    r = rag("ask", "-", "--json", env_extra=built, stdin="上海累计成立了多少家外资研发中心？\n")
    assert json.loads(r.stdout)["found"] is True


BAD_INPUTS = [
    (["ask", ""], "empty"),
    (["ask", "   \t  "], "empty"),
    (["search", " "], "empty"),
    (["ask", "研发" * 50_000], "characters long"),
    (["ask", "研发\x1b[2J中心"], "control character"),
    (["ask", "\x07"], "control character"),
    (["search", "研发", "--doc", "沪科提复〔2099〕1号"], "unknown 文号"),
    (["ask", "研发", "--year", "1999"], "no document in the index is from 1999"),
    (["search", "研发", "-k", "0"], "Invalid value"),
]


@pytest.mark.parametrize("args, message", BAD_INPUTS)
def test_bad_input_gives_one_clear_line_and_no_traceback(built, args, message):
    if len(args[1].encode()) > 100_000:  # longer than one argument may be: send it on stdin
        r = rag(args[0], "-", env_extra=built, stdin=args[1])
    else:
        r = rag(*args, env_extra=built)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    assert message in r.stderr
    if r.returncode == 1:
        assert len(r.stderr.strip().splitlines()) == 1 + r.stderr.count("note:")


def test_100k_character_query_on_stdin(built):
    r = rag("ask", "-", env_extra=built, stdin="a" * 100_000)
    assert r.returncode == 1 and "100,000 characters long" in r.stderr and "Traceback" not in r.stderr


def test_missing_corpus_directory(tmp_path):
    r = rag("ask", "研发", env_extra={"RAG_CORPUS_DIR": str(tmp_path / "none"), "RAG_INDEX_DIR": str(tmp_path / "i")})
    assert r.returncode == 1 and "does not exist" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 + r.stderr.count("building the index")


def test_unreadable_file_is_named_and_the_rest_indexed(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text((CORPUS / "000_e5c0cb3dddf6d405.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8\x81broken")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    r = rag("index", env_extra={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(tmp_path / "i")})
    # the index was built: the skipped files are warnings, not a failure
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "warning: skipped" in r.stderr and "bad.txt" in r.stderr and "empty.txt" in r.stderr
    assert "indexed 1 documents" in r.stdout
    (corpus / "locked.txt").write_text("x", encoding="utf-8")
    os.chmod(corpus / "locked.txt", 0)
    if os.access(corpus / "locked.txt", os.R_OK):  # root reads anything; the decode error still stands
        return
    r = rag("index", env_extra={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(tmp_path / "i")})
    assert "locked.txt" in r.stderr and "Traceback" not in r.stderr
