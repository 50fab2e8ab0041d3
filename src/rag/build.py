"""Build or update the index: read the corpus, decide what changed, chunk, and write every channel
with the manifest (rag.store describes the layout). Embeddings of unchanged text are reused.

Builds are serialised by a lock in the index directory: a second `rag index` (or a first-use
`ask`) waits for the first, then finds the index up to date. The new index is written aside and
swapped in with the manifest last, so a build killed at any point leaves the previous index, or
none (which the next command rebuilds) — never a mix. A damaged index is found here (sizes and
hashes against the manifest) and rebuilt, with a notice.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag import entities
from rag.backends import backend_key
from rag.config import Config
from rag.cedict import inverted
from rag.crosslingual import Translator, build_dictionary
from rag.dense import DenseIndex
from rag.errors import CorpusError, IndexProblem, ModelUnavailable
from rag.ingest import Workers, batches, names_to_learn, process_documents, process_files, scan, settle_ids, worker_count
from rag.lexical import BigramIndex, LexicalIndex
from rag.loader import corpus_files
from rag.manifest import BUILDING, INDEX_ENTRIES, LOCK, MANIFEST, SCHEMA_VERSION, file_table, inspect, write_manifest
from rag.postings import PostingsWriter, Vocabulary
from rag.rows import JsonLinesWriter
from rag.store import fingerprint, index_settings
from rag.types import Document, content_hash

LOCK_POLL = 0.5  # seconds before saying that another build holds the lock


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass
class BuildReport:
    index_dir: str
    documents: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    dense: bool = False
    dense_reason: str = ""
    up_to_date: bool = False
    repaired: str = ""  # what was wrong with the index this build replaced
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds of each step
    seconds: float = 0.0
    workers: int = 1
    backend: str = "local"
    warnings: list[str] = field(default_factory=list)  # files skipped (empty, unreadable), parse notes
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _bar(progress: bool, **kwargs):
    from tqdm import tqdm

    return tqdm(disable=not progress, file=sys.stderr, dynamic_ncols=True, mininterval=0.5, **kwargs)


@contextmanager
def build_lock(index_dir: Path, log=_stderr):
    """Hold the index directory's build lock, waiting (and saying so) while another process has it."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(index_dir / LOCK))
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(timeout=LOCK_POLL)
        except Timeout:
            log(f"another rag process is building the index at {index_dir}; waiting for it to finish…")
            lock.acquire()
    except OSError as e:
        raise IndexProblem(f"cannot write the index directory {index_dir} ({e.strerror or e}); check its permissions or pass --index DIR") from None
    try:
        yield
    finally:
        lock.release()


def resolve_embedder(config: Config, embedder, report: BuildReport):
    """The embedder to index with, or None (with report.dense_reason saying why)."""
    if embedder is None and config.model is None:
        report.dense_reason = "turned off (RAG_MODEL=none)"
        return None
    if embedder is None:
        from rag.embedding import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(config.model, config.device)
    try:
        if hasattr(embedder, "warm_up"):
            embedder.warm_up()
    except ModelUnavailable as e:
        report.dense_reason = str(e)
        return None
    return embedder


