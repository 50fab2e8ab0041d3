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

    def __post_init__(self):
        if self.chunk_size < 100:
            raise InputError(f"chunk_size {self.chunk_size} is too small; use at least 100 characters")
        if self.rrf_k < 1:
            raise InputError(f"rrf_k must be positive, got {self.rrf_k}")
        if self.fetch_factor < 1:
            raise InputError(f"fetch_factor must be positive, got {self.fetch_factor}")

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
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise InputError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**values)

    def with_(self, **changes) -> Config:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)
