"""Dense channel: normalised embeddings in a FAISS inner-product index (cosine similarity)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FILENAME = "dense.faiss"


class DenseIndex:
    def __init__(self, index):
        self._index = index

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(vectors.shape[1])  # exact search: corpora here are small
        index.add(vectors)
        return cls(index)

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top k (passage index, cosine) for one query vector, optionally among allowed indices only."""
        import faiss

        k = min(k, len(self) if allowed is None else len(allowed))
        if k <= 0:
            return []
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        scores, ids = self._index.search(query, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def save(self, index_dir: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(Path(index_dir) / FILENAME))

    @classmethod
    def load(cls, index_dir: Path) -> DenseIndex:
        import faiss

        return cls(faiss.read_index(str(Path(index_dir) / FILENAME)))
