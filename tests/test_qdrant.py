"""The Qdrant backend in Qdrant's in-process local mode (RAG_QDRANT_PATH): the same passages and
answers as the local backend, filters as payload conditions, updates by reply."""

import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS, HashEmbedder, write_reply
from rag.build import build_index
from rag.config import Config
from rag.engine import Engine
from rag.errors import InputError

pytest.importorskip("qdrant_client")
GOLD = [json.loads(line) for line in (CORPUS.parent / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    root = tmp_path_factory.mktemp("qdrant")
    local = Engine(Config(corpus_dir=str(CORPUS), index_dir=str(root / "local"), model=None), log=lambda m: None)
    qdrant = Engine(Config(corpus_dir=str(CORPUS), index_dir=str(root / "q"), model=None, backend="qdrant", qdrant_path=str(root / "store")), log=lambda m: None)
    return local, qdrant


def test_the_gold_set_gets_the_same_passages_and_answers(engines):
    local, qdrant = engines
    assert qdrant.index.backend.name == "qdrant" and local.index.backend.name == "local"
    for item in GOLD:
        q = item["question"]
        a, b = local.search(q, k=5), qdrant.search(q, k=5)
        assert [h.chunk.chunk_id for h in a.hits] == [h.chunk.chunk_id for h in b.hits], q
        assert local.ask(q).to_dict()["answer"] == qdrant.ask(q).to_dict()["answer"], q


def test_filters_are_payload_conditions(engines):
    _, qdrant = engines
    hits = qdrant.retriever.search("揭榜挂帅", k=10, doc="沪科建复〔2024〕31号")
    assert hits and {h.chunk.doc_id for h in hits} == {"沪科建复〔2024〕31号"}
    hits = qdrant.retriever.search("研发", k=10, year=2023)
    assert hits and all(h.chunk.date.startswith("2023") for h in hits)


def test_replies_are_updated_by_reply(small_corpus, tmp_path):
    config = Config(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"), model=None, backend="qdrant", qdrant_path=str(tmp_path / "store"))
    first = build_index(config)
    write_reply(small_corpus, "c.txt", docno="沪科提复〔2025〕8号", who="赵六", body="新建氢能燃料电池测试平台 2 个。")
    second = build_index(config)
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["backend"]["incremental"] and manifest["backend"]["points_sent"] == second.chunks - first.chunks
    engine = Engine(config, log=lambda m: None)
    assert engine.search("氢能燃料电池", k=1).hits[0].chunk.doc_id == "沪科提复〔2025〕8号"
    (small_corpus / "c.txt").unlink()
    build_index(config)
    engine = Engine(config, log=lambda m: None)
    assert all(h.chunk.doc_id != "沪科提复〔2025〕8号" for h in engine.search("氢能燃料电池", k=5).hits)
    from rag.backends.qdrant import client_for

    count = client_for(config).count(engine.index.backend.collection).count
    assert count == len(engine.index.chunks)  # the removed reply's points are gone


def test_dense_vectors_are_searched_in_the_collection(small_corpus, tmp_path):
    embedder = HashEmbedder()
    config = Config(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"), model=embedder.model_id, backend="qdrant", qdrant_path=str(tmp_path / "store"))
    build_index(config, embedder=embedder)
    engine = Engine(config, embedder=embedder, log=lambda m: None)
    result = engine.search("量子计算公共服务平台", k=3)
    assert "dense" in result.channels and any("dense" in h.channels for h in result.hits)
    assert "量子计算" in result.hits[0].chunk.text


def test_each_index_has_its_own_collection(tmp_path):
    from rag.backends import collection_name

    a = Config(index_dir=str(tmp_path / "a"), backend="qdrant", qdrant_path=str(tmp_path / "s"))
    b = Config(index_dir=str(tmp_path / "a" / "benchmarks" / "x"), backend="qdrant", qdrant_path=str(tmp_path / "s"))
    assert collection_name(a) != collection_name(b)
    assert collection_name(Config(index_dir="x", backend="qdrant", qdrant_url="http://q:6333", qdrant_collection="replies")) == "replies"


def test_a_qdrant_backend_without_a_target_says_what_to_set():
    with pytest.raises(InputError, match="RAG_QDRANT_URL.*RAG_QDRANT_PATH"):
        Config(backend="qdrant")
    with pytest.raises(InputError, match="unknown backend 'elastic'"):
        Config(backend="elastic")


def test_status_names_the_backend_and_where_it_points(engines, tmp_path):
    _, qdrant = engines
    env = {**os.environ, "RAG_INDEX_DIR": str(qdrant.config.index_dir), "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none",
           "RAG_BACKEND": "qdrant", "RAG_QDRANT_PATH": str(tmp_path / "elsewhere")}
    r = subprocess.run([sys.executable, "-m", "rag", "status", "--json"], capture_output=True, text=True, env=env)
    data = json.loads(r.stdout)
    assert data["backend"]["name"] == "qdrant" and data["backend"]["path"] == str(tmp_path / "elsewhere")
    assert data["backend"]["collection"].startswith("rag-")
    r = subprocess.run([sys.executable, "-m", "rag", "status"], capture_output=True, text=True, env={**env, "RAG_BACKEND": "local"})
    assert "backend  local:" in r.stdout and "built for the qdrant backend" in r.stdout


def test_a_benchmark_index_cached_for_one_backend_is_rebuilt_for_another(tmp_path):
    from rag.benchmark import evaluate_squad
    from rag.store import read_manifest
    from test_benchmark import squad

    path = squad(tmp_path / "tiny.zh.json")
    local = Config(index_dir=str(tmp_path / "idx"), model=None)
    first = evaluate_squad(path, config=local)
    (cached,) = (tmp_path / "idx" / "benchmarks").iterdir()
    assert read_manifest(str(cached))["backend"]["name"] == "local"
    qdrant = Config(index_dir=str(tmp_path / "idx"), model=None, backend="qdrant", qdrant_path=str(tmp_path / "store"))
    again = evaluate_squad(path, config=qdrant)
    assert read_manifest(str(cached))["backend"]["name"] == "qdrant"
    assert again["recall@1"] == first["recall@1"] and again["questions"] == first["questions"]
