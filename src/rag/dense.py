"""Dense channel storage: normalised embeddings in a FAISS inner-product index (cosine similarity).

Exact search (IndexFlatIP) up to a size threshold; above it, an HNSW graph (IndexHNSWFlat), whose
recall@10 against exact search scripts/bench_dense.py reports. A filtered search (one reply, one
year) that leaves few passages is done exactly over those passages' vectors instead: a graph
search with most nodes excluded can come back short.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FILENAME = "dense.faiss"
VECTORS = "embeddings.npy"
HNSW_M = 32  # links per node: recall against memory (M × 8 bytes per vector)
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128  # candidates kept while searching; recall@10 ≥ 0.95 on real embeddings, see evals/README.md
EXACT_BELOW = 50_000  # a filter leaving fewer passages than this is searched exactly
# One question is searched on one OpenMP thread: splitting it over two cost 40 ms instead of 14
# (wall, and more CPU) at 100k passages on two shared cores, as torch's threads did for embedding.
# Batches of questions (evaluations) use every core.
BATCH_THREADS_FROM = 16
_default_threads: list[int] = []


def _use_threads(queries: int) -> None:
    import faiss

    if not _default_threads:
        _default_threads.append(faiss.omp_get_max_threads())
    want = _default_threads[0] if queries >= BATCH_THREADS_FROM else 1
    if faiss.omp_get_max_threads() != want:
        faiss.omp_set_num_threads(want)


class DenseIndex:
    def __init__(self, index, vectors: np.ndarray | None = None):
        self._index = index
        self._vectors = vectors  # the rows of the index, for exact filtered search

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        return "hnsw" if "HNSW" in type(self._index).__name__ else "flat"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_above: int | None = None) -> DenseIndex:
        """An exact index, or HNSW when there are more than hnsw_above vectors."""
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if hnsw_above is not None and len(vectors) > hnsw_above:
            index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return cls(index, vectors)

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top k (passage row, cosine) for one query vector, optionally among allowed rows only."""
        return self.search_many(vector.reshape(1, -1), k, allowed)[0]

    def search_many(self, vectors: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        import faiss

        k = min(k, len(self) if allowed is None else len(allowed))
        queries = np.ascontiguousarray(vectors, dtype=np.float32)
        if k <= 0:
            return [[] for _ in queries]
        if allowed is not None and len(allowed) < EXACT_BELOW and self._vectors is not None:
            rows = np.asarray(allowed, dtype=np.int64)
            sims = queries @ np.asarray(self._vectors[rows]).T
            out = []
            for row_sims in sims:
                top = np.argpartition(-row_sims, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
                top = top[np.lexsort((rows[top], -row_sims[top]))]
                out.append([(int(rows[i]), float(row_sims[i])) for i in top])
            return out
        _use_threads(len(queries))
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k)) if self.kind == "hnsw" else faiss.SearchParameters(sel=selector)
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        scores, ids = self._index.search(queries, k, params=params)
        return [[(int(i), float(s)) for i, s in zip(row_ids, row_scores) if i >= 0] for row_ids, row_scores in zip(ids, scores)]

    def save(self, index_dir: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(Path(index_dir) / FILENAME))

    @classmethod
    def load(cls, index_dir: Path) -> DenseIndex:
        import faiss

        index_dir = Path(index_dir)
        vectors = np.load(index_dir / VECTORS, mmap_mode="r", allow_pickle=False) if (index_dir / VECTORS).exists() else None
        return cls(faiss.read_index(str(index_dir / FILENAME)), vectors)
