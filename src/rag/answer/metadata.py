"""Questions about a reply itself — its 文号, date of issue, addressee, proposal number, contact person,
phone, address, handling result — answered from the lines of its header and footer, not by matching
sentences. The reply is the one the question names (by 文号, by the member or deputy, by proposal
number), the one the search is limited to, or the one whose passages answer the question's topic."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import islice

from rag.answer.features import coverage, weighted
from rag.answer.intent import field_phrases, reply_kind_asked
from rag.parse import CONTACT_NAME, DATE_RE, DOCNO_RE
from rag.types import Document, Item

# Footer and header lines: label, then the value
_LINES = {
    "contact": CONTACT_NAME,
    "phone": re.compile(r"(?:联系)?电话[：:]\s*([0-9][0-9\-－—() ]{5,}[0-9])"),
    "address": re.compile(r"(?:联系|通讯)地址[：:]\s*([^\n]+)"),
    "postcode": re.compile(r"邮政编码[：:]\s*(\d{6})|邮编[：:]\s*(\d{6})"),
    "result": re.compile(r"办理结果[：:]\s*([^\n]+)"),
    "disclosure": re.compile(r"公开(?:属性|方式)[：:]\s*([^\n]+)"),
    "cc": re.compile(r"抄送[：:]\s*([^\n]+?)[。.]?$"),
}
TITLE_COVERAGE = 0.5  # share of the question a reply's header (title, proposal title, addressee) must hold to be "the reply on …"
_PROPOSAL_NO = re.compile(r"第\s*\d+\s*号")
_SESSION = re.compile(r"市[^\s，,]{0,12}?会议")
MAX_LISTED = 20  # replies of one kind listed at most


@dataclass(frozen=True)
class Field:
    """Where a field's value and the line that carries it sit in the document text."""

    value: tuple[int, int]
    line: tuple[int, int]


def fields(doc: Document) -> dict[str, Field]:
    """The fields a reply states about itself, found in its header, footer and opening lines."""
    text = doc.text
    out: dict[str, Field] = {}
    header = [b for b in doc.blocks if b.role == "header"]
    footer = [b for b in doc.blocks if b.role == "footer"]
    for b in header + footer:
        line = text[b.start:b.end]
        for name, pattern in _LINES.items():
            m = pattern.search(line)
            if m and name not in out:
                g = next(i for i in range(1, (m.lastindex or 0) + 1) if m.group(i)) if m.lastindex else 0
                out[name] = Field((b.start + m.start(g), b.start + m.end(g)), (b.start, b.end))
        m = DOCNO_RE.search(line)
        if m and "doc_number" not in out and len(line) <= 40:
            out["doc_number"] = Field((b.start + m.start(), b.start + m.end()), (b.start, b.end))
    for k, b in enumerate(footer):
        line = text[b.start:b.end].strip()
        m = DATE_RE.fullmatch(line)
        if m and "date" not in out:
            s = b.start + text[b.start:b.end].index(m.group(0))
            out["date"] = Field((s, s + len(m.group(0))), (b.start, b.end))
        if line.endswith("印发") and DATE_RE.match(line) and k > 0 and "printer" not in out:
            office = footer[k - 1]  # 上海市科委办公室 / 2023年8月14日印发
            out["printer"] = Field((office.start, office.end), (office.start, b.end))
    for b in header:
        line = text[b.start:b.end]
        if doc.addressee and line.rstrip("：:").strip() == doc.addressee and "addressee" not in out:
            out["addressee"] = Field((b.start, b.start + len(line.rstrip().rstrip("：:"))), (b.start, b.end))
        if line.startswith(doc.title[:8]) and doc.title:
            m = _PROPOSAL_NO.search(line)
            if m and "proposal_number" not in out:
                out["proposal_number"] = Field((b.start + m.start(), b.start + m.end()), (b.start, b.end))
            m = _SESSION.search(line)
            if m and "session" not in out:
                out["session"] = Field((b.start + m.start(), b.start + m.end()), (b.start, b.end))
        if doc.issuer and line.strip() == doc.issuer and "issuer" not in out:
            out["issuer"] = Field((b.start, b.end), (b.start, b.end))
    if doc.proposal_title:
        at = text.find(doc.proposal_title)
        if at >= 0:
            ends = [p for p in (text.find("。", at), text.find("\n", at)) if p > 0]
            end = min(ends) + (text[min(ends)] == "。") if ends else at + len(doc.proposal_title)  # 您提出的“……”收悉，……答复如下：
            line_start = text.rfind("\n", 0, at) + 1
            out["title"] = Field((at, at + len(doc.proposal_title)), (line_start, end))
    return out


