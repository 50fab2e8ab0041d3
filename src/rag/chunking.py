"""Heading-aware chunking: one chunk never spans two sections, never mixes footer lines with body
text, never exceeds the size cap, and is always an exact slice of its document's text."""

from __future__ import annotations

import math
from functools import lru_cache

from rag.types import Block, Chunk, Document, make_chunk_id

CHUNKER_VERSION = 4

# Split points, best first. Each zero-width pattern cuts after the mark and after any closing
# quote that belongs to the sentence, so no piece starts with a stray ” or ）.
_CLOSE = "”’」』）)\"'"
SEPARATORS = [
    r"\n\n",
    r"\n",
    rf"(?<=[。！？!?])(?![{_CLOSE}。！？!?])",
    rf"(?<=[。！？!?][{_CLOSE}])(?![{_CLOSE}])",
    r"(?<=[；;])",
    r"(?<=[，,：:])",
    r"(?<=[、])",
    "",
]


@lru_cache(maxsize=16)
def _splitter(size: int):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=size,
        chunk_overlap=0,
        strip_whitespace=True,
    )


def split_span(text: str, start: int, end: int, cap: int) -> list[tuple[int, int]]:
    """Split text[start:end] into spans of at most cap characters, at sentence ends where
    possible, into pieces of about equal size (no 590 + 10 tails)."""
    length = end - start
    if length <= cap:
        return [(start, end)]
    pieces = math.ceil(length / cap)
    target = min(cap, math.ceil(length / pieces) + cap // 10)
    spans, cursor = [], start
    for piece in _splitter(target).split_text(text[start:end]):
        at = text.find(piece, cursor, end)
        if at < 0:  # cannot happen for exact substrings; keep the invariant loudly
            raise AssertionError("splitter returned text that is not in the document")
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return spans


def _group_key(block: Block) -> tuple:
    if block.role == "footer":
        return ("footer", block.section)
    return ("body", block.section)  # header lines open the letter: they pack with its intro


def chunk_document(doc: Document, cap: int = 600) -> list[Chunk]:
    """Chunks of one document, in reading order."""
    # (key, spans, only a heading line so far)
    groups: list[tuple[tuple, list[tuple[int, int]], bool]] = []
    for block in doc.blocks:
        key = _group_key(block)
        spans = split_span(doc.text, block.start, block.end, cap)
        if groups and groups[-1][0] == key:
            groups[-1] = (key, groups[-1][1] + spans, False)
        else:
            groups.append((key, list(spans), block.heading))

    # A heading line alone in its section opens its first subsection's chunk instead of
    # standing as a chunk of a dozen characters.
    merged: list[tuple[tuple, list[tuple[int, int]]]] = []
    heading_only = False
    for key, spans, is_heading in groups:
        prev = merged[-1] if merged else None
        if prev is not None and heading_only and key[0] == "body" and key[1][: len(prev[0][1])] == prev[0][1]:
            merged[-1] = (key, prev[1] + spans)
        else:
            merged.append((key, spans))
        heading_only = is_heading

    chunks: list[Chunk] = []
    for (kind, section), spans in merged:
        current: list[tuple[int, int]] = []
        for span in spans:
            if current and span[1] - current[0][0] > cap:
                chunks.append(_make(doc, kind, section, current[0][0], current[-1][1], len(chunks)))
                current = []
            current.append(span)
        if current:
            chunks.append(_make(doc, kind, section, current[0][0], current[-1][1], len(chunks)))
    return chunks


def _make(doc: Document, kind: str, section: tuple[str, ...], start: int, end: int, index: int) -> Chunk:
    text = doc.text[start:end]
    return Chunk(
        chunk_id=make_chunk_id(doc.doc_id, section, text),
        doc_id=doc.doc_id,
        doc_number=doc.doc_number,
        title=doc.title,
        section=section,
        index=index,
        start=start,
        end=end,
        text=text,
        kind=kind,
        date=doc.date,
    )


def chunk_corpus(docs: list[Document], cap: int = 600) -> list[Chunk]:
    return [c for d in docs for c in chunk_document(d, cap)]
