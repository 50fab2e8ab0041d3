"""Load the replies of a corpus directory: find the files, read them (UTF-8 or GB18030), parse them
(rag.parse), and settle clashing document numbers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rag.errors import CorpusError
from rag.parse import parse_document
from rag.text import squash
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
    on_error(message) and skipped (without on_error, CorpusError is raised).

    Files that share a 文号: a copy of an earlier file's text is indexed once (the kept document
    says so in its warnings); files whose texts differ are all kept and cited with their file
    (沪科提复〔2023〕50号（b.txt）), since the 文号 alone would not tell a reader which one a quote
    came from; the first keeps the 文号 as its id, the others add their file name (…50号#b)."""
    docs: list[Document] = []
    for rel, text in raws:
        try:
            docs.append(parse_document(text, rel))
        except CorpusError as e:
            if on_error is None:
                raise
            on_error(str(e))
    return _settle_clashes(docs)


def _settle_clashes(docs: list[Document]) -> list[Document]:
    by_number: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        by_number.setdefault(doc.doc_id, []).append(i)
    out: dict[int, Document] = {}
    for number, members in by_number.items():
        kept: list[int] = []
        for i in members:
            original = next((k for k in kept if squash(docs[k].text) == squash(docs[i].text)), None)
            if original is None:
                kept.append(i)
                continue
            note = f"{docs[i].path} has the same 文号 and text as {docs[original].path}; indexed once"
            docs[original] = replace(docs[original], warnings=docs[original].warnings + (note,))
        for n, i in enumerate(kept):
            doc = docs[i]
            if len(kept) > 1:
                others = "、".join(docs[k].path for k in kept if k != i)
                doc_id = number if n == 0 else f"{number}#{Path(doc.path).stem}"
                note = f"{doc.path}: 文号 {number} is also used by {others} (different text); cited as {doc.doc_number or number}（{doc.path}）, id '{doc_id}'"
                doc = replace(doc, doc_id=doc_id, doc_number=f"{doc.doc_number or number}（{doc.path}）", warnings=doc.warnings + (note,))
            out[i] = doc
    return [out[i] for i in sorted(out)]


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
