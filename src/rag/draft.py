"""Checking a draft: split it into claims, verify each against the replies, and give back a report
— as text, as JSON, or as the draft itself in Markdown with footnote citations and a reference
list of the replies cited (GB/T 7714-2015 style), ready to paste. Contradicted and unsupported
claims are marked in the text, never silently cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.errors import InputError
from rag.text import detect_lang
from rag.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, Verdict

MAX_DRAFT_CHARS = 20_000
MAX_CLAIMS = 200

# Sentence ends: Chinese marks always; . ! ? when a space or the end follows, not after an
# abbreviation or inside a number (4.2%, No. 5). Closing quotes and brackets stay with their sentence.
_ZH_END = re.compile(r"[。！？；]+[”’」』）)\"']*")
_EN_END = re.compile(r"(?<![A-Z])(?<!\bNo)(?<!\bno)(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bMr)(?<!\bDr)(?<!\bSt)(?<!\bCo)(?<!\bInc)(?<!\bLtd)(?<!\bFig)[.!?;]+[”’\"')\]]*(?=\s|$)")
_NOT_PROSE = re.compile(r"^\s*(?:#{1,6}\s|```|~~~|[-*_]{3,}\s*$|\|.*\|\s*$|\[\^[^\]]+\]:)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)]|>)\s+")
_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\]")
_MIN_CHARS = {"zh": 5, "en": 12}


@dataclass(frozen=True)
class Claim:
    """One sentence of the draft that states something: [start, end) in the draft."""

    start: int
    end: int
    text: str


def validate_draft(text: str | None) -> str:
    if text is None or not str(text).strip():
        raise InputError("the draft is empty; paste or pass the text to check, e.g. rag check draft.md or rag check - < draft.md")
    text = str(text).replace("\r\n", "\n")
    if len(text) > MAX_DRAFT_CHARS:
        raise InputError(f"the draft is {len(text):,} characters long; the limit is {MAX_DRAFT_CHARS:,}. Check it in parts")
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(f"the draft contains a control character ({bad.group(0)!r} on line {line}); remove it and try again")
    return text


def split_claims(draft: str) -> list[Claim]:
    """The draft's sentences that state something, in order: headings, code, tables, footnote
    definitions and fragments too short to state anything are left out."""
    claims: list[Claim] = []
    pos = 0
    fenced = False
    for line in draft.split("\n"):
        start = pos
        pos += len(line) + 1
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or not line.strip() or _NOT_PROSE.match(line):
            continue
        lead = _LIST_MARK.match(line)
        offset = start + (lead.end() if lead else 0)
        body = line[lead.end():] if lead else line
        for s, e in sentence_spans(body):
            text = body[s:e].strip()
            core = re.sub(r"\s+|\[\^[^\]]+\]", "", text)
            lang = detect_lang(core) if core else "en"
            if len(core) >= _MIN_CHARS[lang] or re.search(r"\d", core):
                lstrip = len(body[s:e]) - len(body[s:e].lstrip())
                claims.append(Claim(offset + s + lstrip, offset + s + lstrip + len(text), text))
    if len(claims) > MAX_CLAIMS:
        raise InputError(f"the draft has {len(claims)} sentences to check; the limit is {MAX_CLAIMS}. Check it in parts")
    return claims


def sentence_spans(line: str) -> list[tuple[int, int]]:
    ends = sorted({m.end() for m in _ZH_END.finditer(line)} | {m.end() for m in _EN_END.finditer(line)})
    spans, s = [], 0
    for e in ends + [len(line)]:
        if line[s:e].strip():
            spans.append((s, e))
        s = e
    return spans


@dataclass(frozen=True)
class Checked:
    claim: Claim
    verdict: Verdict

    def to_dict(self) -> dict:
        d = self.verdict.to_dict()
        d["text"] = self.claim.text
        d["span"] = [self.claim.start, self.claim.end]
        return d


@dataclass(frozen=True)
class Reference:
    """A reply cited by the draft's supported claims."""

    n: int
    doc_number: str
    title: str
    issuer: str
    date: str | None
    citation: str

    @property
    def gbt7714(self) -> str:
        """GB/T 7714-2015 style for an official document: 责任者. 题名: 文号[A]. 出版地: 出版者, 日期."""
        issuer = self.issuer or "上海市科学技术委员会"
        date = f", {self.date}" if self.date else ""
        return f"{issuer}. {self.title}: {self.doc_number}[A]. 上海: {issuer}{date}."

    def to_dict(self) -> dict:
        return {"n": self.n, "doc_number": self.doc_number, "title": self.title, "date": self.date, "citation": self.citation, "reference": self.gbt7714}


