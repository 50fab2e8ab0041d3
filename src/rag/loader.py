"""Load the replies of a corpus directory: find the files, read them (UTF-8 or GB18030), parse them
(rag.parse), and settle clashing document numbers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rag.errors import CorpusError
from rag.parse import parse_document
from rag.types import Document

SUFFIXES = (".txt", ".md")


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CorpusError(f"cannot read {path}: {e.strerror or e}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"cannot decode {path}: it is neither UTF-8 nor GB18030 text; re-save it as UTF-8")


def corpus_files(corpus_dir: str | Path) -> list[Path]:
    root = Path(corpus_dir)
    if not root.exists():
        raise CorpusError(f"corpus directory {root} does not exist; create it and put the replies (.txt or .md) in it, or pass --corpus DIR")
    if not root.is_dir():
        raise CorpusError(f"{root} is not a directory; pass the directory that holds the replies with --corpus DIR")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.name.lower() != "readme.md")
    if not files:
        raise CorpusError(f"no .txt or .md documents in {root}; copy the replies there first")
    return files


def parse_corpus(raws: list[tuple[str, str]], on_error=None) -> list[Document]:
    """Parse (relative path, text) pairs. A document that fails to parse is reported through
    on_error(message) and skipped (without on_error, CorpusError is raised). Documents that share
    a 文号 keep the first; the others fall back to the file name as id, with a warning."""
    docs: list[Document] = []
    seen: set[str] = set()
    for rel, text in raws:
        try:
            doc = parse_document(text, rel)
        except CorpusError as e:
            if on_error is None:
                raise
            on_error(str(e))
            continue
        if doc.doc_id in seen:
            fallback = f"{doc.doc_id}#{Path(rel).stem}"
            note = f"{rel}: 文号 {doc.doc_id} is also used by another file; using '{fallback}' as its id"
            doc = replace(doc, doc_id=fallback, warnings=doc.warnings + (note,))
        seen.add(doc.doc_id)
        docs.append(doc)
    return docs


def read_corpus(corpus_dir: str | Path, on_error=None) -> list[tuple[str, str]]:
    """(relative path, text) of every .txt/.md document under corpus_dir (README.md excepted).
    Unreadable files go to on_error(message), or raise CorpusError without it."""
    root = Path(corpus_dir)
    raws = []
    for path in corpus_files(root):
        try:
            raws.append((str(path.relative_to(root)), read_text(path)))
        except CorpusError as e:
            if on_error is None:
                raise
            on_error(str(e))
    return raws


def load_corpus(corpus_dir: str | Path, on_error=None) -> list[Document]:
    """Read and parse every document under corpus_dir."""
    return parse_corpus(read_corpus(corpus_dir, on_error), on_error)
