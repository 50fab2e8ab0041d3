"""Shared fixtures: the real seed corpus, small corpora written per test, a deterministic embedder,
and a tiny sentence-transformers model built from the corpus's own characters."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from rag.config import Config
from rag.embedding import Embedder, normalize_rows

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
DOC_NUMBERS = ["沪科提复〔2023〕50号", "沪科提复〔2023〕42号", "沪科提复〔2023〕5号", "沪科建复〔2023〕15号", "沪科建复〔2024〕31号"]


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Every test gets its own index directory and never reaches for a model hub."""
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("RAG_MODEL", "none")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    from rag.build import build_index

    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(Config(corpus_dir=str(CORPUS), index_dir=str(index_dir), model=None))
    return index_dir


@pytest.fixture(scope="session")
def engine(seed_index_dir):
    """An engine over the five seed replies, lexical channels only (as on an offline machine)."""
    from rag.engine import Engine

    return Engine(Config(corpus_dir=str(CORPUS), index_dir=str(seed_index_dir), model=None), log=lambda m: None)


REPLY = """上海市科学技术委员会

{docno}

对市政协十四届一次会议第{no}号提案的答复

{who}委员：

您提出的“{ptitle}”的提案收悉，经研究，现将办理情况答复如下：

一、工作情况

1.{lead}。{body}

2.加强合作交流。{body2}

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

{date}

抄送：市政府办公厅建议提案处，市政协提案办。
"""


def write_reply(directory: Path, name: str, **fields) -> Path:
    values = {
        "docno": "沪科提复〔2025〕7号",
        "no": "0101",
        "who": "王小明",
        "ptitle": "关于加快量子计算产业发展的提案",
        "lead": "推进量子计算平台建设",
        "body": "本市已建成量子计算公共服务平台 3 个，服务企业 120 家。",
        "body2": "与合肥、杭州等地开展量子科技合作。",
        "date": "2025年3月2日",
    }
    values.update(fields)
    path = directory / name
    path.write_text(REPLY.format(**values), encoding="utf-8")
    return path


def lexical_engine(corpus: Path, replies: dict[str, dict] | None = None):
    """An engine over the replies in corpus, indexed without the embedding model beside it (corpus/../index).
    replies: file name → write_reply's fields, written into corpus first."""
    from rag.build import build_index
    from rag.config import Config
    from rag.engine import Engine

    corpus.mkdir(exist_ok=True)
    for name, fields in (replies or {}).items():
        write_reply(corpus, name, **fields)
    config = Config(corpus_dir=str(corpus), index_dir=str(corpus.parent / "index"), model=None)
    build_index(config)
    return Engine(config, log=lambda m: None)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Two short replies in the official layout."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_reply(corpus, "a.txt")
    write_reply(
        corpus,
        "b.txt",
        docno="沪科建复〔2024〕9号",
        no="0202",
        who="李华",
        ptitle="关于支持海洋装备研发的建议",
        lead="支持深海装备研发",
        body="累计支持海洋装备项目 45 项，投入资金 2.5 亿元。",
        body2="推动长三角海洋科技协同创新。",
        date="2024年6月18日",
    )
    return corpus


class HashEmbedder(Embedder):
    """Deterministic bag of character bigrams hashed into 64 dimensions: equal texts embed
    equally, texts sharing bigrams are close. Counts what it embeds."""

    def __init__(self, model_id: str = "test/hash-bigrams", dim: int = 64):
        self.model_id = model_id
        self.dim = dim
        self.embedded = 0

    @property
    def dimension(self) -> int:
        return self.dim

    def embed_batch(self, texts, kind):
        self.embedded += len(texts) if kind == "document" else 0
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(len(text) - 1):
                h = int(hashlib.md5(text[i:i + 2].encode()).hexdigest()[:8], 16)
                out[row, h % self.dim] += 1.0
        out[:, 0] += 1e-3  # no zero vectors
        return normalize_rows(out)


@pytest.fixture
def hash_embedder():
    return HashEmbedder()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A real sentence-transformers model directory, small enough to build here: a two-layer BERT
    with random weights over a vocabulary of the corpus's characters, mean pooling, normalised."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("tiny-model")
    chars = sorted({c for p in CORPUS.glob("*.txt") for c in p.read_text(encoding="utf-8") if not c.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    vocab = list(dict.fromkeys(vocab))
    (root / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(root / "vocab.txt"), do_lower_case=True, tokenize_chinese_chars=True)
    import torch

    torch.manual_seed(0)
    bert = BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=512))
    hf_dir = root / "hf"
    bert.save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    word = Transformer(str(hf_dir), max_seq_length=256)
    model = SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension(), "mean"), Normalize()])
    out = root / "st"
    model.save(str(out))
    return out
