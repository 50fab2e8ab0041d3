"""HTML for the Ask and Search panels, built from the core's records. No Gradio here.

Every piece of document or user text passes through `esc` (html.escape) before it reaches the page;
the only markup is what these functions write themselves."""

from __future__ import annotations

import html
import re

from rag.engine import SearchResult
from rag.types import Answer, Chunk, Citation, Hit

ICON_COPY = (
    '<svg class="rag-ico" viewBox="0 0 24 24" aria-hidden="true"><rect x="9" y="9" width="11" height="11" rx="2"/>'
    '<path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1"/></svg>'
)
ICON_OPEN = (
    '<svg class="rag-ico" viewBox="0 0 24 24" aria-hidden="true"><path d="M14 4h6v6"/><path d="M20 4l-9 9"/>'
    '<path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"/></svg>'
)
CHANNEL_NAMES = {"lexical": "词汇 lexical", "crosslingual": "跨语言 cross-lingual", "dense": "语义 dense", "order": "文内顺序 in order"}
_BOUNDARY = "。；！？\n"


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def bi(zh: str, en: str, lang: str = "zh") -> str:
    """A bilingual label, in the order of the question's language."""
    return f"{en} · {zh}" if lang == "en" else f"{zh} · {en}"


def mark(text: str, spans) -> str:
    """Escape text and wrap each (start, end, css class) span in <mark>; spans may overlap or nest."""
    spans = [(max(0, s), min(len(text), e), cls) for s, e, cls in spans if e > s]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        classes = sorted({cls for s, e, cls in spans if s <= a and b <= e})
        piece = esc(text[a:b])
        out.append(f'<mark class="{" ".join(classes)}">{piece}</mark>' if classes else piece)
    return re.sub(r"\n\s*\n", "\n", "".join(out))  # blank lines between paragraphs would read as gaps


def window(text: str, start: int, end: int, before: int = 70, after: int = 150) -> tuple[int, int]:
    """A readable excerpt around [start, end): extended to sentence boundaries when they are near."""
    lo = max(0, start - before)
    if lo > 0:
        cut = max(text.rfind(ch, lo, start) for ch in _BOUNDARY)
        lo = cut + 1 if cut >= 0 else lo
    hi = min(len(text), end + after)
    if hi < len(text):
        cut = max(text.rfind(ch, end, hi) for ch in _BOUNDARY)
        hi = cut + 1 if cut >= 0 else hi
    return lo, hi


def excerpt(text: str, spans, focus: tuple[int, int] | None = None) -> str:
    """The passage around its first marked span, with the whole passage behind a toggle when cut."""
    s, e = focus or (min((sp[0] for sp in spans), default=0), min((sp[1] for sp in spans), default=0))
    lo, hi = window(text, s, e)
    if lo == 0 and hi == len(text):
        return f'<div class="rag-passage">{mark(text, spans)}</div>'
    shifted = [(a - lo, b - lo, cls) for a, b, cls in spans]
    body = ('<span class="rag-gap">…</span>' if lo else "") + mark(text[lo:hi], shifted) + ('<span class="rag-gap">…</span>' if hi < len(text) else "")
    return (
        f'<div class="rag-passage">{body}</div>'
        f'<details class="rag-more"><summary>展开整段 · Whole passage ({len(text)} 字)</summary>'
        f'<div class="rag-passage">{mark(text, spans)}</div></details>'
    )


def copy_button(text: str, label: str = "复制引用 · Copy citation") -> str:
    return (
        f'<button type="button" class="rag-btn rag-copy" data-copy="{esc(text)}" title="{esc(text)}">'
        f'<span class="idle">{ICON_COPY} {esc(label)}</span><span class="done">✓ 已复制 · Copied</span>'
        f'<span class="fail">✗ 请手动复制 · Copy failed</span></button>'
    )


def open_button(chunk: Chunk, start: int | None = None, end: int | None = None) -> str:
    where = f' data-start="{start}" data-end="{end}"' if start is not None and end is not None else ""
    return (
        f'<button type="button" class="rag-btn" data-open="{esc(chunk.doc_id)}" data-chunk="{esc(chunk.chunk_id)}"{where}>'
        f"{ICON_OPEN} 在原文中查看 · Open in document</button>"
    )


def message(title: str, detail: str = "", kind: str = "error") -> str:
    """A friendly in-page message (bad input, nothing to show) instead of an error page."""
    cls = "rag-card rag-error" if kind == "error" else "rag-empty"
    return f'<div class="rag"><div class="{cls}"><b>{esc(title)}</b>{esc(detail)}</div></div>'


