"""The dense channel on the local index: the question embedded by the index's model, the nearest
passages by cosine in FAISS. A model that fails at query time turns the channel off for the
session, with one warning; the lexical channels keep serving."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict

import numpy as np

from rag.channels.base import ChannelHit, Filters
from rag.errors import ModelUnavailable

VECTOR_CACHE = 1024  # query vectors kept: an evaluation embeds its questions in batches ahead


class QueryVectors:
    """Query embeddings, batched ahead when the questions are known (rag eval) and kept in a
    bounded, thread-safe cache."""

    def __init__(self, index):
        self.index = index
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._warned = False

    @property
    def available(self) -> bool:
        return self.index.dense is not None and self.index.embedder is not None

    def prepare(self, texts: list[str], batch_size: int = 32) -> None:
        """Embed texts in batches now, so that searching for them later does not embed one by one."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache][:VECTOR_CACHE]
        embed_many = getattr(self.index.embedder, "embed_queries", None)
        if not todo or not self.available or embed_many is None:
            return
        for i in range(0, len(todo), batch_size):
            batch = todo[i:i + batch_size]
            try:
                vectors = embed_many(batch)
            except ModelUnavailable as e:
                self._fail(e)
                return
            for text, vector in zip(batch, vectors):
                self._keep(text, vector)

    def _keep(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._cache[text] = vector
            self._cache.move_to_end(text)
            while len(self._cache) > VECTOR_CACHE:
                self._cache.popitem(last=False)

    def _fail(self, error: Exception) -> None:
        if not self._warned:
            print(f"warning: dense channel off for this session: {error}", file=sys.stderr)
            self._warned = True
        self.index.embedder = None

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._cache.get(text)
        if vector is not None or not self.available:
            return vector
        try:
            vector = self.index.embedder.embed_query(text)
        except ModelUnavailable as e:
            self._fail(e)
            return None
        self._keep(text, vector)
        return vector


class DenseChannel:
    """Nearest passages by cosine in the opened index's FAISS index."""

    name = "dense"

    def __init__(self, index, vectors: QueryVectors | None = None):
        self.index = index
        self.vectors = vectors or QueryVectors(index)

    @property
    def available(self) -> bool:
        return self.vectors.available

    def search(self, query, k: int, filters: Filters | None = None) -> list[ChannelHit]:
        vector = self.vectors.get(query.text)
        if vector is None or self.index.dense is None:
            return []
        rows = filters.rows() if filters is not None else None
        return [ChannelHit(i, s) for i, s in self.index.dense.search(vector, k, rows)]
