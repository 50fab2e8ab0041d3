"""The Qdrant backend (RAG_BACKEND=qdrant): the lexical and dense channels search a Qdrant
collection — a server or cluster at RAG_QDRANT_URL, or Qdrant's in-process local mode in a
directory at RAG_QDRANT_PATH — through the same Channel interface as the local backend.

A point per passage, its id derived from the reply's id, the passage's position and its content:
    words    sparse vector over our own jieba tokens, values tf / (tf + k1 (1 − b + b·dl/avgdl)),
             Modifier.IDF: Qdrant multiplies by Lucene's IDF at query time
    bigrams  the same over character pairs
    dense    the passage embedding (when the dense channel is on), cosine
    payload  doc_id (文号, keyword index), year (integer index), index (position in its reply), chunk_id

Token ids are a 32-bit hash of the token, stable across builds, so the points of unchanged replies
stay valid when others are added, changed or removed (those are deleted by doc_id and re-sent).

A lexical search is one request: the word and pair queries as two prefetches, fused by Qdrant's
RRF (prefetch + RrfQuery) into one candidate pool, returned with their sparse vectors. The
candidates are then scored exactly as the local channel scores them — each query concept by its
best alternative, phrases only where all their tokens occur, IDF from the index's own statistics
(so IDF computed per shard, or over a shard's length, does not change the ranking) — and
re-ordered by sentence. Hence the same passages and answers as the local backend.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import numpy as np

from rag.channels.base import ChannelHit, Filters
from rag.channels.dense import DenseChannel
from rag.channels.lexical import SentenceReranker, scaled
from rag.backends import collection_name
from rag.config import Config
from rag.errors import IndexProblem
from rag.lexical import BigramIndex, LexicalIndex, top_k
from rag.postings import Postings, idf

WORDS, BIGRAMS, DENSE = "words", "bigrams", "dense"
POOL = 2  # candidates fetched per passage a channel returns, for exact re-scoring (per prefetch)
UPLOAD_BATCH = 256
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def token_id(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little")


def point_id(doc_id: str, index: int, chunk_id: str) -> int:
    digest = hashlib.blake2b(f"{doc_id}\x1f{index}\x1f{chunk_id}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & ((1 << 63) - 1)


def client_for(config: Config):
    """One client per target and process (local mode allows a single client per directory)."""
    try:
        from qdrant_client import QdrantClient
    except ImportError:
        raise IndexProblem("the qdrant backend needs the qdrant-client package: pip install 'rag[qdrant]'") from None
    key = config.qdrant_url or str(Path(config.qdrant_path).expanduser().resolve())
    with _clients_lock:
        if not _clients:
            atexit.register(_close_clients)  # before the interpreter tears modules down under them
        if key not in _clients:
            try:
                _clients[key] = QdrantClient(url=config.qdrant_url, timeout=60) if config.qdrant_url else QdrantClient(path=key)
            except Exception as e:  # a locked local directory, a bad URL
                raise IndexProblem(f"cannot open Qdrant at {key}: {e}") from None
        return _clients[key]


def _close_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def _row_vectors(postings: Postings):
    """Per passage row: (token ids, values without IDF), from the postings laid out by token."""
    df = np.diff(np.asarray(postings.indptr))
    weights = idf(df.astype(np.float64), postings.num_docs)
    tokens = np.repeat(np.arange(len(df)), df)
    hashed = np.array([token_id(t) for t in postings.vocab], dtype=np.int64)
    order = np.argsort(np.asarray(postings.indices), kind="stable")
    rows = np.asarray(postings.indices)[order]
    ids = hashed[tokens[order]]
    values = (np.asarray(postings.data)[order] / weights[tokens[order]]).astype(np.float32)
    starts = np.searchsorted(rows, np.arange(postings.num_docs + 1))
    return ids, values, starts


def _sparse(ids: np.ndarray, values: np.ndarray):
    from qdrant_client import models

    if len(np.unique(ids)) != len(ids):  # two tokens hashed alike: one dimension, summed
        merged: dict[int, float] = {}
        for i, v in zip(ids.tolist(), values.tolist()):
            merged[i] = merged.get(i, 0.0) + v
        ids, values = np.array(list(merged)), np.array(list(merged.values()))
    return models.SparseVector(indices=[int(i) for i in ids], values=[float(v) for v in values])


def _alias_target(client, name: str) -> str | None:
    """The collection the alias name points at; a plain collection of that name is its own target."""
    for alias in client.get_aliases().aliases:
        if alias.alias_name == name:
            return alias.collection_name
    return name if client.collection_exists(name) else None


def _cluster_settings(client, collection: str | None) -> dict:
    """Shards, replicas and write consistency of the collection being replaced, kept for the new
    one: create the first collection with them and every rebuild keeps them."""
    if collection is None:
        return {}
    params = client.get_collection(collection).config.params
    keys = ("shard_number", "replication_factor", "write_consistency_factor")
    return {k: getattr(params, k) for k in keys if getattr(params, k, None) is not None}


def _point_alias(client, name: str, target: str, previous: str | None) -> None:
    from qdrant_client import models

    operations = []
    if previous == name:  # a plain collection in the way of the alias
        client.delete_collection(name)
    elif previous is not None:
        operations.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=name)))
    operations.append(models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=target, alias_name=name)))
    client.update_collection_aliases(change_aliases_operations=operations)
    if previous not in (None, name):
        client.delete_collection(previous)


def upload(index_dir: Path, config: Config, progress: bool = False, only_docs: set[str] | None = None, drop_docs: set[str] = frozenset()) -> dict:
    """Send the passages of the index written in index_dir to the collection. only_docs: update
    just those replies (and delete drop_docs) instead of recreating the collection."""
    from qdrant_client import models
    from tqdm import tqdm

    from rag.rows import JsonLines
    from rag.types import Chunk

    client = client_for(config)
    name = collection_name(config)
    dense_path = Path(index_dir) / "embeddings.npy"
    vectors = np.load(dense_path, mmap_mode="r") if dense_path.exists() else None
    current = _alias_target(client, name)
    if only_docs is not None and current is not None:
        target = name  # in place, by reply: deletes and upserts are idempotent, a retry converges
        stale = set(only_docs) | set(drop_docs)
        if stale:
            selector = models.FilterSelector(filter=models.Filter(must=[models.FieldCondition(key="doc_id", match=models.MatchAny(any=sorted(stale)))]))
            client.delete(name, points_selector=selector, wait=True)
    else:
        # a new collection behind the alias: queries see the old one until the switch, which is atomic
        only_docs = None
        target = f"{name}-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
        dense_config = {DENSE: models.VectorParams(size=int(vectors.shape[1]), distance=models.Distance.COSINE)} if vectors is not None else {}
        sparse = {n: models.SparseVectorParams(modifier=models.Modifier.IDF) for n in (WORDS, BIGRAMS)}
        client.create_collection(target, vectors_config=dense_config, sparse_vectors_config=sparse, **_cluster_settings(client, current))
        if config.qdrant_url:  # a server filters through them; local mode scans anyway (and warns)
            client.create_payload_index(target, "doc_id", models.PayloadSchemaType.KEYWORD)
            client.create_payload_index(target, "year", models.PayloadSchemaType.INTEGER)
    doc_ids = json.loads((Path(index_dir) / "doc_ids.json").read_text(encoding="utf-8"))
    chunk_docs, doc_chunks = np.load(Path(index_dir) / "chunk_docs.npy"), np.load(Path(index_dir) / "doc_chunks.npy")
    years = np.load(Path(index_dir) / "doc_years.npy")
    chunks = JsonLines(Path(index_dir) / "chunks.jsonl", Chunk.from_dict, cache=1)
    sparse = {n: _row_vectors(Postings(Path(index_dir) / cls.DIRNAME)) for n, cls in ((WORDS, LexicalIndex), (BIGRAMS, BigramIndex))}
    rows = [r for r in range(len(chunk_docs)) if only_docs is None or doc_ids[chunk_docs[r]] in only_docs]
    with tqdm(total=len(rows), desc="uploading to Qdrant", unit="passage", disable=not progress, dynamic_ncols=True) as bar:
        for start in range(0, len(rows), UPLOAD_BATCH):
            points = []
            for r in rows[start:start + UPLOAD_BATCH]:
                doc = int(chunk_docs[r])
                position = r - int(doc_chunks[doc])
                vector = {n: _sparse(ids[s[r]:s[r + 1]], vals[s[r]:s[r + 1]]) for n, (ids, vals, s) in sparse.items() if s[r + 1] > s[r]}
                if vectors is not None:
                    vector[DENSE] = np.asarray(vectors[r], dtype=np.float32).tolist()
                payload = {"doc_id": doc_ids[doc], "index": position, "year": int(years[doc]), "chunk_id": chunks[r].chunk_id}
                points.append(models.PointStruct(id=point_id(doc_ids[doc], position, payload["chunk_id"]), vector=vector, payload=payload))
            client.upsert(target, points=points, wait=True)
            bar.update(len(points))
    if only_docs is None:
        _point_alias(client, name, target, current)
    where = {"url": config.qdrant_url} if config.qdrant_url else {"path": str(Path(config.qdrant_path).expanduser().resolve())}
    return {**where, "collection": name, "points_sent": len(rows), "incremental": only_docs is not None}


class QdrantBackend:
    """Channels that rank on a Qdrant collection; the index directory supplies the passages."""

    name = "qdrant"

    def __init__(self, config: Config, manifest: dict):
        self.config = config
        self.manifest = manifest
        self.collection = collection_name(config)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = client_for(self.config)
        return self._client

    def describe(self) -> dict:
        where = {"url": self.config.qdrant_url} if self.config.qdrant_url else {"path": self.config.qdrant_path}
        return {"name": self.name, **where, "collection": self.collection}

    def channels(self, index, config: Config) -> list:
        return [QdrantLexicalChannel(self, index, config), QdrantDenseChannel(self, index)]

    def filter(self, filters: Filters | None):
        from qdrant_client import models

        if filters is None or not filters.active:
            return None
        must = []
        if filters.doc_id is not None:
            must.append(models.FieldCondition(key="doc_id", match=models.MatchValue(value=filters.doc_id)))
        if filters.year is not None:
            must.append(models.FieldCondition(key="year", match=models.MatchValue(value=int(filters.year))))
        return models.Filter(must=must)

    @staticmethod
    def row(index, payload: dict) -> int | None:
        """The passage row a point stands for in the opened index (None: not in this index)."""
        doc = index.ordinal.get(payload.get("doc_id"))
        if doc is None:
            return None
        row = int(index.doc_chunks[doc]) + int(payload["index"])
        return row if row < int(index.doc_chunks[doc + 1]) else None


def _query_vector(groups, lexicon) -> tuple[list[int], list[float]]:
    """The sparse query: each index token a group's alternatives stand for, at its best weight."""
    weights: dict[int, float] = {}
    for group in groups:
        for term, weight in group.alternatives:
            for part in lexicon.parts(term) or ():
                tid = token_id(part)
                weights[tid] = max(weights.get(tid, 0.0), group.weight * weight)
    return list(weights), list(weights.values())