def masthead(index, notices=()) -> str:
    """The page header (title, counts, channels) and, when the dense channel is off, a banner saying so."""
    counts = index.manifest.get("counts", {})
    channels = " + ".join(index.manifest.get("channels", []))
    stats = [
        ("份答复 replies", counts.get("documents", len(index.documents))),
        ("段落 passages", counts.get("chunks", len(index.chunks))),
        ("通道 channels", channels),
    ]
    chips = "".join(f'<span class="rag-stat"><b>{esc(v)}</b> {esc(k)}</span>' for k, v in stats)
    banner = ""
    if notices:
        items = "".join(f'<div class="rag-meta">{esc(n)}</div>' for n in notices)
        banner = (
            '<div class="rag-banner" role="status"><span class="rag-icon">⚠</span><div>'
            "<b>语义检索未启用 · Dense (semantic) channel is off.</b> 结果来自词汇与跨语言通道 · "
            f"results come from the lexical and cross-lingual channels.{items}</div></div>"
        )
    return (
        '<div class="rag"><div class="rag-head"><h1>上海市科委提案建议答复 · 检索与问答'
        "<small>Replies of the Shanghai Science and Technology Commission to proposals and suggestions — "
        f'cited answers and search</small></h1><div class="rag-stats">{chips}</div></div>{banner}</div>'
    )


def _doc_line(chunk: Chunk, index) -> str:
    doc = index.by_id.get(chunk.doc_id)
    title = doc.title if doc else chunk.title
    date = doc.date if doc else chunk.date
    kind = f" · {esc(doc.kind_label)}" if doc else ""
    return (
        f'<span class="rag-docno">{esc(chunk.doc_number or chunk.doc_id)}</span>'
        f'<span class="rag-title">{esc(title)}</span><span class="rag-meta">{esc(date or "")}{kind}</span>'
    )


def _section(chunk: Chunk) -> str:
    return f'<div class="rag-section">{esc(chunk.section_path)}</div>' if chunk.section else ""


def _channels(hit: Hit) -> str:
    return "".join(
        f'<span class="rag-chip ch-{esc(ch)}">{esc(CHANNEL_NAMES.get(ch, ch))} #{rank}</span>' for ch, rank in hit.channels.items()
    )


def _quote_spans(c: Citation, chunk: Chunk) -> list[tuple[int, int, str]]:
    """The citation's quote and key spans in the coordinates of its passage."""
    s, e = c.start - chunk.start, c.end - chunk.start
    if not (0 <= s < e <= len(chunk.text)) or chunk.text[s:e] != c.quote:
        s = chunk.text.find(c.quote)
        if s < 0:
            return []
        e = s + len(c.quote)
    spans = [(s, e, "m-quote")]
    spans += [(s + a, s + b, "m-key") for a, b in c.marked]  # a two-part answer, or a list's items in their sentence
    return spans


VERDICTS = {"yes": ("是", "Yes"), "no": ("否", "No")}


def answer_html(answer: Answer, index, terms=()) -> str:
    """The answer card (key span, quoted sentences, copy-ready citations) and the source cards.

    Not found: says so in the question's language and lists the nearest passages, terms marked."""
    lang = answer.lang
    by_chunk = {h.chunk.chunk_id: h for h in answer.sources}
    if not answer.found:
        head = (
            '<div class="rag-card rag-notfound"><h3>∅ '
            f"{esc(bi('未在这些答复中找到答案', 'Not found in these documents', lang))}</h3>"
            f"<div>{esc(answer.answer)}</div></div>"
        )
        nearest = [source_card(h, index, [], terms) for h in answer.sources[:5]]
        if not nearest:  # no heading over an empty list: say that nothing came close
            return f'<div class="rag rag-result" data-found="false">{head}<div class="rag-empty">{esc(bi("没有相近的段落", "No passage comes close", lang))}</div></div>'
        title = bi("最接近的段落", "Nearest passages", lang)
        return f'<div class="rag rag-result" data-found="false">{head}{_heading(title, len(nearest))}{"".join(nearest)}</div>'

    quotes = []
    for n, c in enumerate(answer.citations, start=1):
        key = [(a, b, "m-key") for a, b in c.marked]
        quotes.append(
            f'<div class="rag-quote"><div class="n">[{n}]</div><div><blockquote>“{mark(c.quote, key)}”</blockquote>'
            f'<div class="rag-cite">{esc(c.citation)}{" · § " + esc(c.section) if c.section else ""}</div>'
            f'<div class="rag-actions">{copy_button(c.citation)}</div></div></div>'
        )
    key_html = ""
    first = answer.citations[0]
    source = f'<div class="rag-key-src">{esc(first.doc_number)} · {esc(first.date or "")}</div>'
    if answer.verdict:  # yes / no, or the larger of two compared things: what the quoted evidence decides
        label = VERDICTS.get(answer.verdict, (answer.verdict, answer.verdict))
        key_html = f'<div class="rag-key rag-verdict" data-verdict="{esc(answer.verdict)}">{esc(bi(*label, lang))}</div>{source}'
    elif answer.items:  # a list or a plan: the items, each quoted below with its citation
        key_html = f'<div class="rag-items-title">{esc(answer.heading)} · {len(answer.items)}</div>' if answer.heading else ""
        if answer.items_apart:
            key_html += '<ol class="rag-items">' + "".join(f"<li>{esc(i.text)}</li>" for i in answer.items) + "</ol>"
    elif answer.keys:
        key_html = f'<div class="rag-key">{esc("；".join(answer.keys[:3]) if lang == "zh" else "; ".join(answer.keys[:3]))}</div>{source}'
    confidence = ""
    if answer.confidence is not None:
        confidence = f'<div class="rag-confidence">{esc(bi("置信度", "Confidence", lang))} {answer.confidence:.0%}</div>'
    card = (
        f'<div class="rag-card rag-answer"><div class="rag-label">{esc(bi("答案", "Answer", lang))}</div>'
        f'{key_html}{"".join(quotes)}{confidence}</div>'
    )
    cited, seen = [], set()
    for n, c in enumerate(answer.citations, start=1):
        hit = by_chunk.get(c.chunk_id)
        if hit is None or c.chunk_id in seen:
            continue
        seen.add(c.chunk_id)
        same = [(m, x) for m, x in enumerate(answer.citations, start=1) if x.chunk_id == c.chunk_id]
        cited.append(source_card(hit, index, same))
    others = [source_card(h, index, []) for h in answer.sources if h.chunk.chunk_id not in seen][:5]
    more = ""
    if others:
        more = (
            f'<details class="rag-more"><summary>{esc(bi("其他相关段落", "Other related passages", lang))} ({len(others)})</summary>'
            f'{"".join(others)}</details>'
        )
    return f'<div class="rag rag-result" data-found="true">{card}{_heading(bi("来源", "Sources", lang), len(cited))}{"".join(cited)}{more}</div>'