@dataclass(frozen=True)
class DraftReport:
    draft: str
    checked: tuple[Checked, ...]
    references: tuple[Reference, ...]
    notices: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        return {v: sum(c.verdict.verdict == v for c in self.checked) for v in (SUPPORTED, CONTRADICTED, NOT_FOUND)}

    def to_dict(self) -> dict:
        return {
            "claims": [c.to_dict() for c in self.checked],
            "references": [r.to_dict() for r in self.references],
            "notices": list(self.notices),
        }


def check_draft(verifier, draft: str, notices=()) -> DraftReport:
    """Verify every claim of a draft; the replies cited by supported claims become references."""
    draft = validate_draft(draft)
    checked = tuple(Checked(c, verifier.verify(c.text)) for c in split_claims(draft))
    refs: dict[str, Reference] = {}
    for c in checked:
        if c.verdict.verdict != SUPPORTED:
            continue
        for cit in c.verdict.citations:
            if cit.doc_number not in refs:
                doc = verifier.index.document(verifier.index.resolve_doc(cit.doc_number))
                refs[cit.doc_number] = Reference(len(refs) + 1, cit.doc_number, cit.title, doc.issuer or "", cit.date, cit.citation)
    return DraftReport(draft, checked, tuple(refs.values()), tuple(notices))


# -- Markdown ------------------------------------------------------------------------------------
LABELS = {
    CONTRADICTED: {"zh": "⚠ 与答复不符", "en": "⚠ Contradicted by the replies"},
    NOT_FOUND: {"zh": "⚠ 答复中未找到依据", "en": "⚠ Not found in the replies"},
}


def md_escape(text: str) -> str:
    """Text from the replies or the verifier, safe inside Markdown (no emphasis, links or HTML)."""
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text.replace("\n", " "))


def to_markdown(report: DraftReport) -> str:
    """The draft with a footnote after each checked claim, contradicted and unsupported claims
    marked in bold, then the footnotes and the reference list. Footnote numbers continue after
    any the draft already has."""
    draft = report.draft
    taken = [int(n) for n in _FOOTNOTE_REF.findall(draft)]
    n = max(taken, default=0)
    inserts: list[tuple[int, str]] = []
    notes: list[str] = []
    ref_of = {r.doc_number: r.n for r in report.references}
    for c in report.checked:
        v = c.verdict
        lang = detect_lang(c.claim.text)
        if v.verdict == SUPPORTED:
            n += 1
            inserts.append((c.claim.end, f"[^{n}]"))
            cit = v.citations[0]
            refs = "".join(f"[{ref_of[x.doc_number]}]" for x in v.citations if x.doc_number in ref_of)
            notes.append(f"[^{n}]: {md_escape(cit.citation)}：“{md_escape(cit.quote)}”{' ' + refs if refs else ''}")
        elif v.verdict == CONTRADICTED:
            n += 1
            inserts.append((c.claim.end, f" **[{LABELS[CONTRADICTED][lang]}：{md_escape(v.note)}]**[^{n}]"))
            cit = v.citations[0]
            notes.append(f"[^{n}]: {'核对原文' if lang == 'zh' else 'Check against'} {md_escape(cit.citation)}：“{md_escape(cit.quote)}”")
        else:
            inserts.append((c.claim.end, f" **[{LABELS[NOT_FOUND][lang]}]**"))
    out = draft
    for at, mark in sorted(inserts, reverse=True):
        out = out[:at] + mark + out[at:]
    out = out.rstrip("\n") + "\n"
    if notes:
        out += "\n" + "\n".join(notes) + "\n"
    if report.references:
        out += "\n**参考文献 References**\n\n" + "\n".join(f"[{r.n}] {md_escape(r.gbt7714)}  " for r in report.references).rstrip() + "\n"
    return out


# -- plain text ----------------------------------------------------------------------------------
SYMBOLS = {SUPPORTED: "✓ supported", CONTRADICTED: "✗ contradicted", NOT_FOUND: "? not found"}


def to_text(report: DraftReport, style=lambda s, **kw: s) -> str:
    """The report for a terminal: each claim with its verdict, note, quote and citation."""
    lines = []
    for k, c in enumerate(report.checked, start=1):
        v = c.verdict
        lines.append(style(f"{k:>2}. {SYMBOLS[v.verdict]:<15}", bold=True, fg={SUPPORTED: "green", CONTRADICTED: "red", NOT_FOUND: "yellow"}[v.verdict]) + f" {c.claim.text}")
        if v.note:
            lines.append(f"    {v.note}")
        for cit in v.citations[:1] if v.verdict != SUPPORTED else v.citations:
            lines.append(f"    “{cit.quote}”")
            lines.append(f"    {cit.citation}")
        lines.append("")
    counts = report.counts()
    lines.append(f"{len(report.checked)} claims: {counts[SUPPORTED]} supported, {counts[CONTRADICTED]} contradicted, {counts[NOT_FOUND]} not found")
    return "\n".join(lines)
