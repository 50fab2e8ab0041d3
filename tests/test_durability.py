"""The index survives what happens to files on real machines: builds killed half-way, two builds
at once, files truncated, deleted or made unreadable, a manifest replaced by junk. Every case
ends with the right answer after at most one `rag index` (most of them automatically), and never
with "unexpected … please report it"."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS
from rag.build import build_index
from rag.config import Config
from rag.manifest import inspect
from rag.engine import Engine

HEADLINE = "How many foreign R&D centres are there?"


def rag(*args, env):
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env={**os.environ, **env})


def answers_headline(result) -> bool:
    return result.returncode == 0 and "453" in result.stdout and "沪科提复〔2023〕50号" in result.stdout


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("durable") / "index"
    build_index(Config(corpus_dir=str(CORPUS), index_dir=str(index), model=None))
    return index


@pytest.fixture
def index_copy(built_once, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built_once, target)
    return target


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE = {
    "truncated chunks.jsonl": lambda d: truncate(d / "chunks.jsonl"),
    "truncated documents.jsonl": lambda d: truncate(d / "documents.jsonl"),
    "truncated lexical/data.npy": lambda d: truncate(d / "lexical" / "data.npy"),
    "truncated lexical/indices.npy": lambda d: truncate(d / "lexical" / "indices.npy"),
    "truncated lexical/indptr.npy": lambda d: truncate(d / "lexical" / "indptr.npy"),
    "truncated vocabulary": lambda d: truncate(d / "lexical" / "vocab.txt"),
    "truncated bigram postings": lambda d: truncate(d / "lexical_bigrams" / "data.npy"),
    "truncated dictionary table": lambda d: truncate(d / "crosslingual" / "exact.jsonl"),
    "truncated entities.json": lambda d: truncate(d / "entities.json"),
    "truncated chunk offsets": lambda d: truncate(d / "chunks.offsets.npy"),
    "deleted lexical/": lambda d: shutil.rmtree(d / "lexical"),
    "deleted documents.jsonl": lambda d: (d / "documents.jsonl").unlink(),
    "deleted manifest": lambda d: (d / "manifest.json").unlink(),
    "manifest []": lambda d: (d / "manifest.json").write_text("[]"),
    "manifest {}": lambda d: (d / "manifest.json").write_text("{}"),
    "manifest garbage": lambda d: (d / "manifest.json").write_bytes(b"\x00\xff garbage"),
    "truncated manifest": lambda d: truncate(d / "manifest.json"),
    "unreadable file (a directory in its place)": lambda d: ((d / "doc_ids.json").unlink(), (d / "doc_ids.json").mkdir()),
    "unreadable file (dangling link)": lambda d: ((d / "user_words.json").unlink(), (d / "user_words.json").symlink_to(d / "nowhere")),
    "empty file": lambda d: (d / "doc_years.npy").write_bytes(b""),
    "leftover of a killed build": lambda d: ((d / ".building").mkdir(), (d / ".building" / "chunks.jsonl").write_text("x")),
}


@pytest.mark.slow  # a rebuild per case
@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_index_is_rebuilt_on_first_use_with_a_notice(index_copy, case):
    DAMAGE[case](index_copy)
    messages = []
    engine = Engine(Config(corpus_dir=str(CORPUS), index_dir=str(index_copy), model=None), log=messages.append)
    answer = engine.ask(HEADLINE)
    assert answer.found and "453" in answer.answer
    if case != "leftover of a killed build":  # a leftover is simply cleared by the next build
        assert any("rebuilding" in m for m in messages), messages
    assert inspect(index_copy, full=True)[1] == ""


@pytest.mark.parametrize("case", ["truncated chunks.jsonl", "manifest []", "deleted lexical/", "unreadable file (a directory in its place)"])
def test_rag_index_repairs_instead_of_saying_up_to_date(index_copy, case):
    DAMAGE[case](index_copy)
    env = {"RAG_INDEX_DIR": str(index_copy), "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none"}
    r = rag("index", env=env)
    assert r.returncode == 0 and "up to date" not in r.stdout and "unexpected" not in r.stderr, r.stderr
    assert "rebuilding" in r.stderr and "indexed 5 documents" in r.stdout
    assert answers_headline(rag("ask", HEADLINE, env=env))
    assert "up to date" in rag("index", env=env).stdout  # and now it is


def test_same_size_corruption_is_found_by_rag_index(index_copy):
    path = index_copy / "chunks.jsonl"
    data = bytearray(path.read_bytes())
    data[100:110] = b"\x00" * 10  # same size: opening does not notice, the hash does
    path.write_bytes(bytes(data))
    env = {"RAG_INDEX_DIR": str(index_copy), "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none"}
    r = rag("index", env=env)
    assert "chunks.jsonl has changed" in r.stderr and "indexed 5 documents" in r.stdout
    assert answers_headline(rag("ask", HEADLINE, env=env))


def test_status_says_the_index_is_damaged(index_copy):
    truncate(index_copy / "chunks.jsonl")
    env = {"RAG_INDEX_DIR": str(index_copy), "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none"}
    r = rag("status", env=env)
    assert "DAMAGED" in r.stdout and "rag index" in r.stdout
    assert json.loads(rag("status", "--json", env=env).stdout)["index"]["damaged"].startswith("chunks.jsonl")


@pytest.mark.slow
def test_a_build_killed_at_any_point_leaves_an_index_that_answers(index_copy):
    env = {"RAG_INDEX_DIR": str(index_copy), "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none"}
    for delay in (0.2, 0.6, 1.0, 1.5, 2.2, 3.0):
        proc = subprocess.Popen([sys.executable, "-m", "rag", "index", "--force"], env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        r = rag("ask", HEADLINE, env=env)  # the previous index, or a rebuilt one: never a mix
        assert answers_headline(r) and "unexpected" not in r.stderr, (delay, r.stderr)


@pytest.mark.slow
def test_two_builds_at_once_leave_one_valid_index(tmp_path):
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index"), "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none"}
    for _ in range(3):
        procs = [subprocess.Popen([sys.executable, "-m", "rag", "index", "--force"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [p.communicate() + (p.returncode,) for p in procs]
        assert all(code == 0 for _, _, code in results), results
        assert all("unexpected" not in err for _, err, _ in results)
        assert any("waiting" in err for _, err, _ in results)  # the second waited for the first
        assert inspect(tmp_path / "index", full=True)[1] == ""
        assert answers_headline(rag("ask", HEADLINE, env=env))
