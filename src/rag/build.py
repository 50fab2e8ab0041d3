"""Build or update the index: read the corpus, decide what changed, chunk, and write every channel
with the manifest (rag.store describes the layout). Embeddings of unchanged text are reused."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag import entities
from rag.chunking import chunk_corpus
from rag.config import Config
from rag.crosslingual import FILENAME as DICT_FILE
from rag.crosslingual import Translator, build_dictionary
from rag.dense import FILENAME as DENSE_FILE
from rag.dense import DenseIndex
from rag.errors import CorpusError, IndexProblem, ModelUnavailable
from rag.lexical import BigramIndex, LexicalIndex
from rag.loader import parse_corpus, read_corpus
from rag.parse import CONTACT_NAME
from rag.store import MANIFEST, SCHEMA_VERSION, fingerprint, index_settings, read_manifest
from rag.text import add_words
from rag.types import Document, content_hash


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


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
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


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
    cannot be read are skipped and listed in report.errors."""
    started = time.time()
    index_dir = Path(config.index_dir)
    report = BuildReport(str(index_dir))
    try:
        old = read_manifest(index_dir)
    except IndexProblem:
        old = None

    raws = read_corpus(config.corpus_dir, on_error=report.errors.append)
    corpus_hash = content_hash(*(f"{rel}\x1e{text}" for rel, text in raws), length=16)
    embedder = resolve_embedder(config, embedder, report)

    if (
        not force
        and old is not None
        and old.get("settings") == index_settings(config)
        and old.get("corpus_hash") == corpus_hash
        and old.get("dense", {}).get("signature") == (embedder.signature if embedder else None)
        and not report.errors
    ):
        report.up_to_date = True
        report.documents = old["counts"]["documents"]
        report.chunks = old["counts"]["chunks"]
        report.dense = embedder is not None
        report.reused = report.chunks if embedder else 0
        report.seconds = time.time() - started
        current = fingerprint(config.corpus_dir)
        if old.get("fingerprint") != current:  # touched but identical content
            old["fingerprint"] = current
            (index_dir / MANIFEST).write_text(json.dumps(old, ensure_ascii=False, indent=2), encoding="utf-8")
        return report

    docs = parse_corpus(raws, on_error=report.errors.append)
    for doc in docs:
        report.warnings.extend(doc.warnings)
    if not docs:
        raise CorpusError(f"no readable document in {config.corpus_dir}: " + "; ".join(report.errors))

    old_docs = {d["path"]: d.get("hash") for d in (old or {}).get("documents", [])}
    doc_hashes = {rel: content_hash(text) for rel, text in raws}
    for d in docs:
        if d.path not in old_docs:
            report.added.append(d.path)
        elif old_docs[d.path] != doc_hashes[d.path]:
            report.changed.append(d.path)
    report.removed = sorted(set(old_docs) - {d.path for d in docs})

    write_index(docs, config, embedder, report, progress, {
        "corpus_dir": str(Path(config.corpus_dir).resolve()),
        "corpus_hash": corpus_hash,
        "fingerprint": fingerprint(config.corpus_dir),
        "documents": [{"path": d.path, "doc_id": d.doc_id, "hash": doc_hashes[d.path]} for d in docs],
    })
    report.seconds = time.time() - started
    return report