def named_replies(index, info) -> list[str]:
    """The replies a question names by their addressee (马瑜, Ma Yu) or proposal number (第0982号提案)."""
    people, numbered = index.reply_keys
    alternatives = {t for g in info.concepts for t, _ in g.alternatives}
    by_person = {doc_id for name in alternatives & people.keys() for doc_id in people[name]}
    numbers = set(re.findall(r"(?<!\d)0*(\d{2,4})(?!\d)", info.simplified or info.text))
    by_number = {doc_id for n in numbers & numbered.keys() for doc_id in numbered[n]}
    order = index.ordinal
    return sorted(by_person, key=order.get) + sorted(by_number - by_person, key=order.get)


# a proposal or suggestion named by its number: 第0731号提案, 第49号代表建议, proposal 0731
_PROPOSAL_NUMBER = re.compile(r"第\s*(\d{1,4})\s*号\s*(?:代表)?(?:提案|建议)|\b(?:proposal|suggestion)\s*(?:no\.?\s*|number\s*|#\s*)?(\d{3,4})\b", re.IGNORECASE)


def unknown_replies(index, info) -> list[str]:
    """What the question names that no indexed reply is: a 文号, or the number of a proposal or
    suggestion none of the replies answers. Another reply's text is no answer about it."""
    missing = [d for d in info.doc_numbers if d not in index.doc_ids]
    numbered = index.reply_keys[1]
    for m in _PROPOSAL_NUMBER.finditer(info.simplified or info.text):
        if (m.group(1) or m.group(2)).lstrip("0") not in numbered:
            missing.append(m.group(0).strip())
    return missing


def reply_by_title(composer, info, replies) -> str | None:
    """"The reply to the proposal on …": the one reply whose header and proposal title hold the
    question's words, when decisive."""
    by_title = sorted(((weighted(info.concepts, coverage(info.concepts, composer.reply_context(d.doc_id))), d.doc_id) for d in replies), reverse=True)
    if by_title and by_title[0][0] >= TITLE_COVERAGE and (len(by_title) == 1 or by_title[1][0] < by_title[0][0]):
        return by_title[0][1]
    return None


def target_document(composer, info, hits, scoped: bool) -> tuple[str | None, object | None]:
    """The reply a metadata question is about, and (when found by topic) the sentence that shows it."""
    index = composer.index
    named = [d for d in info.doc_numbers if d in index.doc_ids]
    if len(named) == 1:
        return named[0], None
    if scoped and hits:
        return hits[0].chunk.doc_id, None
    named_ = named_replies(index, info)
    if len(named_) == 1:
        return named_[0], None
    phrases = [p.lower() for p in field_phrases(info.simplified or info.text)]
    info = replace(info, concepts=tuple(g for g in info.concepts if len(g.source) >= 2 and not any(g.source.lower() in p for p in phrases)))
    # every reply is read when there are few; among many, the replies of the retrieved passages
    replies = list(index.documents) if len(index.documents) <= composer.config.metadata_read_all else [index.document(d) for d in dict.fromkeys(h.chunk.doc_id for h in hits)]
    by_year = [d.doc_id for d in replies if d.year and str(d.year) in info.years] if info.years else []
    if len(by_year) == 1:
        return by_year[0], None  # 哪一份是2024年发出的？ (its date is shown with it: see answer)
    if len(index.documents) == 1:
        return index.documents[0].doc_id, None
    if not info.concepts:
        # "联系地址是哪里？": the one reply that states it, or any when all state the same (the issuer)
        holders = {d.doc_id: _value(d, info.intent.field) for d in replies}
        holders = {k: v for k, v in holders.items() if v is not None}
        if len(holders) == 1 or (holders and len(set(holders.values())) == 1):
            return next(iter(holders)), None
        return None, None
    titled = reply_by_title(composer, info, replies)
    if titled is not None:
        return titled, None
    scored = composer.score_sentences(info, hits)
    best, gate = composer.best(info, scored)
    if best is not None and gate >= composer.model.threshold:
        return best.chunk.doc_id, best
    return None, None


