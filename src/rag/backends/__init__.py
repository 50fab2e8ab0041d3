"""Where the channels search: the index directory itself (local, the default) or a Qdrant server.

    __init__.py  the local backend, and choosing a backend from the configuration
    qdrant.py    BM25 and dense vectors in a Qdrant collection (RAG_BACKEND=qdrant)

Either way the index directory holds the documents, the passages, the vocabulary statistics and
the dictionary that question analysis needs; a backend decides where ranking happens.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rag.config import Config


def collection_name(config: Config) -> str:
    """The Qdrant collection of an index: RAG_QDRANT_COLLECTION, else one per index directory
    (the benchmark indexes under index/benchmarks/ get their own)."""
    if config.qdrant_collection:
        return config.qdrant_collection
    digest = hashlib.sha1(str(Path(config.index_dir).expanduser().resolve()).encode()).hexdigest()[:10]
    return f"rag-{digest}"


def backend_key(config: Config) -> str:
    """What an index was built for: a change of backend or target means rebuilding."""
    if config.backend == "local":
        return "local"
    target = config.qdrant_url or str(Path(config.qdrant_path).expanduser().resolve())
    return f"qdrant|{target}|{collection_name(config)}"


class LocalBackend:
    """Channels over the files of the index directory: memory-mapped BM25 postings and FAISS."""

    name = "local"

    def __init__(self, config: Config, manifest: dict):
        self.config = config
        self.manifest = manifest

    def describe(self) -> dict:
        dense = self.manifest.get("dense", {})
        return {"name": self.name, "location": str(Path(self.config.index_dir)), "dense_index": dense.get("kind") if dense.get("on") else None}

    def channels(self, index, config: Config) -> list:
        from rag.channels.dense import DenseChannel
        from rag.channels.lexical import LexicalChannel

        return [LexicalChannel(index, config), DenseChannel(index)]


def open_backend(config: Config, manifest: dict):
    if config.backend == "qdrant":
        from rag.backends.qdrant import QdrantBackend

        return QdrantBackend(config, manifest)
    return LocalBackend(config, manifest)