def _exact(groups, lexicon, docs: list[dict[int, float]], whole: bool) -> np.ndarray:
    """The local channel's score of each candidate from its sparse vector: Σ over groups of the
    group weight × its best weighted alternative; whole: a phrase needs all its tokens."""
    total = np.zeros(len(docs), dtype=np.float64)
    for group in groups:
        best = np.zeros(len(docs), dtype=np.float64)
        for term, weight in group.alternatives:
            parts = lexicon.parts(term)
            if not parts:
                continue
            keyed = [(token_id(p), lexicon.token_idf(p)) for p in parts]
            column = np.array([0.0 if whole and any(t not in d for t, _ in keyed) else sum(w * d.get(t, 0.0) for t, w in keyed) for d in docs])
            best = np.maximum(best, column * weight)
        total += group.weight * best
    return total.astype(np.float32)


class QdrantLexicalChannel:
    name = "lexical"
    available = True

    def __init__(self, backend: QdrantBackend, index, config: Config):
        self.backend, self.index = backend, index
        self.bigram_weight = config.bigram_weight
        self._reranker = SentenceReranker(lambda row: index.chunks[row].text, config.rerank_depth, config.sentence_weight)

    def search(self, query, k: int, filters: Filters | None = None) -> list[ChannelHit]:
        from qdrant_client import models

        flt = self.backend.filter(filters)
        prefetch = []
        for using, groups, lexicon in ((WORDS, query.groups, self.index.lexical), (BIGRAMS, query.bigram_groups, self.index.bigrams)):
            ids, values = _query_vector(groups, lexicon)
            if ids:
                prefetch.append(models.Prefetch(query=models.SparseVector(indices=ids, values=values), using=using, limit=k * POOL, filter=flt))
        if not prefetch:
            return []
        found = self.backend.client.query_points(
            self.backend.collection, prefetch=prefetch, query=models.RrfQuery(rrf=models.Rrf(k=self.backend.config.rrf_k)),
            limit=2 * k * POOL, with_payload=["doc_id", "index"], with_vectors=[WORDS, BIGRAMS], query_filter=flt,
        ).points
        candidates = sorted({row: p for p in found if (row := QdrantBackend.row(self.index, p.payload)) is not None}.items())
        if not candidates:
            return []
        rows = np.array([r for r, _ in candidates])
        vectors = {n: [dict(zip(v.indices, v.values)) if (v := (p.vector or {}).get(n)) is not None else {} for _, p in candidates] for n in (WORDS, BIGRAMS)}
        scores = scaled(_exact(query.groups, self.index.lexical, vectors[WORDS], whole=True))
        if query.bigram_groups:
            scores = scores + self.bigram_weight * scaled(_exact(query.bigram_groups, self.index.bigrams, vectors[BIGRAMS], whole=False))
        by_row = dict(zip(rows.tolist(), scores.tolist()))
        ranked = [int(rows[i]) for i in top_k(scores, k)]
        ranked = self._reranker.rerank(ranked, by_row.__getitem__, query.groups)
        return [ChannelHit(r, by_row[r]) for r in ranked]


class QdrantDenseChannel(DenseChannel):
    """Nearest passages by cosine among the collection's dense vectors."""

    def __init__(self, backend: QdrantBackend, index):
        super().__init__(index)
        self.backend = backend

    def search(self, query, k: int, filters: Filters | None = None) -> list[ChannelHit]:
        vector = self.vectors.get(query.text)
        if vector is None:
            return []
        found = self.backend.client.query_points(
            self.backend.collection, query=np.asarray(vector, dtype=np.float32).tolist(), using=DENSE, limit=k,
            query_filter=self.backend.filter(filters), with_payload=["doc_id", "index"],
        ).points
        hits = [(QdrantBackend.row(self.index, p.payload), p.score) for p in found]
        return [ChannelHit(r, float(s)) for r, s in hits if r is not None]
