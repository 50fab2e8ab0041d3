"""The index on disk: a directory holding a manifest beside the data of every channel.

    index/
      manifest.json        schema, settings, model and dimension (or none), corpus hash, counts
      documents.jsonl      one reply per line: metadata, repaired text, blocks
      chunks.jsonl         one passage per line; offsets index into the document text
      lexical/             BM25 arrays (.npy) and vocabulary (bm25s layout) over jieba words
      lexical_bigrams/     the same over character pairs
      crosslingual.json    English → Chinese dictionary restricted to this index's words
      entities.json        people, bodies and places named in the passages
      dense.faiss          FAISS inner-product index (when the dense channel is on)
      embeddings.npy       passage vectors, reused by content hash on the next build
      embedding_keys.json  the content hash of each row of embeddings.npy

No pickles: JSON, JSON Lines (UTF-8, real characters), NumPy arrays and FAISS's own format.
Building lives in rag.build; this module reads and opens an index.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag import entities
from rag.chunking import CHUNKER_VERSION
from rag.config import Config
from rag.crosslingual import VERSION as DICT_VERSION
from rag.crosslingual import Translator
from rag.crosslingual import FILENAME as DICT_FILE
from rag.dense import DenseIndex
from rag.errors import CorpusError, IndexProblem, InputError
from rag.lexical import BigramIndex, LexicalIndex
from rag.loader import corpus_files
from rag.parse import normalize_doc_number
from rag.text import add_words
from rag.types import Chunk, Document

SCHEMA_VERSION = 4
TOKENIZER_VERSION = 1
MANIFEST = "manifest.json"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _glossary_hash() -> str:
    from importlib import resources

    return hashlib.sha1(resources.files("rag").joinpath("data/glossary.tsv").read_bytes()).hexdigest()[:12]


def fingerprint(corpus_dir: str | Path) -> str:
    """Cheap identity of the corpus files (names, sizes, modification times) for staleness checks."""
    root = Path(corpus_dir)
    h = hashlib.sha1()
    for p in corpus_files(root):
        st = p.stat()
        h.update(f"{p.relative_to(root)}\x1f{st.st_size}\x1f{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def read_manifest(index_dir: str | Path) -> dict | None:
    path = Path(index_dir) / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexProblem(f"{path} is damaged ({e}); run `rag index --force` to rebuild the index") from None


def index_settings(config: Config) -> dict:
    """The settings an index depends on: a change means rebuilding it."""
    return {
        "schema_version": SCHEMA_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "tokenizer_version": TOKENIZER_VERSION,
        "chunk_size": config.chunk_size,
        "glossary": _glossary_hash(),
        "dictionary_version": DICT_VERSION,
    }


@dataclass
class OpenIndex:
    """An index loaded for querying."""

    path: Path
    manifest: dict
    documents: list[Document]
    chunks: list[Chunk]
    lexical: LexicalIndex
    translator: Translator | None
    bigrams: BigramIndex | None = None
    entities: dict = field(default_factory=dict)  # person/org/place → names found in the passages
    dense: DenseIndex | None = None
    embedder: object = None
    notices: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.by_id = {d.doc_id: d for d in self.documents}
        self.doc_ids = set(self.by_id)
        self._chunks_by_doc: dict[str, list[Chunk]] = {}
        for c in self.chunks:
            self._chunks_by_doc.setdefault(c.doc_id, []).append(c)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return self._chunks_by_doc.get(doc_id, [])

    def document(self, doc_id: str) -> Document:
        return self.by_id[doc_id]

    def resolve_doc(self, value: str) -> str:
        """The doc_id for a 文号 as the user typed it (brackets and spaces may vary)."""
        value = str(value).strip()
        if value in self.by_id:
            return value
        normalized = normalize_doc_number(value)
        if normalized in self.by_id:
            return normalized
        known = "、".join(sorted(self.by_id))
        raise InputError(f"unknown 文号 {value!r}; documents in the index: {known}")


def open_index(config: Config, embedder=None, build: bool = True, progress: bool = False, log=_stderr) -> OpenIndex:
    """Open config.index_dir, building or updating it first when build is true and the corpus changed.

    Refuses an index whose schema, model or dimension does not match, saying what to run."""
    index_dir = Path(config.index_dir)
    manifest = read_manifest(index_dir)
    if manifest is not None and manifest.get("schema_version") != SCHEMA_VERSION:
        if not build:
            raise IndexProblem(
                f"the index at {index_dir} has schema version {manifest.get('schema_version')} but this version of rag reads "
                f"version {SCHEMA_VERSION}; run `rag index --force` to rebuild it"
            )
        log(f"the index at {index_dir} was built by another version of rag; rebuilding it…")
        from rag.build import build_index

        build_index(config, embedder=embedder, force=True, progress=progress, log=log)
        manifest = read_manifest(index_dir)
    model_id = embedder.model_id if embedder is not None else config.model
    if manifest is not None:
        dense = manifest.get("dense", {})
        if dense.get("on") and model_id is not None and dense.get("model") != model_id:
            raise IndexProblem(
                f"the index at {index_dir} holds embeddings from {dense.get('model')} (dimension {dense.get('dimension')}) "
                f"but the configured model is {model_id}; run `rag index` to re-embed with {model_id}, "
                f"or set RAG_MODEL={dense.get('model')}"
            )
    if build:
        stale = manifest is None
        if not stale:
            try:
                stale = manifest.get("fingerprint") != fingerprint(config.corpus_dir) or manifest.get("settings") != index_settings(config)
            except CorpusError:
                stale = False  # the corpus is gone: serve the index as built
        if stale:
            log("building the index (first use or corpus changed)…" if manifest is None else "the corpus changed since the index was built; updating it…")
            from rag.build import build_index

            report = build_index(config, embedder=embedder, progress=progress, log=log)
            for message in report.errors:
                log(f"error: {message}")
            manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexProblem(f"no index at {index_dir}; run `rag index` (it reads the corpus from {config.corpus_dir})")

    for name in ("documents.jsonl", "chunks.jsonl", DICT_FILE, BigramIndex.DIRNAME):
        if not (index_dir / name).exists():
            raise IndexProblem(f"the index at {index_dir} is incomplete ({name} is missing); run `rag index --force`")
    add_words(manifest.get("user_words", []))
    documents = [Document.from_dict(d) for d in _read_jsonl(index_dir / "documents.jsonl")]
    chunks = [Chunk.from_dict(c) for c in _read_jsonl(index_dir / "chunks.jsonl")]
    lexical = LexicalIndex.load(index_dir)
    translator = Translator.load(index_dir, lexical.vocab)
    lexical.know_parts(translator.parts)
    opened = OpenIndex(index_dir, manifest, documents, chunks, lexical, translator, BigramIndex.load(index_dir), entities.load(index_dir))

    dense = manifest.get("dense", {})
    if dense.get("on") and model_id is not None:
        opened.dense = DenseIndex.load(index_dir)
        if embedder is None:
            from rag.embedding import SentenceTransformerEmbedder

            embedder = SentenceTransformerEmbedder(model_id, config.device)
        opened.embedder = _checked(embedder, dense, index_dir)
    elif model_id is None:
        opened.notices.append("dense channel off: turned off by configuration (RAG_MODEL=none); search uses the lexical channels")
    else:
        reason = dense.get("reason") or "the index was built without it"
        opened.notices.append(f"dense channel off: {reason}. Search uses the lexical channels; run `rag index` once the model is available")
    return opened


class _checked:
    """Wraps an embedder: the first query verifies its dimension against the index's."""

    def __init__(self, embedder, dense: dict, index_dir: Path):
        self._embedder, self._dense, self._index_dir, self._ok = embedder, dense, index_dir, False
        self.model_id = embedder.model_id

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._embedder.embed_query(text)
        if not self._ok:
            if len(vector) != self._dense["dimension"]:
                raise IndexProblem(
                    f"the model {self.model_id} makes {len(vector)}-dimensional vectors but the index at {self._index_dir} "
                    f"holds {self._dense['dimension']}-dimensional ones; run `rag index --force` to re-embed"
                )
            self._ok = True
        return vector
