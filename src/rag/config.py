"""One explicit, JSON-serialisable configuration. Environment variables override defaults;
explicit arguments (CLI options) override both."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields, replace

from rag.errors import InputError

DEFAULT_MODEL = "intfloat/multilingual-e5-small"

# Reciprocal rank fusion constant (Cormack, Clarke & Büttcher 2009). 60 damps the head of each
# ranking so that agreement between channels outweighs a single channel's first place.
DEFAULT_RRF_K = 60

ENV = {
    "corpus_dir": "RAG_CORPUS_DIR",
    "index_dir": "RAG_INDEX_DIR",
    "model": "RAG_MODEL",
    "device": "RAG_DEVICE",
    "answer_threshold": "RAG_ANSWER_THRESHOLD",
    "backend": "RAG_BACKEND",
    "qdrant_url": "RAG_QDRANT_URL",
    "qdrant_path": "RAG_QDRANT_PATH",
    "qdrant_collection": "RAG_QDRANT_COLLECTION",
    "workers": "RAG_WORKERS",
    "hnsw_above": "RAG_HNSW_ABOVE",
}
BACKENDS = ("local", "qdrant")

_OFF = {"", "none", "off", "false", "0"}


@dataclass(frozen=True)
class Config:
    corpus_dir: str = "corpus"
    index_dir: str = "index"
    model: str | None = DEFAULT_MODEL  # hub id or local path; None turns the dense channel off
    device: str = "cpu"
    chunk_size: int = 600  # hard cap on passage length, in characters
    rrf_k: int = DEFAULT_RRF_K
    fetch_factor: int = 8  # each channel contributes fetch_factor × k candidates to fusion
    batch_size: int = 32
    # answers (rag.answer): the fitted threshold comes with the model (data/answer_model.json) unless set here
    answer_threshold: float | None = None  # answerability a question needs to be answered, 0..1
    max_quotes: int = 3  # quotes in a single-fact answer: the best sentence and up to two that support it
    list_min_coverage: float = 0.5  # share of the question a list's context and items must hold to answer it
    list_join_share: float = 0.9  # another reply's list joins when its context covers this share of the best one's
    list_sentence_margin: float = 0.2  # a sentence answers a list question before an enumeration inside another sentence when the scorer is this much surer of it (chosen on CMRC 2018 trial)
    restate_share: float = 0.6  # a key clause whose characters are this share the question's restates it: the mark runs on to the next clause
    metadata_read_all: int = 500  # a field question naming no reply reads every reply up to this many; beyond, those retrieved
    backend: str = "local"  # local: memory-mapped BM25 postings + FAISS in the index directory; qdrant: a Qdrant server
    qdrant_url: str | None = None  # http://host:6333 of a Qdrant server or cluster
    qdrant_path: str | None = None  # or a directory for Qdrant's in-process local mode
    qdrant_collection: str = ""  # empty: one named after the index directory, so indexes never share one
    workers: int = 0  # build processes; 0: one per core for large corpora
    hnsw_above: int = 200_000  # passages above which the dense channel uses an HNSW graph, not exact search
    # The lexical channel: word BM25 + bigram_weight × character-pair BM25 (each scaled by its
    # best), then its first rerank_depth passages re-ordered with sentence_weight on the sentence
    # that holds most of the question. Measured on XQuAD and CMRC 2018: evals/README.md.
    bigram_weight: float = 1.0
    rerank_depth: int = 20
    sentence_weight: float = 0.4

    def __post_init__(self):
        if self.chunk_size < 100:
            raise InputError(f"chunk_size {self.chunk_size} is too small; use at least 100 characters")
        if self.rrf_k < 1:
            raise InputError(f"rrf_k must be positive, got {self.rrf_k}")
        if self.fetch_factor < 1:
            raise InputError(f"fetch_factor must be positive, got {self.fetch_factor}")
        if self.answer_threshold is not None and not 0.0 <= float(self.answer_threshold) <= 1.0:
            raise InputError(f"answer_threshold must lie between 0 and 1, got {self.answer_threshold}")
        if self.max_quotes < 1:
            raise InputError(f"max_quotes must be at least 1, got {self.max_quotes}")
        if not 0.0 <= self.list_sentence_margin <= 1.0:
            raise InputError(f"list_sentence_margin must lie between 0 and 1, got {self.list_sentence_margin}")
        for name in ("list_min_coverage", "list_join_share", "restate_share"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise InputError(f"{name} must lie in (0, 1], got {getattr(self, name)}")
        if self.backend not in BACKENDS:
            raise InputError(f"unknown backend {self.backend!r}; use one of: {', '.join(BACKENDS)} (RAG_BACKEND)")
        if self.backend == "qdrant" and not (self.qdrant_url or self.qdrant_path):
            raise InputError("the qdrant backend needs RAG_QDRANT_URL (a server, e.g. http://localhost:6333) or RAG_QDRANT_PATH (a local directory)")
        if not 0.0 <= self.sentence_weight <= 1.0:
            raise InputError(f"sentence_weight must be between 0 and 1, got {self.sentence_weight}")
        if self.metadata_read_all < 0:
            raise InputError(f"metadata_read_all must be 0 or more, got {self.metadata_read_all}")
        if self.workers < 0:
            raise InputError(f"workers must be 0 (automatic) or more, got {self.workers}")

    @classmethod
    def load(cls, **overrides) -> Config:
        """Defaults, then RAG_* environment variables, then non-None overrides."""
        values: dict = {}
        for name, var in ENV.items():
            if var in os.environ:
                values[name] = os.environ[var]
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "model" in values and str(values["model"]).strip().lower() in _OFF:
            values["model"] = None
        if isinstance(values.get("answer_threshold"), str):
            try:
                values["answer_threshold"] = float(values["answer_threshold"])
            except ValueError:
                raise InputError(f"RAG_ANSWER_THRESHOLD must be a number between 0 and 1, got {values['answer_threshold']!r}") from None
        known = {f.name: f for f in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise InputError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        for name, value in values.items():
            if known[name].type == "int" and isinstance(value, str):
                try:
                    values[name] = int(value.strip())
                except ValueError:
                    raise InputError(f"{ENV.get(name, name)} must be a whole number, got {value!r}") from None
        return cls(**values)

    def with_(self, **changes) -> Config:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)