def answer(composer, info, hits, scoped: bool) -> dict | None:
    """The answer dict for Answer(**…), or None when the question names no reply this can settle.
    A reply that does not state the field asked for gets no answer (42号 names no contact person)."""
    if info.intent.field == "kind":
        return _of_kind(composer, reply_kind_asked(info.simplified or info.text), info.lang)
    doc_id, evidence = target_document(composer, info, hits, scoped)
    if doc_id is None:
        return None
    doc = composer.index.document(doc_id)
    known = fields(doc)
    wanted = list(info.intent.fields or (info.intent.field,))
    if "doc_number" in wanted and info.years and "date" not in wanted:
        wanted.append("date")  # "which one was issued in 2024?": the date that says so
    asked = [known.get(f) for f in wanted]
    if not asked or any(f is None for f in asked):
        return {"found": False, "answer": "", "citations": ()} if asked and asked[0] is None else None
    citations, lines = [], []
    for found in dict.fromkeys(asked):
        chunk = _chunk_at(composer.index, doc_id, found.line[0])
        quote = doc.text[found.line[0]:found.line[1]]
        span = (found.value[0] - found.line[0], found.value[1] - found.line[0])
        citations.append(composer.cite(chunk, found.line[0], found.line[1], quote, span))
        lines.append(f"“{quote[:span[0]]}**{quote[span[0]:span[1]]}**{quote[span[1]:]}”（{citations[-1].doc_number}）")
    if info.intent.field == "doc_number":
        lines.insert(0, f"{doc.doc_number or doc.doc_id}：{doc.citation}")
    confidence = 1.0
    if evidence is not None:  # found by topic: show the sentence that ties the reply to the question
        citations.append(composer.cite(evidence.chunk, evidence.start, evidence.end, evidence.text, evidence.span))
        lines.append(f"“{evidence.text}”（{citations[-1].doc_number}）")
        confidence = composer.confidence(composer.score_sentences(info, hits), evidence)
    return dict(found=True, answer="\n".join(lines), citations=tuple(citations), confidence=confidence)


def _of_kind(composer, kind: str | None, lang: str) -> dict:
    """The replies of one kind (to deputies' suggestions, or to members' proposals): each reply's 文号
    as its header prints it, with its title (……对市十六届人大二次会议第0134号代表建议的答复); the
    first MAX_LISTED of them, in the index's order, with a line saying there are more."""
    index = composer.index
    docs = list(islice((d for d in index.documents if d.kind == kind), MAX_LISTED + 1))
    more = len(docs) > MAX_LISTED
    docs = docs[:MAX_LISTED]
    citations, items, lines = [], [], []
    for doc in docs:
        found = fields(doc).get("doc_number")
        if found is None:
            continue
        quote = doc.text[found.value[0]:found.value[1]]
        citations.append(composer.cite(_chunk_at(index, doc.doc_id, found.value[0]), found.value[0], found.value[1], quote, (0, len(quote))))
        items.append(Item(quote, len(citations) - 1, citations[-1].doc_number))
        lines.append(f"{len(items)}. “{quote}”：{doc.full_title}")
    if more and items:
        lines.append(f"（另有更多，仅列前 {MAX_LISTED} 份）" if lang == "zh" else f"(and more; the first {MAX_LISTED} are listed)")
    return dict(found=bool(items), answer="\n".join(lines), citations=tuple(citations), items=tuple(items), confidence=1.0)


def _value(doc: Document, field: str | None) -> str | None:
    found = fields(doc).get(field) if field else None
    return re.sub(r"\s+", "", doc.text[found.value[0]:found.value[1]]) if found else None


def _chunk_at(index, doc_id: str, offset: int):
    chunks = index.chunks_of(doc_id)
    return next((c for c in chunks if c.start <= offset < c.end), chunks[0])