def _heading(title: str, count: int, note: str = "") -> str:
    note_html = f'<small class="rag-note">{esc(note)}</small>' if note else ""
    return f'<div class="rag-h">{esc(title)} <small>{count}</small>{note_html}</div>'


def source_card(hit: Hit, index, citations: list[tuple[int, Citation]], terms=()) -> str:
    """A passage the answer drew on: 文号, title, section, date, the passage with its quotes marked."""
    chunk = hit.chunk
    spans = [sp for _, c in citations for sp in _quote_spans(c, chunk)] or term_spans(chunk.text, terms)
    labels = "".join(f'<span class="rag-rank">{n}</span>' for n, _ in citations)
    doc = index.by_id.get(chunk.doc_id)
    cite = citations[0][1].citation if citations else (doc.citation if doc else chunk.doc_number or chunk.doc_id)
    first = citations[0][1] if citations else None
    opener = open_button(chunk, first.start, first.end) if first else open_button(chunk)
    return (
        f'<div class="rag-card rag-source"><div class="rag-card-head">{labels}{_doc_line(chunk, index)}</div>{_section(chunk)}'
        f'{excerpt(chunk.text, spans, (spans[0][0], spans[0][1]) if spans else (0, 0))}'
        f'<div class="rag-actions">{copy_button(cite)}{opener}</div></div>'
    )


def term_spans(text: str, terms) -> list[tuple[int, int, str]]:
    """Where the query's terms occur in a passage (for highlighting), adjacent matches merged."""
    found = sorted((m.start(), m.end()) for term in terms for m in re.finditer(re.escape(term), text, re.I))
    merged: list[list[int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e, "m-term") for s, e in merged]


def hits_html(result: SearchResult, index, terms=()) -> str:
    """Ranked passages with score, channel ranks, marked query terms, and buttons to open or cite them."""
    if not result.hits:
        return message("没有匹配的段落 · No passage matches", " 试试其他词语或去掉筛选条件。Try other words or remove the filters.", kind="empty")
    cards = []
    for hit in result.hits:
        chunk = hit.chunk
        spans = term_spans(chunk.text, terms)
        first = min(spans, default=(0, 0, ""))
        doc = index.by_id.get(chunk.doc_id)
        cards.append(
            f'<div class="rag-card rag-hit"><div class="rag-card-head"><span class="rag-rank">{hit.rank}</span>{_doc_line(chunk, index)}'
            f'<span class="rag-meta">score {hit.score:.4f}</span>{_channels(hit)}</div>{_section(chunk)}'
            f"{excerpt(chunk.text, spans, (first[0], first[1]))}"
            f'<div class="rag-actions">{open_button(chunk)}{copy_button(doc.citation) if doc else ""}</div></div>'
        )
    via = " + ".join(CHANNEL_NAMES.get(c, c) for c in result.channels)
    return f'<div class="rag rag-result">{_heading("结果 · Results", len(cards), f"通道 channels: {via}")}{"".join(cards)}</div>'
