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
}

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
        for name in ("list_min_coverage", "list_join_share"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise InputError(f"{name} must lie in (0, 1], got {getattr(self, name)}")

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
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise InputError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**values)

    def with_(self, **changes) -> Config:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)
