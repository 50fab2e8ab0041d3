"""The per-document work of a build — read, parse, chunk, tokenize, tag names — done in batches,
in worker processes when the corpus is large enough to pay for starting them.

Two passes over the files. The first only parses, to learn every document's 文号 and the names
the segmenter must know before any passage is cut (addressees, contacts: 李琛浩, not 李琛/浩). The
second chunks and tokenizes. Each batch comes back compact — encoded JSON lines, token counts —
so the process that writes the index never holds the corpus.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rag import entities
from rag.chunking import chunk_document
from rag.errors import CorpusError
from rag.parse import CONTACT_NAME, parse_document
from rag.postings import TokenCounts
from rag.rows import encode
from rag.text import CJK, add_words, char_bigrams, tokenize
from rag.types import Document, content_hash

_HAS_CJK = re.compile(f"[{CJK}]")
BATCH_CHARS = 200_000  # characters of text per batch sent to a worker (about 700 passages)
POOL_ABOVE = 3_000_000  # bytes of corpus below which starting worker processes costs more than it saves


@dataclass(frozen=True)
class Scanned:
    """What the first pass learns about one file."""

    rel: str
    size: int
    hash: str | None = None  # content hash of the decoded text
    doc_id: str | None = None
    words: tuple[str, ...] = ()  # names the segmenter must know
    warnings: tuple[str, ...] = ()
    error: str | None = None


HEADING_CACHE = 4096


@lru_cache(maxsize=HEADING_CACHE)
def _heading_tokens(heading: str) -> tuple[str, ...]:
    return tuple(tokenize(heading))


def passage_tokens(chunk) -> list[str]:
    """tokenize(chunk.indexed_text), the heading path's tokens remembered: the passages of a
    section share it, and it is a fifth of the text. Exact: the segmenter cuts the two apart at
    the line break anyway, as long as both hold Chinese (text without any takes another path)."""
    text = chunk.indexed_text
    heading = chunk.section_path
    if chunk.section and text == f"{heading}\n{chunk.text}" and _HAS_CJK.search(heading) and _HAS_CJK.search(chunk.text):
        return list(_heading_tokens(heading)) + tokenize(chunk.text)
    return tokenize(text)


@dataclass
class Processed:
    """A batch of documents, chunked and tokenized."""

    documents: list[bytes] = field(default_factory=list)  # documents.jsonl lines
    chunks: list[bytes] = field(default_factory=list)  # chunks.jsonl lines
    doc_rows: list[tuple[str, int | None, int]] = field(default_factory=list)  # (doc_id, year, passages)
    headers: list[list] = field(default_factory=list)  # [addressees, proposal number, issuer] of each document
    texts: list[str] | None = None  # indexed text of each passage, when embeddings are wanted
    words: TokenCounts | None = None
    bigrams: TokenCounts | None = None
    whole_words: set[str] = field(default_factory=set)  # for name tagging, once per distinct word
    footer: int = 0


def names_to_learn(doc: Document) -> set[str]:
    """Addressees and contact names: words the segmenter would otherwise split."""
    return set(doc.addressees) | {m.group(1) for m in CONTACT_NAME.finditer(doc.text)}


def _read(root: Path, rel: str) -> str:
    from rag.loader import read_text

    return read_text(root / rel)


def scan(root: str, rels: list[str]) -> list[Scanned]:
    """First pass over some files: parse each, keep what identifies it."""
    out = []
    for rel in rels:
        path = Path(root) / rel
        try:
            size = path.stat().st_size
            text = _read(Path(root), rel)
            doc = parse_document(text, rel)
        except (OSError, CorpusError) as e:
            out.append(Scanned(rel, 0, error=str(e) if isinstance(e, CorpusError) else f"cannot read {path}: {e.strerror or e}"))
            continue
        out.append(Scanned(rel, size, content_hash(text), doc.doc_id, tuple(sorted(names_to_learn(doc))), doc.warnings))
    return out


def settle_ids(scanned: Iterable[Scanned]) -> dict[str, tuple[str, str | None]]:
    """{file: (doc_id, note)}. Documents that share a 文号 keep the first; the others fall back to
    the file name as id, with a warning (as rag.loader.parse_corpus does for a list of texts)."""
    seen: set[str] = set()
    out = {}
    for s in scanned:
        if s.error is not None:
            continue
        doc_id, note = s.doc_id, None
        if doc_id in seen:
            doc_id = f"{s.doc_id}#{Path(s.rel).stem}"
            note = f"{s.rel}: 文号 {s.doc_id} is also used by another file; using '{doc_id}' as its id"
        seen.add(doc_id)
        out[s.rel] = (doc_id, note)
    return out


def process_documents(docs: list[Document], chunk_size: int, with_texts: bool) -> Processed:
    """Chunk, tokenize and tag documents (already parsed, ids settled)."""
    out = Processed(texts=[] if with_texts else None)
    word_lists, pair_lists = [], []
    for doc in docs:
        chunks = chunk_document(doc, chunk_size)
        out.documents.append(encode(doc.to_dict()))
        out.doc_rows.append((doc.doc_id, doc.year, len(chunks)))
        out.headers.append([list(doc.addressees), doc.proposal_number or "", doc.issuer or ""])
        for c in chunks:
            out.chunks.append(encode(c.to_dict()))
            text = c.indexed_text
            word_lists.append(passage_tokens(c))
            out.whole_words.update(entities.whole_words(word_lists[-1]))
            pair_lists.append(char_bigrams(text))
            out.footer += c.kind == "footer"
            if out.texts is not None:
                out.texts.append(text)
    out.words, out.bigrams = TokenCounts.of(word_lists), TokenCounts.of(pair_lists)
    return out


def process_files(root: str, items: list[tuple[str, str, str | None]], chunk_size: int, with_texts: bool) -> Processed:
    """Second pass over some files: items are (file, settled doc_id, note)."""
    docs = []
    for rel, doc_id, note in items:
        doc = parse_document(_read(Path(root), rel), rel)
        if doc.doc_id != doc_id:
            doc = replace(doc, doc_id=doc_id, warnings=doc.warnings + ((note,) if note else ()))
        docs.append(doc)
    return process_documents(docs, chunk_size, with_texts)


def batches(items: list, size_of, limit: int = BATCH_CHARS) -> Iterator[list]:
    """items grouped so that each group's size_of total stays near limit."""
    batch, total = [], 0
    for item in items:
        batch.append(item)
        total += size_of(item)
        if total >= limit:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def _init_worker(words: list[str]) -> None:
    from rag.cache import prepare_jieba

    prepare_jieba()
    add_words(words)
    if words:
        tokenize("中文")  # load the segmenter now, with the names: tagging reads its dictionary


class Workers:
    """Runs batches in worker processes (spawned: the parent may hold threads or a model), or in
    this process when there is little work. Results come back in submission order."""

    def __init__(self, count: int, words: list[str] = ()):
        self.count = count
        self._pool = None
        self._words = list(words)
        if count > 1:
            import multiprocessing

            self._pool = multiprocessing.get_context("spawn").Pool(count, initializer=_init_worker, initargs=(self._words,))
        _init_worker(self._words)  # this process tags names and, without a pool, does the work

    def map(self, fn, arg_lists: Iterable[tuple]) -> Iterator:
        if self._pool is None:
            return (fn(*args) for args in arg_lists)
        return self._pool.imap(_star, ((fn, args) for args in arg_lists))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _star(job):
    fn, args = job
    return fn(*args)


def worker_count(config_workers: int, corpus_bytes: int) -> int:
    """Processes to use: the configured number, else one per core when the corpus is large."""
    if config_workers > 0:
        return config_workers
    return min(os.cpu_count() or 1, 4) if corpus_bytes >= POOL_ABOVE else 1
