"""The records passed between pipeline stages. All frozen; ids derive from content."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

SECTION_SEP = " › "


def content_hash(*parts: str, length: int = 16) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


@dataclass(frozen=True)
class Block:
    """A paragraph-level span of a document's text with its role and heading path.

    role: "header" (organ, 文号, title, addressee), "body" or "footer" (signature, 抄送, 印发, contacts).
    """

    start: int
    end: int
    role: str
    section: tuple[str, ...] = ()
    heading: bool = False  # a heading on a line of its own (一、相关工作情况)


@dataclass(frozen=True)
class Document:
    """One reply, with metadata parsed from its text (never from its file name)."""

    doc_id: str  # the 文号, or a fallback id when none is recognisable
    doc_number: str | None  # 文号 as printed, e.g. 沪科提复〔2023〕50号
    title: str  # 对市政协十四届一次会议第0982号提案的答复
    kind: str  # "proposal" (政协提案), "suggestion" (人大代表建议) or "unknown"
    issuer: str | None  # 上海市科学技术委员会
    addressee: str | None  # 杨守业、王志敏、刘健惠委员
    addressees: tuple[str, ...]  # ("杨守业", "王志敏", "刘健惠")
    session: str | None  # 市政协十四届一次会议
    proposal_number: str | None  # 0982
    proposal_title: str | None  # the quoted title after 您提出的
    date: str | None  # ISO date of issue, 2023-08-14
    path: str  # file path relative to the corpus directory
    text: str  # repaired text; chunk offsets index into it
    blocks: tuple[Block, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    @property
    def kind_label(self) -> str:
        return {"proposal": "政协提案", "suggestion": "人大代表建议"}.get(self.kind, "未知")

    @property
    def full_title(self) -> str:
        """The title as official drafts cite it: issuer + title."""
        if self.issuer and not self.title.startswith(self.issuer):
            return self.issuer + self.title
        return self.title

    @property
    def citation(self) -> str:
        """Copy-ready citation: 《…的答复》（沪科提复〔2023〕50号，2023年8月14日）."""
        tail = [self.doc_number or self.doc_id]
        if self.date:
            y, m, d = (int(x) for x in self.date.split("-"))
            tail.append(f"{y}年{m}月{d}日")
        return f"《{self.full_title}》（{'，'.join(tail)}）"

    def to_dict(self, with_text: bool = True) -> dict:
        d = asdict(self)
        d["blocks"] = [[b.start, b.end, b.role, list(b.section), b.heading] for b in self.blocks]
        d["addressees"] = list(self.addressees)
        d["warnings"] = list(self.warnings)
        if not with_text:
            d.pop("text")
            d.pop("blocks")
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Document:
        d = dict(d)
        d["blocks"] = tuple(Block(s, e, r, tuple(sec), bool(h)) for s, e, r, sec, h in d.get("blocks", ()))
        d["addressees"] = tuple(d.get("addressees", ()))
        d["warnings"] = tuple(d.get("warnings", ()))
        return cls(**d)


@dataclass(frozen=True)
class Chunk:
    """A passage of one document: text == document.text[start:end]."""

    chunk_id: str
    doc_id: str
    doc_number: str | None
    title: str
    section: tuple[str, ...]
    index: int  # position of the chunk within its document
    start: int
    end: int
    text: str
    kind: str = "body"  # "body" or "footer"
    date: str | None = None

    @property
    def section_path(self) -> str:
        return SECTION_SEP.join(self.section)

    @property
    def indexed_text(self) -> str:
        """What the channels index: the heading path as context, then the passage."""
        return f"{self.section_path}\n{self.text}" if self.section else self.text

    def to_dict(self) -> dict:
        d = asdict(self)
        d["section"] = list(self.section)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        return cls(**{**d, "section": tuple(d["section"])})


def make_chunk_id(doc_id: str, section: tuple[str, ...], text: str) -> str:
    return content_hash(doc_id, SECTION_SEP.join(section), text, length=12)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk. channels maps each channel that found it to its rank there (1-based)."""

    chunk: Chunk
    score: float
    rank: int
    channels: dict[str, int] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self, text_limit: int | None = None) -> dict:
        text = self.chunk.text
        if text_limit is not None and len(text) > text_limit:
            text = text[:text_limit] + "…"
        return {
            "rank": self.rank,
            "doc_number": self.chunk.doc_number or self.chunk.doc_id,
            "title": self.chunk.title,
            "section": self.chunk.section_path,
            "chunk_id": self.chunk.chunk_id,
            "score": round(self.score, 6),
            "text": text,
            "date": self.chunk.date,
            "kind": self.chunk.kind,
            "channels": dict(self.channels),
        }


@dataclass(frozen=True)
class Citation:
    """One quoted sentence and where it comes from. highlight: [start, end) of the key span in quote."""

    doc_number: str
    title: str
    section: str
    chunk_id: str
    quote: str
    citation: str
    date: str | None = None
    start: int = 0  # offsets of the quote in the document text
    end: int = 0
    highlight: tuple[int, int] | None = None
    highlights: tuple[tuple[int, int], ...] = ()  # every key span in the quote, highlight first (a two-part question marks two)

    @property
    def marked(self) -> tuple[tuple[int, int], ...]:
        return self.highlights or ((self.highlight,) if self.highlight else ())

    def to_dict(self) -> dict:
        d = asdict(self)
        d["highlight"] = list(self.highlight) if self.highlight else None
        d["highlights"] = [list(h) for h in self.marked]
        return d


@dataclass(frozen=True)
class Item:
    """One enumerated item of a list or plan answer: its lead clause, quoted verbatim, and the index
    in Answer.citations of the citation that quotes it (the item itself, or the one sentence an
    enumeration inside a sentence comes from, with every item marked)."""

    text: str
    citation: int
    doc_number: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """intent: what the question asked ({"kind", "type", "field"}); items: the enumerated items of a
    list or plan answer; verdict: yes / no, or the larger of two compared things, only when the
    quoted evidence decides it; confidence: the calibrated probability that the answer is right."""

    question: str
    found: bool
    answer: str
    citations: tuple[Citation, ...]
    sources: tuple[Hit, ...]
    channels: tuple[str, ...]
    lang: str = "zh"
    notices: tuple[str, ...] = ()
    intent: dict = field(default_factory=dict, hash=False, compare=False)
    items: tuple[Item, ...] = ()
    verdict: str | None = None
    confidence: float | None = None
    heading: str = ""  # what a list or plan answer's items are: 下一步的工作, or that no plan is stated

    @property
    def key(self) -> str | None:
        """The marked span of the main citation: the short answer ("453 家")."""
        if not self.citations or not self.citations[0].highlight:
            return None
        c = self.citations[0]
        s, e = c.highlight
        return c.quote[s:e]

    @property
    def items_apart(self) -> bool:
        """Whether items are marked inside a longer quote (a list inside one sentence), so a reader
        needs them listed on their own above it."""
        return any(i.text != self.citations[i.citation].quote for i in self.items)

    @property
    def keys(self) -> list[str]:
        """Every marked span, in citation order (a question asking two things has two); for a list
        answer, its items."""
        marked = [c.quote[s:e] for c in self.citations for s, e in c.marked]
        return marked or [i.text for i in self.items]

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.answer,
            "key": self.key,
            "citations": [c.to_dict() for c in self.citations],
            "sources": [h.to_dict() for h in self.sources],
            "channels": list(self.channels),
            "lang": self.lang,
            "notices": list(self.notices),
            "intent": dict(self.intent),
            "items": [i.to_dict() for i in self.items],
            "verdict": self.verdict,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "heading": self.heading,
        }