def build_index(config: Config, embedder=None, force: bool = False, progress: bool = False, log=_stderr) -> BuildReport:
    """Build or update the index of config.corpus_dir in config.index_dir.

    Unchanged corpus and settings → nothing is rebuilt. Otherwise every channel is rebuilt from the
    documents, and passage embeddings whose content hash is already stored are reused. Files that
    cannot be read (or are empty) are skipped and listed in report.warnings."""
    started = time.time()
    index_dir = Path(config.index_dir)
    report = BuildReport(str(index_dir), backend=config.backend)
    root = Path(config.corpus_dir)
    files = corpus_files(root)
    with build_lock(index_dir, log):
        old, problem = inspect(index_dir, full=True)
        if problem:
            report.repaired = problem
            log(f"the index at {index_dir} {problem}; rebuilding it…")
        embedder = resolve_embedder(config, embedder, report)
        setup = {"settings": index_settings(config), "signature": embedder.signature if embedder else None, "backend": backend_key(config)}
        same_setup = old is not None and all(_setup_of(old)[k] == v for k, v in setup.items())
        current = fingerprint(root)
        if not force and same_setup and old.get("fingerprint") == current:
            return _up_to_date(old, report, embedder, started)
        rels = [str(p.relative_to(root)) for p in files]
        sizes = {rel: p.stat().st_size for rel, p in zip(rels, files)}
        workers = worker_count(config.workers, sum(sizes.values()))
        report.workers = workers
        mark = time.time()
        with Workers(workers) as pool, _bar(progress, total=len(rels), desc="reading", unit="file") as bar:
            scanned = []
            for part in pool.map(scan, ((str(root), b) for b in batches(rels, sizes.get, 2_000_000))):
                scanned.extend(part)
                bar.update(len(part))
        report.stages["reading"] = round(time.time() - mark, 2)
        report.warnings.extend(f"skipped {s.error}" for s in scanned if s.error)
        report.warnings.extend(w for s in scanned for w in s.warnings)
        corpus_hash = content_hash(*(f"{s.rel}\x1e{s.hash}" for s in scanned if s.hash), length=16)
        if not force and same_setup and old.get("corpus_hash") == corpus_hash:
            old["fingerprint"] = current  # touched but identical content
            write_manifest(index_dir, old)
            return _up_to_date(old, report, embedder, started)
        ids = settle_ids(scanned)
        if not ids:
            raise CorpusError(f"no readable document in {root}: " + "; ".join(s.error for s in scanned[:3] if s.error))
        report.warnings.extend(note for _, note in ids.values() if note)
        old_sources = _old_sources(index_dir) if old is not None else {}
        old_hashes = {path: h for path, (_, h) in old_sources.items()}
        by_rel = {s.rel: s for s in scanned if s.rel in ids}
        report.added = [r for r in ids if r not in old_hashes]
        report.changed = [r for r in ids if r in old_hashes and old_hashes[r] != by_rel[r].hash]
        report.removed = sorted(set(old_hashes) - set(ids))
        words = sorted({w for s in by_rel.values() for w in s.words})
        items = [(rel, doc_id, note) for rel, (doc_id, note) in ids.items()]
        work = list(batches(items, lambda item: sizes[item[0]]))
        sources = [{"path": r, "doc_id": ids[r][0], "hash": by_rel[r].hash} for r in ids]
        delta = None
        kept_ids = all(old_sources[r][0] == ids[r][0] for r in ids if r in old_sources)
        if config.backend == "qdrant" and not force and same_setup and kept_ids:  # update the collection by reply
            delta = ({ids[r][0] for r in report.added + report.changed}, {old_sources[r][0] for r in report.removed + report.changed})
        with Workers(workers, words) as pool:
            results = pool.map(process_files, ((str(root), b, config.chunk_size, embedder is not None) for b in work))
            _write(results, sum(sizes[i[0]] for i in items), lambda i: sum(sizes[x[0]] for x in work[i]), config, embedder, report, progress, words, sources, {
                "corpus_dir": str(root.resolve()), "corpus_hash": corpus_hash, "fingerprint": current,
                "skipped": [s.error for s in scanned if s.error],
            }, delta)
    report.seconds = time.time() - started
    return report


def write_index(docs: list[Document], config: Config, embedder, report: BuildReport, progress: bool = False, extra: dict | None = None) -> None:
    """Chunk docs (already parsed) and write every channel and the manifest to config.index_dir.
    The same pipeline serves the corpus and benchmark passages (rag eval squad)."""
    index_dir = Path(config.index_dir)
    words = sorted({w for d in docs for w in names_to_learn(d)})
    work = list(batches(docs, lambda d: len(d.text)))
    workers = worker_count(config.workers, 3 * sum(len(d.text) for d in docs))
    report.workers = workers
    sources = [{"path": d.path, "doc_id": d.doc_id, "hash": content_hash(d.text)} for d in docs]
    with build_lock(index_dir), Workers(workers, words) as pool:
        results = pool.map(process_documents, ((b, config.chunk_size, embedder is not None) for b in work))
        _write(results, sum(len(d.text) for d in docs), lambda i: sum(len(d.text) for d in work[i]), config, embedder, report, progress, words, sources, extra or {})


def channel_parameters(config: Config, dense_kind: str | None) -> dict:
    """What the channels were built and are queried with, recorded in the manifest."""
    from rag import dense
    from rag.postings import B, K1

    out = {
        "lexical": {"bm25": "lucene", "k1": K1, "b": B, "bigram_weight": config.bigram_weight, "rerank_depth": config.rerank_depth, "sentence_weight": config.sentence_weight},
        "fusion": {"rrf_k": config.rrf_k, "fetch_factor": config.fetch_factor},
    }
    if dense_kind is not None:
        out["dense"] = {"index": dense_kind, "hnsw_above": config.hnsw_above, "hnsw_m": dense.HNSW_M, "ef_search": dense.HNSW_EF_SEARCH}
    return out


