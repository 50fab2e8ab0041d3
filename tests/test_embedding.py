"""The dense channel through the same code path a real model takes, with a model built here."""

import json
import sys

import numpy as np
import pytest

from rag.config import Config
from rag.embedding import SentenceTransformerEmbedder, locate_model
from rag.engine import Engine
from rag.errors import ModelUnavailable
from rag.build import build_index

pytestmark = pytest.mark.slow


def test_locating_models_never_waits_for_the_network(tmp_path, monkeypatch):
    assert locate_model(str(tmp_path)).source == "path"
    missing = locate_model(str(tmp_path / "nope"))
    assert not missing.available and "not a directory" in missing.reason
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub = locate_model("intfloat/multilingual-e5-small")
    assert not hub.available and "HF_HUB_OFFLINE" in hub.reason


def test_an_unavailable_model_raises_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailable, match="not a directory"):
        SentenceTransformerEmbedder(str(tmp_path / "nope")).warm_up()


def test_tiny_model_embeds_normalised_vectors(tiny_model_dir):
    emb = SentenceTransformerEmbedder(str(tiny_model_dir))
    vectors = emb.embed_documents(["外资研发中心", "研发经费", "量子"], batch_size=2)
    assert vectors.shape == (3, 32) and emb.dimension == 32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_e5_models_get_their_prompts(tiny_model_dir, tmp_path):
    e5 = tmp_path / "my-e5-small"
    e5.symlink_to(tiny_model_dir, target_is_directory=True)
    emb = SentenceTransformerEmbedder(str(e5))
    emb.warm_up()
    assert "q=query: " in emb.signature and "d=passage: " in emb.signature
    plain = SentenceTransformerEmbedder(str(tiny_model_dir))
    assert not np.allclose(emb.embed_query("研发"), plain.embed_query("研发"))


def test_dense_channel_end_to_end(tiny_model_dir, tmp_path):
    from conftest import CORPUS

    cfg = Config(corpus_dir=str(CORPUS), index_dir=str(tmp_path / "idx"), model=str(tiny_model_dir))
    report = build_index(cfg)
    assert report.dense and report.embedded == report.chunks
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dense"]["on"] and manifest["dense"]["dimension"] == 32
    assert "dense" in manifest["channels"]
    engine = Engine(cfg, log=lambda m: None)
    # a passage's own text is its nearest neighbour: cosine 1 for identical input
    target = engine.index.chunks[7]
    dense = engine.index.dense.search(engine.index.embedder.embed_query(target.indexed_text), 1)
    assert dense[0][0] == 7 and dense[0][1] == pytest.approx(1.0, abs=1e-4)
    result = engine.search("上海累计成立外资研发中心", k=5)
    assert "dense" in result.channels
    assert any("dense" in h.channels for h in result.hits)
    answer = engine.ask("上海累计成立了多少家外资研发中心？")
    assert answer.found and "453" in answer.answer and "dense" in answer.channels


def test_rebuilding_with_the_same_model_reuses_every_embedding(tiny_model_dir, small_corpus, tmp_path):
    cfg = Config(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"), model=str(tiny_model_dir))
    first = build_index(cfg)
    second = build_index(cfg, force=True)
    assert first.embedded == first.chunks and second.embedded == 0 and second.reused == first.chunks


def test_lexical_only_path_does_not_import_torch(seed_index_dir):
    import subprocess

    code = (
        "import sys; from rag.engine import Engine; from rag.config import Config;"
        f"e = Engine(Config(corpus_dir={str(seed_index_dir)!r}, index_dir={str(seed_index_dir)!r}, model=None), build=False);"
        "e.ask('上海累计成立了多少家外资研发中心？');"
        "print('torch' in sys.modules, 'gradio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
