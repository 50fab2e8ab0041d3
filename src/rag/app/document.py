"""HTML for the Documents tab: the table of replies and one reply's full text with its outline."""

from __future__ import annotations

from rag.app.render import copy_button, esc, mark, message
from rag.types import Block, Document

_EMPTY = ("打开一份答复 · Open a reply", " 点击上表中的文号，或在检索结果中点“在原文中查看”。Click a 文号 above, or “Open in document” on a result.")


def table_html(index, open_id: str | None = None) -> str:
    """One row per reply: 文号 (opens it), title, addressee, kind, date, number of passages."""
    head = "".join(f"<th>{h}</th>" for h in ("文号 No.", "标题 Title", "收件人 Addressee", "类型 Kind", "日期 Date", "段落 Passages"))
    rows = []
    for doc in sorted(index.documents, key=lambda d: (d.date or "", d.doc_id), reverse=True):
        about = f'<div class="rag-meta">“{esc(doc.proposal_title)}”</div>' if doc.proposal_title else ""
        rows.append(
            f'<tr class="{"is-open" if doc.doc_id == open_id else ""}">'
            f'<td class="nowrap"><button type="button" class="rag-docno" data-open="{esc(doc.doc_id)}" '
            f'title="打开全文 Open the full text">{esc(doc.doc_number or doc.doc_id)}</button></td>'
            f'<td>{esc(doc.title)}{about}</td><td data-label="收件人 Addressee">{esc(doc.addressee or "—")}</td>'
            f'<td class="nowrap" data-label="类型 Kind">{esc(doc.kind_label)}</td><td class="nowrap" data-label="日期 Date">{esc(doc.date or "—")}</td>'
            f'<td class="num" data-label="段落 Passages">{len(index.chunks_of(doc.doc_id))}</td></tr>'
        )
    return f'<div class="rag"><table class="rag-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _header_class(doc: Document, text: str) -> str:
    text = text.strip().rstrip("：:")
    if doc.issuer and text == doc.issuer:
        return "org"
    if doc.doc_number and text == doc.doc_number:
        return "no"
    if text == doc.title:
        return "ttl"
    if doc.addressee and text == doc.addressee.rstrip("：:"):
        return "to"
    return "no"


def outline(doc: Document) -> list[tuple[int, str, int]]:
    """The heading outline: (depth, heading, index of the first block under it), in reading order."""
    entries, seen = [], set()
    for i, block in enumerate(doc.blocks):
        for depth in range(1, len(block.section) + 1):
            path = block.section[:depth]
            if path not in seen:
                seen.add(path)
                entries.append((depth, path[-1], i))
    return entries


def document_html(doc: Document, index, focus: tuple[int, int] | None = None, quote: tuple[int, int] | None = None) -> str:
    """The reply's full text laid out like the paper document, its outline beside it.

    focus: [start, end) of a passage to mark and scroll to; quote: a sentence inside it to mark."""
    anchors = {i: f"rag-sec-{n}" for n, (_, _, i) in enumerate(outline(doc))}
    nav = "".join(
        f'<a class="d{min(depth, 3)}" data-jump="rag-sec-{n}" href="#rag-sec-{n}">{esc(title)}</a>'
        for n, (depth, title, _) in enumerate(outline(doc))
    ) or '<span class="rag-meta">（无小标题 · no headings）</span>'
    ranges = [(s, e, cls) for rng, cls in ((focus, "m-passage"), (quote, "m-quote")) if rng for s, e in [rng]]
    focused = False
    parts = []
    for i, block in enumerate(_blocks(doc)):
        text = doc.text[block.start:block.end]
        spans = [(max(s, block.start) - block.start, min(e, block.end) - block.start, cls) for s, e, cls in ranges if s < block.end and e > block.start]
        classes = []
        if spans and not focused:
            classes.append("rag-focus")
            focused = True
        anchor = f' id="{anchors[i]}"' if i in anchors else ""
        heading = block.section[-1] if block.section else ""
        if block.role == "header":
            classes.append(_header_class(doc, text))
            tag = "div"
        elif block.role == "footer":
            classes.append("foot" + (" cc" if text.startswith(("抄送", "联系")) else ""))
            tag = "p"
        elif heading and text.strip().rstrip("。") == heading:
            tag = "h3" if len(block.section) == 1 else "h4"
        else:
            tag = "p"
            if heading and text.startswith(heading) and anchor:
                spans.append((0, len(heading), "lead"))
        cls = f' class="{" ".join(classes)}"' if classes else ""
        parts.append(f"<{tag}{anchor}{cls}>{mark(text, spans)}</{tag}>")
    meta = [
        ("文号", doc.doc_number or doc.doc_id), ("类型", doc.kind_label), ("日期", doc.date), ("收件人", doc.addressee),
        ("会议", doc.session), ("编号", doc.proposal_number), ("段落", len(index.chunks_of(doc.doc_id))),
    ]
    meta_html = "".join(f"<div><span>{k}</span> {esc(v)}</div>" for k, v in meta if v)
    about = f'<div class="rag-meta">“{esc(doc.proposal_title)}”</div>' if doc.proposal_title else ""
    return (
        f'<div class="rag rag-document" data-doc="{esc(doc.doc_id)}"><div class="rag-card">'
        f'<div class="rag-card-head"><span class="rag-docno">{esc(doc.doc_number or doc.doc_id)}</span>'
        f'<span class="rag-title">{esc(doc.full_title)}</span></div>{about}<div class="rag-docmeta">{meta_html}</div>'
        f'<div class="rag-actions">{copy_button(doc.citation)}</div></div>'
        f'<div class="rag-doc"><nav class="rag-outline"><div class="rag-label">目录 · Outline</div>{nav}</nav>'
        f'<article class="rag-paper">{"".join(parts)}</article></div></div>'
    )


def _blocks(doc: Document):
    """The document's blocks; a document parsed without them reads as one block per paragraph."""
    if doc.blocks:
        return doc.blocks
    out, pos = [], 0
    for para in doc.text.split("\n"):
        if para.strip():
            out.append(Block(pos, pos + len(para), "body"))
        pos += len(para) + 1
    return out


def empty_document() -> str:
    return message(*_EMPTY, kind="empty")
