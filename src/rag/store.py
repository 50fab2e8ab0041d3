"""The index on disk: a directory holding a manifest beside the data of every channel.

    index/
      manifest.json          schema, settings, backend, model and dimension (or none), corpus hash,
                             counts, and the size and SHA-1 of every file below
      documents.jsonl        one reply per line: metadata, repaired text, blocks (+ .offsets.npy)
      chunks.jsonl           one passage per line; offsets index into the document text (+ .offsets.npy)
      doc_ids.json           the documents' ids (文号) in row order
      doc_chunks.npy         each document's first passage row; chunk_docs.npy, each passage's document
      doc_years.npy          each document's year (0: none), for the year filter
      sources.jsonl          each corpus file with its id and content hash, to tell what changed
      user_words.json        names taught to the segmenter (addressees, contacts)
      headers.json           each document's addressees, proposal number and issuer, in row order
      lexical/               BM25 postings over jieba words, memory-mapped (rag.postings)
      lexical_bigrams/       the same over character pairs
      crosslingual/          English → Chinese dictionary restricted to this index's words, as keyed tables
      entities.json          people, bodies and places named in the passages
      dense.faiss            FAISS index, flat or HNSW (when the dense channel is on)
      embeddings.npy         passage vectors, reused by content hash on the next build
      embedding_keys.json    the content hash of each row of embeddings.npy

No pickles: JSON, JSON Lines (UTF-8, real characters), NumPy arrays and FAISS's own format.
Nothing is parsed in full at open: arrays are memory-mapped and passages read by offset, so a
large index opens as fast as a small one. Building lives in rag.build; this module opens.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import sys
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import numpy as np

from rag import entities
from rag.chunking import CHUNKER_VERSION
from rag.config import Config
from rag.crosslingual import VERSION as DICT_VERSION
from rag.entities import VERSION as ENTITIES_VERSION
from rag.crosslingual import Translator
from rag.dense import DenseIndex
from rag.errors import CorpusError, IndexProblem, InputError
from rag.lexical import BigramIndex, LexicalIndex
from rag.loader import SUFFIXES, corpus_files
from rag.manifest import MANIFEST, SCHEMA_VERSION, inspect, read_manifest  # noqa: F401  (re-exported)
from rag.parse import normalize_doc_number
from rag.rows import JsonLines
from rag.text import add_words
from rag.types import Chunk, Document

TOKENIZER_VERSION = 2  # 2: rjieba
NEAREST = 3  # 文号 suggested when one is not in the index
ABSENT = "does not exist yet"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _glossary_hash() -> str:
    from importlib import resources

    return hashlib.sha1(resources.files("rag").joinpath("data/glossary.tsv").read_bytes()).hexdigest()[:12]


def fingerprint(corpus_dir: str | Path) -> str:
    """Cheap identity of the corpus's .txt/.md files (names, sizes, modification times; hidden
    ones aside) for staleness checks: one stat per file, so every question can afford it. It may
    cover a file the loader skips (a README): a change there costs a content check, which finds
    the corpus unchanged."""
    root = Path(corpus_dir)
    entries, todo = [], [root]
    while todo:
        try:
            with os.scandir(todo.pop()) as found:
                for entry in found:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir():
                        todo.append(Path(entry.path))
                    elif entry.is_file() and entry.name.lower().endswith(SUFFIXES):
                        st = entry.stat()
                        entries.append(f"{os.path.relpath(entry.path, root)}\x1f{st.st_size}\x1f{st.st_mtime_ns}\n")
        except OSError:
            continue
    if not entries:
        corpus_files(root)  # says why: no such directory, or nothing in it
    h = hashlib.sha1()
    for line in sorted(entries):
        h.update(line.encode())
    return h.hexdigest()[:16]


def index_settings(config: Config) -> dict:
    """The settings an index depends on: a change means rebuilding it."""
    return {
        "schema_version": SCHEMA_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "tokenizer_version": TOKENIZER_VERSION,
        "chunk_size": config.chunk_size,
        "glossary": _glossary_hash(),
        "dictionary_version": DICT_VERSION,
        "entities_version": ENTITIES_VERSION,
    }


class _DocumentsById(Mapping):
    def __init__(self, index: OpenIndex):
        self._index = index

    def __getitem__(self, doc_id: str) -> Document:
        return self._index.documents[self._index.ordinal[doc_id]]

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._index.ordinal

    def __iter__(self):
        return iter(self._index.ordinal)

    def __len__(self) -> int:
        return len(self._index.ordinal)


class OpenIndex:
    """An index opened for querying. documents and chunks are read lazily (sequences by row)."""

    def __init__(self, path: Path, manifest: dict, backend=None):
        self.path = Path(path)
        self.manifest = manifest
        self.documents = JsonLines(self.path / "documents.jsonl", Document.from_dict, cache=256)
        self.chunks = JsonLines(self.path / "chunks.jsonl", Chunk.from_dict, cache=4096)
        ids = json.loads((self.path / "doc_ids.json").read_text(encoding="utf-8"))
        self.ordinal: dict[str, int] = {doc_id: i for i, doc_id in enumerate(ids)}
        load = lambda name: np.load(self.path / name, mmap_mode="r", allow_pickle=False).view(np.ndarray)  # noqa: E731
        self.doc_chunks, self.chunk_docs, self.doc_years = load("doc_chunks.npy"), load("chunk_docs.npy"), load("doc_years.npy")
        if not (len(ids) == len(self.documents) == len(self.doc_years) == len(self.doc_chunks) - 1 and len(self.chunks) == len(self.chunk_docs) == int(self.doc_chunks[-1])):
            raise ValueError("the document and passage tables do not fit together")
        self.lexical = LexicalIndex.load(self.path)
        self.bigrams: BigramIndex | None = BigramIndex.load(self.path)
        self.translator: Translator | None = Translator.load(self.path, self.lexical.vocab)
        self.lexical.know_parts(self.translator.parts)
        self.entities = entities.load(self.path)  # person/org/place → names found in the passages
        self.dense: DenseIndex | None = None
        self.embedder = None
        self.notices: list[str] = []
        self.backend = backend

    @cached_property
    def headers(self) -> list[tuple[str, tuple[str, ...], str, str]]:
        """(doc_id, addressees, proposal number, issuer) of every document, read once on first use:
        what names a reply, without reading the replies themselves."""
        rows = json.loads((self.path / "headers.json").read_text(encoding="utf-8"))
        return [(doc_id, tuple(row[0]), row[1], row[2]) for doc_id, row in zip(self.ordinal, rows)]

    @cached_property
    def reply_keys(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """{addressee: [doc_id]} and {proposal number without leading zeros: [doc_id]}."""
        people: dict[str, list[str]] = {}
        numbers: dict[str, list[str]] = {}
        for doc_id, addressees, number, _ in self.headers:
            for name in addressees:
                people.setdefault(name, []).append(doc_id)
            if number:
                numbers.setdefault(number.lstrip("0"), []).append(doc_id)
        return people, numbers

    @cached_property
    def by_id(self) -> Mapping[str, Document]:
        return _DocumentsById(self)

    @property
    def doc_ids(self):
        return self.ordinal.keys()

    def rows_of(self, doc_id: str) -> range:
        i = self.ordinal[doc_id]
        return range(int(self.doc_chunks[i]), int(self.doc_chunks[i + 1]))

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        if doc_id not in self.ordinal:
            return []
        return [self.chunks[i] for i in self.rows_of(doc_id)]

    def document(self, doc_id: str) -> Document:
        return self.documents[self.ordinal[doc_id]]

    def years(self) -> list[str]:
        """The years documents were issued in, as strings, ascending."""
        return [str(int(y)) for y in np.unique(self.doc_years) if y]

    def mask(self, doc_id: str | None = None, year: str | None = None) -> np.ndarray | None:
        """Passages of one document and/or year, as a bool per row; None for no filter."""
        if doc_id is None and year is None:
            return None
        allowed = np.zeros(len(self.chunks), dtype=bool) if doc_id is not None else np.ones(len(self.chunks), dtype=bool)
        if doc_id is not None:
            rows = self.rows_of(doc_id)
            allowed[rows.start:rows.stop] = True
        if year is not None:
            allowed &= np.asarray(self.doc_years)[np.asarray(self.chunk_docs)] == int(year)
        return allowed

    def resolve_doc(self, value: str) -> str:
        """The doc_id for a 文号 as the user typed it (brackets and spaces may vary)."""
        value = str(value).strip()
        if value in self.ordinal:
            return value
        normalized = normalize_doc_number(value)
        if normalized in self.ordinal:
            return normalized
        nearest = difflib.get_close_matches(normalized or value, list(self.ordinal), n=NEAREST, cutoff=0.0)
        more = f" (of {len(self.ordinal):,}; `rag status` lists them)" if len(self.ordinal) > NEAREST else ""
        raise InputError(f"unknown 文号 {value!r}; the nearest in the index: {'、'.join(nearest)}{more}")


def _problem(index_dir: Path, config: Config, embedder, build: bool) -> tuple[dict | None, str]:
    """(manifest, why it cannot be served as is): checks that cost a stat per file. Staleness
    counts only where the index may be rebuilt (build); otherwise it is served as built."""
    manifest, problem = inspect(index_dir, full=False)
    if manifest is None:
        return None, problem or ABSENT
    model_id = embedder.model_id if embedder is not None else config.model
    dense = manifest.get("dense", {})
    if dense.get("on") and model_id is not None and dense.get("model") != model_id:
        raise IndexProblem(
            f"the index at {index_dir} holds embeddings from {dense.get('model')} (dimension {dense.get('dimension')}) "
            f"but the configured model is {model_id}; run `rag index` to re-embed with {model_id}, "
            f"or set RAG_MODEL={dense.get('model')}"
        )
    from rag.backends import backend_key

    if manifest.get("backend", {}).get("key") != backend_key(config):
        return manifest, f"was built for the {manifest.get('backend', {}).get('name', 'local')} backend, not {config.backend}"
    if not build:
        return manifest, ""
    if manifest.get("settings") != index_settings(config):
        return manifest, "was built with other settings"
    try:
        if manifest.get("fingerprint") != fingerprint(config.corpus_dir):
            return manifest, "is older than the corpus"
    except CorpusError:
        pass  # the corpus is gone: serve the index as built
    return manifest, ""


def open_index(config: Config, embedder=None, build: bool = True, progress: bool = False, log=_stderr) -> OpenIndex:
    """Open config.index_dir, building or updating it first when build is true and the corpus
    changed, and rebuilding it when it is damaged. Refuses an index whose model or dimension does
    not match, saying what to run."""
    from rag.cache import prepare_jieba

    prepare_jieba()
    index_dir = Path(config.index_dir)
    manifest, problem = _problem(index_dir, config, embedder, build)
    built = False
    for attempt in range(2):
        if problem:
            if not build:
                what = "run `rag index --force` to rebuild it" if "another version" in problem else f"run `rag index` (it reads the corpus from {config.corpus_dir})"
                if problem == ABSENT:
                    raise IndexProblem(f"no index at {index_dir}; {what}")
                raise IndexProblem(f"the index at {index_dir} {problem}; {what}")
            if problem == ABSENT:
                log("building the index (first use)…")
            elif "older than the corpus" in problem:
                log("the corpus changed since the index was built; updating it…")
            from rag.build import build_index

            build_index(config, embedder=embedder, force=attempt > 0, progress=progress, log=log)
            built = True
            manifest, problem = _problem(index_dir, config, embedder, build)
            if problem:
                raise IndexProblem(f"the index at {index_dir} {problem} even after rebuilding it; run `rag index --force`")
        try:
            opened = _open(index_dir, manifest, config, embedder)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
            problem = f"is damaged ({type(e).__name__}: {e})"
            continue
        if built:  # said once, when the index is built (the web app's banner and `rag status` keep it)
            for notice in opened.notices:
                log(f"note: {notice}")
        return opened
    raise IndexProblem(f"the index at {index_dir} {problem}; run `rag index --force`")


def _open(index_dir: Path, manifest: dict, config: Config, embedder) -> OpenIndex:
    from rag.backends import open_backend

    add_words(json.loads((index_dir / "user_words.json").read_text(encoding="utf-8")))
    opened = OpenIndex(index_dir, manifest, open_backend(config, manifest))
    model_id = embedder.model_id if embedder is not None else config.model
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

    def _check(self, vector: np.ndarray) -> None:
        if not self._ok:
            if len(vector) != self._dense["dimension"]:
                raise IndexProblem(
                    f"the model {self.model_id} makes {len(vector)}-dimensional vectors but the index at {self._index_dir} "
                    f"holds {self._dense['dimension']}-dimensional ones; run `rag index --force` to re-embed"
                )
            self._ok = True

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._embedder.embed_query(text)
        self._check(vector)
        return vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        many = getattr(self._embedder, "embed_queries", None)
        vectors = many(texts) if many is not None else np.vstack([self._embedder.embed_query(t) for t in texts])
        if len(vectors):
            self._check(vectors[0])
        return vectors