def _setup_of(manifest: dict) -> dict:
    return {"settings": manifest.get("settings"), "signature": manifest.get("dense", {}).get("signature"), "backend": manifest.get("backend", {}).get("key")}


def _old_sources(index_dir: Path) -> dict[str, tuple[str, str]]:
    """{file: (doc_id, content hash)} of the index being replaced."""
    try:
        with (index_dir / "sources.jsonl").open(encoding="utf-8") as f:
            return {row["path"]: (row["doc_id"], row["hash"]) for row in map(json.loads, f)}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _up_to_date(old: dict, report: BuildReport, embedder, started: float) -> BuildReport:
    report.up_to_date = True
    report.documents, report.chunks = old["counts"]["documents"], old["counts"]["chunks"]
    report.dense = embedder is not None
    report.reused = report.chunks if embedder else 0
    report.warnings.extend(f"skipped {e}" for e in old.get("skipped", []))
    report.seconds = time.time() - started
    return report


def _write(results, total: int, size_of_batch, config: Config, embedder, report: BuildReport, progress: bool, words: list[str], sources: list[dict], extra: dict,
           delta: tuple[set, set] | None = None) -> None:
    """Lay out the processed batches (in order) as an index aside, then swap it in. delta: the
    replies to send to and drop from a Qdrant collection that holds the others already."""
    index_dir = Path(config.index_dir)
    tmp = index_dir / BUILDING
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    documents, chunks = JsonLinesWriter(tmp / "documents.jsonl"), JsonLinesWriter(tmp / "chunks.jsonl")
    postings = {cls: PostingsWriter(tmp / f".spill-{cls.DIRNAME}") for cls in (LexicalIndex, BigramIndex)}
    doc_ids: list[str] = []
    doc_years: list[int] = []
    doc_sizes: list[int] = []
    headers: list[list] = []
    names, texts, footer = entities.empty(), ([] if embedder is not None else None), 0
    tagged: set[str] = set()
    mark = time.time()

    def stage(name: str) -> None:
        nonlocal mark
        report.stages[name] = round(time.time() - mark, 2)
        mark = time.time()

    with _bar(progress, total=total, desc="indexing", unit="B", unit_scale=True) as bar:
        for i, batch in enumerate(results):
            documents.write_lines(batch.documents)
            chunks.write_lines(batch.chunks)
            postings[LexicalIndex].add(batch.words)
            postings[BigramIndex].add(batch.bigrams)
            for doc_id, year, n in batch.doc_rows:
                doc_ids.append(doc_id)
                doc_years.append(year or 0)
                doc_sizes.append(n)
            headers.extend(batch.headers)
            # tagged here, once per distinct word, while the workers cut the next batches
            entities.tag_words(batch.whole_words - tagged, names)
            tagged |= batch.whole_words
            footer += batch.footer
            if texts is not None:
                texts.extend(batch.texts)
            bar.update(size_of_batch(i))
    documents.close()
    chunks.close()
    stage("indexing")
    if not doc_ids:
        raise CorpusError(f"no readable document in {config.corpus_dir}")
    for cls, writer in postings.items():
        with _bar(progress, total=writer.nnz, desc=f"writing {cls.DIRNAME}", unit="posting", unit_scale=True) as bar:
            writer.finish(tmp / cls.DIRNAME, progress=bar.update)
        shutil.rmtree(tmp / f".spill-{cls.DIRNAME}", ignore_errors=True)
        stage(f"postings {cls.DIRNAME}")
    report.chunks = int(sum(doc_sizes))
    starts = np.zeros(len(doc_sizes) + 1, dtype=np.int64)
    np.cumsum(doc_sizes, out=starts[1:])
    np.save(tmp / "doc_chunks.npy", starts, allow_pickle=False)
    np.save(tmp / "chunk_docs.npy", np.repeat(np.arange(len(doc_ids), dtype=np.int32), doc_sizes), allow_pickle=False)
    np.save(tmp / "doc_years.npy", np.asarray(doc_years, dtype=np.int16), allow_pickle=False)
    (tmp / "doc_ids.json").write_text(json.dumps(doc_ids, ensure_ascii=False), encoding="utf-8")
    (tmp / "user_words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    (tmp / "headers.json").write_text(json.dumps(headers, ensure_ascii=False), encoding="utf-8")
    with (tmp / "sources.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(s, ensure_ascii=False) + "\n" for s in sources)
    vocab = Vocabulary.load(tmp / LexicalIndex.DIRNAME)
    Translator.save(build_dictionary(set(vocab)), tmp)
    entities.drop_common(names, inverted().common)
    names["person"].update(w for w in words if len(w) >= 2)
    entities.save(names, tmp)
    stage("dictionary")

    dense_meta: dict = {"on": False, "model": None, "dimension": None, "signature": None, "requested": config.model, "reason": report.dense_reason, "kind": None}
    if embedder is not None:
        vectors, keys, reused = _embed(embedder, texts, index_dir, config.batch_size, progress)
        report.embedded, report.reused = len(texts) - reused, reused
        np.save(tmp / "embeddings.npy", vectors, allow_pickle=False)
        (tmp / "embedding_keys.json").write_text(json.dumps(keys), encoding="utf-8")
        dense = DenseIndex.build(vectors, config.hnsw_above)
        dense.save(tmp)
        dense_meta = {"on": True, "model": embedder.model_id, "dimension": int(vectors.shape[1]), "signature": embedder.signature, "requested": config.model, "reason": "", "kind": dense.kind}
        report.dense = True
        stage("embedding")
    backend = {"name": config.backend, "key": backend_key(config)}
    if config.backend == "qdrant":
        from rag.backends.qdrant import upload

        backend.update(upload(tmp, config, progress, *(delta or (None, set()))))
        stage("qdrant")
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **extra,
        "settings": index_settings(config),
        "channels": ["lexical", "crosslingual"] + (["dense"] if dense_meta["on"] else []),
        "channel_parameters": channel_parameters(config, dense_meta["kind"]),
        "dense": dense_meta,
        "backend": backend,
        "counts": {"documents": len(doc_ids), "chunks": report.chunks, "footer_chunks": footer, "vocabulary": len(vocab)},
    }
    with _bar(progress, desc="checksums", unit="B", unit_scale=True) as bar:
        manifest["files"] = file_table(tmp, progress=bar.update)
    write_manifest(tmp, manifest)
    stage("checksums")
    _swap_in(tmp, index_dir)
    report.documents = len(doc_ids)


def _embed(embedder, texts: list[str], index_dir: Path, batch_size: int, progress: bool) -> tuple[np.ndarray, list[str], int]:
    """Vectors for texts, reusing stored ones with the same content hash.
    Returns (vectors, the content hash of each, how many were reused)."""
    keys = [content_hash(embedder.signature, t) for t in texts]
    stored: dict[str, int] = {}
    old_vectors = None
    try:
        old_keys = json.loads((index_dir / "embedding_keys.json").read_text(encoding="utf-8"))
        old_vectors = np.load(index_dir / "embeddings.npy", mmap_mode="r", allow_pickle=False)
        if len(old_keys) == len(old_vectors):
            stored = {k: i for i, k in enumerate(old_keys)}
    except (OSError, ValueError):
        pass
    missing = [i for i, k in enumerate(keys) if k not in stored]
    fresh = np.zeros((0, 0), dtype=np.float32)
    if missing:
        with _bar(progress, total=len(missing), desc="embedding passages", unit="passage") as bar:
            fresh = embedder.embed_documents([texts[i] for i in missing], batch_size, progress=bar.update)
    dim = fresh.shape[1] if missing else old_vectors.shape[1]
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    for row, i in enumerate(missing):
        vectors[i] = fresh[row]
    for i, k in enumerate(keys):
        if k in stored:
            vectors[i] = old_vectors[stored[k]]
    return vectors, keys, len(texts) - len(missing)


def _swap_in(tmp: Path, index_dir: Path) -> None:
    """Replace the index's files with the freshly built ones; the manifest goes first and comes
    back last, so an interrupted swap leaves no manifest (rebuilt on next use), never a mix."""
    (index_dir / MANIFEST).unlink(missing_ok=True)
    fresh = {p.name for p in tmp.iterdir() if p.name != MANIFEST}
    for name in fresh | INDEX_ENTRIES:  # only what rag writes: the directory may hold benchmarks/
        target = index_dir / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
    for name in sorted(fresh):
        os.replace(tmp / name, index_dir / name)
    os.replace(tmp / MANIFEST, index_dir / MANIFEST)
    shutil.rmtree(tmp, ignore_errors=True)
