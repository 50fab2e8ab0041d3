import json

import numpy as np
import pytest

from conftest import HashEmbedder, write_reply
from rag.config import Config
from rag.errors import IndexProblem
from rag.build import build_index
from rag.store import SCHEMA_VERSION, open_index


def config_for(corpus, tmp_path, model=None):
    return Config(corpus_dir=str(corpus), index_dir=str(tmp_path / "idx"), model=model)


def test_index_directory_layout_and_manifest(small_corpus, tmp_path, hash_embedder):
    cfg = config_for(small_corpus, tmp_path)
    report = build_index(cfg, embedder=hash_embedder)
    idx = tmp_path / "idx"
    names = {p.name for p in idx.iterdir()}
    assert {"manifest.json", "documents.jsonl", "chunks.jsonl", "lexical", "crosslingual", "dense.faiss", "embeddings.npy", "embedding_keys.json"} <= names
    assert not list(idx.rglob("*.pkl")) and not list(idx.rglob("*.pickle"))
    np.load(idx / "embeddings.npy", allow_pickle=False)
    for npy in (idx / "lexical").glob("*.npy"):
        np.load(npy, allow_pickle=False)
    manifest = json.loads((idx / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["dense"] == {"on": True, "model": "test/hash-bigrams", "dimension": 64, "signature": "test/hash-bigrams", "requested": None, "reason": "", "kind": "flat"}
    assert manifest["settings"]["chunk_size"] == 600
    assert manifest["counts"]["documents"] == 2 and manifest["counts"]["chunks"] == report.chunks
    assert manifest["channels"] == ["lexical", "crosslingual", "dense"]
    assert len(manifest["corpus_hash"]) == 16 and manifest["built_at"]


def test_jsonl_holds_real_chinese_characters(small_corpus, tmp_path):
    build_index(config_for(small_corpus, tmp_path))
    raw = (tmp_path / "idx" / "chunks.jsonl").read_text(encoding="utf-8")
    assert "量子计算" in raw and "\\u" not in raw
    row = json.loads(raw.splitlines()[0])
    assert {"chunk_id", "doc_number", "title", "section", "index", "start", "end", "text"} <= set(row)


def test_round_trip_serves_the_same_results(small_corpus, tmp_path, hash_embedder):
    cfg = config_for(small_corpus, tmp_path)
    build_index(cfg, embedder=hash_embedder)
    opened = open_index(cfg, embedder=hash_embedder, build=False)
    assert [d.doc_id for d in opened.documents] == ["沪科提复〔2025〕7号", "沪科建复〔2024〕9号"]
    for c in opened.chunks:
        assert opened.document(c.doc_id).text[c.start:c.end] == c.text
    assert len(opened.dense) == len(opened.chunks) and opened.dense.dimension == 64


def test_unchanged_corpus_is_not_rebuilt_and_embeddings_are_reused(small_corpus, tmp_path):
    cfg = config_for(small_corpus, tmp_path)
    first = HashEmbedder()
    r1 = build_index(cfg, embedder=first)
    assert r1.embedded == r1.chunks and first.embedded == r1.chunks
    again = HashEmbedder()
    r2 = build_index(cfg, embedder=again)
    assert r2.up_to_date and again.embedded == 0
    write_reply(small_corpus, "c.txt", docno="沪科提复〔2025〕8号", who="赵六", body="新增内容一句。")
    third = HashEmbedder()
    r3 = build_index(cfg, embedder=third)
    assert r3.added == ["c.txt"] and not r3.changed and not r3.removed
    # only passages whose text is new are embedded; identical passages reuse vectors by content hash
    assert third.embedded == r3.embedded and 0 < r3.embedded <= r3.chunks - r1.chunks
    assert r3.embedded + r3.reused == r3.chunks
    (small_corpus / "a.txt").unlink()
    r4 = build_index(cfg, embedder=HashEmbedder())
    assert r4.removed == ["a.txt"] and r4.embedded == 0


def test_a_different_model_is_refused_with_what_to_run(small_corpus, tmp_path):
    cfg = config_for(small_corpus, tmp_path)
    build_index(cfg, embedder=HashEmbedder("test/model-a"))
    with pytest.raises(IndexProblem, match="test/model-a.*run `rag index`"):
        open_index(cfg, embedder=HashEmbedder("test/model-b"), build=False)


def test_a_different_dimension_is_refused_at_the_first_query(small_corpus, tmp_path):
    cfg = config_for(small_corpus, tmp_path)
    build_index(cfg, embedder=HashEmbedder("test/same", dim=64))
    opened = open_index(cfg, embedder=HashEmbedder("test/same", dim=32), build=False)
    with pytest.raises(IndexProblem, match="32-dimensional.*64-dimensional.*rag index --force"):
        opened.embedder.embed_query("量子")


def test_another_schema_version_is_refused(small_corpus, tmp_path):
    cfg = config_for(small_corpus, tmp_path)
    build_index(cfg)
    path = tmp_path / "idx" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["schema_version"] = 0
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexProblem, match="schema version 0.*rag index --force"):
        open_index(cfg, build=False)
    messages = []
    opened = open_index(cfg, log=messages.append)  # building allowed: it rebuilds
    assert opened.manifest["schema_version"] == SCHEMA_VERSION and "another version" in messages[0]


def test_missing_index_without_build_says_what_to_run(small_corpus, tmp_path):
    with pytest.raises(IndexProblem, match="run `rag index`"):
        open_index(config_for(small_corpus, tmp_path), build=False)


def test_opening_builds_on_first_use_and_updates_when_the_corpus_changes(small_corpus, tmp_path):
    cfg = config_for(small_corpus, tmp_path)
    messages = []
    opened = open_index(cfg, log=messages.append)
    assert len(opened.documents) == 2 and messages
    write_reply(small_corpus, "c.txt", docno="沪科提复〔2025〕8号", who="赵六")
    assert len(open_index(cfg, log=messages.append).documents) == 3


def test_the_lexical_only_index_records_why_dense_is_off(small_corpus, tmp_path):
    cfg = config_for(small_corpus, tmp_path, model="/nonexistent/model-dir")
    report = build_index(cfg)
    assert not report.dense and "not a directory" in report.dense_reason
    opened = open_index(cfg, build=False)
    assert opened.dense is None and any("dense channel off" in n for n in opened.notices)
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["channels"] == ["lexical", "crosslingual"] and manifest["dense"]["model"] is None