def write_index(docs: list[Document], config: Config, embedder, report: BuildReport, progress: bool = False, extra: dict | None = None) -> None:
    """Chunk docs and write every channel and the manifest to config.index_dir. The same
    pipeline serves the corpus and benchmark passages (rag eval squad)."""
    index_dir = Path(config.index_dir)
    user_words = sorted({n for d in docs for n in d.addressees} | _contact_names(docs))
    add_words(user_words)
    chunks = chunk_corpus(docs, config.chunk_size)
    texts = [c.indexed_text for c in chunks]
    lexical = LexicalIndex.build(texts)
    bigrams = BigramIndex.build(texts)
    dictionary = build_dictionary(set(lexical.vocab))
    names = entities.extract([d.text for d in docs], known_people=user_words)

    tmp = index_dir.parent / f".{index_dir.name}.building"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    dense_meta: dict = {"on": False, "model": None, "dimension": None, "signature": None, "requested": config.model, "reason": report.dense_reason}
    if embedder is not None:
        vectors, keys, reused = _embed(embedder, texts, index_dir, config.batch_size, progress)
        report.embedded, report.reused = len(texts) - reused, reused
        np.save(tmp / "embeddings.npy", vectors, allow_pickle=False)
        (tmp / "embedding_keys.json").write_text(json.dumps(keys), encoding="utf-8")
        DenseIndex.build(vectors).save(tmp)
        dense_meta = {"on": True, "model": embedder.model_id, "dimension": int(vectors.shape[1]), "signature": embedder.signature, "requested": config.model, "reason": ""}
        report.dense = True

    _write_jsonl(tmp / "documents.jsonl", [d.to_dict() for d in docs])
    _write_jsonl(tmp / "chunks.jsonl", [c.to_dict() for c in chunks])
    lexical.save(tmp)
    bigrams.save(tmp)
    Translator.save(dictionary, tmp)
    entities.save(names, tmp)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **(extra or {}),
        "settings": index_settings(config),
        "channels": ["lexical", "crosslingual"] + (["dense"] if dense_meta["on"] else []),
        "dense": dense_meta,
        "user_words": user_words,
        "counts": {"documents": len(docs), "chunks": len(chunks), "footer_chunks": sum(c.kind == "footer" for c in chunks), "vocabulary": len(lexical.vocab)},
    }
    manifest.setdefault("documents", [{"path": d.path, "doc_id": d.doc_id, "hash": content_hash(d.text)} for d in docs])
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _swap_in(tmp, index_dir)
    report.documents, report.chunks = len(docs), len(chunks)


def _contact_names(docs: list[Document]) -> set[str]:
    return {m.group(1) for d in docs for m in CONTACT_NAME.finditer(d.text)}


def _embed(embedder, texts: list[str], index_dir: Path, batch_size: int, progress: bool) -> tuple[np.ndarray, list[str], int]:
    """Vectors for texts, reusing stored ones with the same content hash.
    Returns (vectors, the content hash of each, how many were reused)."""
    keys = [content_hash(embedder.signature, t) for t in texts]
    stored: dict[str, np.ndarray] = {}
    try:
        old_keys = json.loads((index_dir / "embedding_keys.json").read_text(encoding="utf-8"))
        old_vectors = np.load(index_dir / "embeddings.npy", allow_pickle=False)
        if len(old_keys) == len(old_vectors):
            stored = dict(zip(old_keys, old_vectors))
    except (OSError, ValueError):
        pass
    missing = [i for i, k in enumerate(keys) if k not in stored]
    fresh = np.zeros((0, 0), dtype=np.float32)
    if missing:
        from tqdm import tqdm

        with tqdm(total=len(missing), desc="embedding passages", unit="passage", disable=not progress, file=sys.stderr) as bar:
            fresh = embedder.embed_documents([texts[i] for i in missing], batch_size, progress=bar.update)
    dim = fresh.shape[1] if missing else len(next(iter(stored.values())))
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    for row, i in enumerate(missing):
        vectors[i] = fresh[row]
    for i, k in enumerate(keys):
        if k in stored:
            vectors[i] = stored[k]
    return vectors, keys, len(texts) - len(missing)


def _swap_in(tmp: Path, index_dir: Path) -> None:
    """Replace the index's files with the freshly built ones; the manifest goes last."""
    index_dir.mkdir(parents=True, exist_ok=True)
    ours = {MANIFEST, "documents.jsonl", "chunks.jsonl", LexicalIndex.DIRNAME, BigramIndex.DIRNAME, DICT_FILE, DENSE_FILE, entities.FILENAME, "embeddings.npy", "embedding_keys.json"}
    (index_dir / MANIFEST).unlink(missing_ok=True)
    for name in ours - {MANIFEST}:
        target = index_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if (tmp / name).exists():
            os.replace(tmp / name, target)
    os.replace(tmp / MANIFEST, index_dir / MANIFEST)
    shutil.rmtree(tmp, ignore_errors=True)


