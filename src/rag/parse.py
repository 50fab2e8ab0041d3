"""Parse one reply in the official layout: repair extraction artifacts, tell the header, body and
footer apart, detect the heading hierarchy, and read the metadata from the text itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import CorpusError
from rag.types import Block, Document


# 沪科提复〔2023〕50号 — the brackets vary in extracted text ([2023], 〔2023〕, （2023）).
DOCNO_RE = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d+)\s*号")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_LINE = re.compile(rf"^{DATE_RE.pattern}$")
_SEPARATOR = re.compile(r"^\s*([-*_=]\s*){3,}$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
CONTACT_NAME = re.compile(r"联系人(?:姓名)?[：:]\s*([\u4e00-\u9fff]{2,4})")  # 联系人姓名：葛梦然
_FOOTER_START = re.compile(r"^(抄送|印发|联系人|联系电话|联系地址|通讯地址|邮政编码|电子邮箱|传真)")
_META_LINE = re.compile(r"^(办理结果|公开属性|公开方式|办理单位|主办单位|会办单位|签发人)\s*[：:]")
_ISSUER = re.compile(r"^[\u4e00-\u9fff（）()]{4,30}(委员会|人民政府|政府|局|厅|办公室|办公厅|委|部|院|中心)$")
_ADDRESSEE = re.compile(r"^(.{2,60}?)(委员|代表|同志|先生|女士|主任|局长)?\s*[：:]$")
_PROPOSAL_TITLE = re.compile(
    r"您们?提出的\s*[“\"《「](.+?)[”\"》」](?=\s*(?:的提案|的代表建议|的建议|的议案|提案|代表建议|收悉))"
)
_PROPOSAL_NO = re.compile(r"第\s*(\d+)\s*号\s*(?:提案|代表建议|建议|议案)")
_SESSION = re.compile(r"对\s*(.+?会议)")

# Official-document numbering → level. Lower is higher in the hierarchy.
_ZH_NUM = "一二三四五六七八九十"
NUMBERING = (
    (re.compile(rf"^[{_ZH_NUM}]+\s*、"), 1),
    (re.compile(rf"^[（(]\s*[{_ZH_NUM}]+\s*[）)]"), 2),
    (re.compile(r"^\d{1,2}\s*[.、．](?!\d)"), 3),
    (re.compile(r"^[（(]\s*\d{1,2}\s*[）)]"), 4),
    (re.compile(rf"^(?:[{_ZH_NUM}]+是|第[{_ZH_NUM}]+[，,、是])"), 5),
)
LEAD_LEVEL = 6  # a bold lead phrase without numbering
_ENUMERATOR_ONLY = re.compile(rf"^(?:[{_ZH_NUM}]+是|第[{_ZH_NUM}]+|\d{{1,2}}\s*[.、．]|[{_ZH_NUM}]+、|下一步|同时|此外|另外)$")
_CLOSING = re.compile(r"^感谢(您|你们|您们)?对.{0,40}[。！!]$")  # the closing courtesy line
_TERMINAL = set("。！？!?；;：:…")
_CLOSERS = "”’」』）)\"'"
FOOTER_SECTION = ("落款与抄送",)
MAX_HEADING = 60


@dataclass
class _Line:
    """One non-blank line of the source, markdown markers removed."""

    text: str
    md_level: int = 0
    bold: list[tuple[int, int]] = field(default_factory=list)  # spans in text


def _parse_line(raw: str) -> _Line | None:
    s = raw.strip()
    if not s or _SEPARATOR.match(s):
        return None
    md_level = 0
    m = _MD_HEADING.match(s)
    if m:
        md_level = len(m.group(1))
        s = s[m.end():]
    bold, out, pos = [], [], 0
    for m in _BOLD.finditer(s):
        out.append(s[pos:m.start()])
        start = sum(map(len, out))
        out.append(m.group(1))
        bold.append((start, start + len(m.group(1))))
        pos = m.end()
    out.append(s[pos:])
    text = "".join(out).replace("**", "").strip()
    return _Line(text, md_level, bold) if text else None


def _numbering_level(text: str) -> int | None:
    for pattern, level in NUMBERING:
        if pattern.match(text):
            return level
    return None


_CONTINUATION = tuple("的地得和与及等了之、，,。；;：:”’）)")


def _is_standalone_heading(line: _Line, nxt: _Line | None) -> bool:
    """A heading on a line of its own (一、相关工作情况). 一是/二是 items run on inside paragraphs,
    and a line whose next line starts mid-sentence (…创新 / 的研究…) was cut by a page break."""
    t = line.text
    if len(t) > 50 or any(c in t for c in "。；！？"):
        return False
    level = _numbering_level(t)
    if level == 5 or (nxt is not None and nxt.text.startswith(_CONTINUATION)):
        return False
    return level is not None or line.md_level > 0 or (line.bold == [(0, len(t))] and len(t) <= 40)


def _ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip(_CLOSERS)
    return bool(t) and t[-1] in _TERMINAL


def _starts_new_item(line: _Line) -> bool:
    return _numbering_level(line.text) is not None or line.md_level > 0 or bool(line.bold and line.bold[0][0] == 0)


def _squeeze(text: str) -> str:
    """Drop spaces that extraction put between Chinese characters and digits (第 0254 号 → 第0254号)."""
    return re.sub(r"(?<=[^\sA-Za-z])\s+(?=[^\sA-Za-z])", "", text).strip()


def _lead(text: str, bold: list[tuple[int, int]]) -> str:
    """The heading a paragraph opens with: its bold lead phrase, or its first clause/sentence."""
    if bold and bold[0][0] == 0:
        lead = text[: bold[0][1]]
        if _ENUMERATOR_ONLY.match(lead.strip()):
            m = re.match(r"[^，,。；;：:！？]*", text[bold[0][1]:])
            lead = lead + (m.group(0) if m else "")
    else:
        m = re.match(r"[^。；;！？]*", text)
        lead = m.group(0) if m else text
    lead = _squeeze(lead).rstrip("。；;，,：:")
    if len(lead) > MAX_HEADING:
        cut = re.match(r"[^，,]{4,}?(?=[，,])", lead)
        lead = cut.group(0) if cut and len(cut.group(0)) <= MAX_HEADING else lead[:MAX_HEADING] + "…"
    return lead


@dataclass
class _Para:
    """A body paragraph after repair, before it is placed in doc text."""

    text: str
    bold: list[tuple[int, int]]
    md_level: int
    standalone: bool


def _join_broken(lines: list[_Line]) -> list[_Para]:
    """Join a sentence that a page break or blank line split in two: "…这些" + "建议对我市…"."""
    paras: list[_Para] = []
    for i, line in enumerate(lines):
        standalone = _is_standalone_heading(line, lines[i + 1] if i + 1 < len(lines) else None)
        prev = paras[-1] if paras else None
        if (
            prev is not None
            and not prev.standalone
            and not standalone
            and not _ends_sentence(prev.text)
            and not _starts_new_item(line)
        ):
            shift = len(prev.text)
            prev.text += line.text
            prev.bold += [(s + shift, e + shift) for s, e in line.bold]
            continue
        paras.append(_Para(line.text, list(line.bold), line.md_level, standalone))
    return paras


def _split_at_bold(para: _Para) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Split a paragraph where a bold lead phrase starts a new sentence mid-paragraph
    (…机制：**支持大企业…。**市区合力…). Returns (start, end, bold spans relative to start)."""
    cuts = [0]
    for s, _ in para.bold:
        if s > 0 and para.text[s - 1] in "。：:；;！？" + _CLOSERS:
            cuts.append(s)
    cuts.append(len(para.text))
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        if b > a:
            parts.append((a, b, [(s - a, e - a) for s, e in para.bold if a <= s < b]))
    return parts


def _find_header_end(lines: list[_Line], docno_idx: int | None) -> int:
    """Index of the last header line: the addressee line (李琛浩委员：), else the title."""
    start = docno_idx if docno_idx is not None else 0
    for i in range(start, min(len(lines), start + 12)):
        t = lines[i].text
        if _ADDRESSEE.match(t) and not _FOOTER_START.match(t) and not _META_LINE.match(t):
            return i
    if docno_idx is not None:
        end = docno_idx
        for j in range(docno_idx + 1, min(len(lines), docno_idx + 4)):
            if "答复" in lines[j].text or "会议" in lines[j].text:
                end = j
        return end
    return -1


def _find_footer_start(lines: list[_Line], after: int) -> int:
    for i in range(after + 1, len(lines)):
        t = lines[i].text
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if _FOOTER_START.match(t) or _DATE_LINE.match(t):
            return i
        if _ISSUER.match(t) and _DATE_LINE.match(nxt):
            return i
    return len(lines)


def _iso_date(text: str) -> str | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def normalize_doc_number(text: str) -> str | None:
    m = DOCNO_RE.search(text)
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号" if m else None


def parse_document(raw: str, path: str) -> Document:
    """Parse one reply. path is only used for messages and as a fallback id."""
    lines = [ln for ln in map(_parse_line, raw.splitlines()) if ln is not None]
    warnings: list[str] = []
    if not lines:
        raise CorpusError(f"{path} is empty")

    docno_idx = next(
        (i for i, ln in enumerate(lines[:15]) if DOCNO_RE.search(ln.text) and len(ln.text) <= 30), None
    )
    doc_number = normalize_doc_number(lines[docno_idx].text) if docno_idx is not None else None
    header_end = _find_header_end(lines, docno_idx)
    footer_start = _find_footer_start(lines, header_end)

    header, body, footer = lines[: header_end + 1], lines[header_end + 1: footer_start], lines[footer_start:]

    # Header: meta lines, issuer, 文号, title (possibly broken over lines), addressee.
    issuer = next((ln.text for ln in header if _ISSUER.match(ln.text)), None)
    if issuer is None:
        issuer = next((ln.text for ln in footer if _ISSUER.match(ln.text)), None)
    title_lines = []
    addressee_line = header[-1].text if header and _ADDRESSEE.match(header[-1].text) else None
    first_title = (docno_idx + 1) if docno_idx is not None else 0
    for ln in lines[first_title: header_end + (0 if addressee_line else 1)]:
        if not (_META_LINE.match(ln.text) or _ISSUER.match(ln.text) or DOCNO_RE.fullmatch(ln.text)):
            title_lines.append(ln.text)
    title = _squeeze("".join(title_lines))
    if not title:
        title = Path(path).stem
        warnings.append(f"{path}: no title line found; using the file name")

    # (text, role, section, glue, heading): glue joins a piece to the previous one in the text.
    pieces: list[tuple[str, str, tuple[str, ...], str, bool]] = []
    title_done = False
    for ln in header:
        if ln.text in title_lines:
            if not title_done:
                pieces.append((title, "header", (), "\n\n", False))
                title_done = True
            continue
        pieces.append((ln.text, "header", (), "\n\n", False))

    stack: list[tuple[int, str]] = []
    for para in _join_broken(body):
        if para.standalone:
            level = _numbering_level(para.text) or 1
            stack = [(lv, h) for lv, h in stack if lv < level]
            stack.append((level, _squeeze(para.text)))
            pieces.append((para.text, "body", tuple(h for _, h in stack), "\n\n", True))
            continue
        base = tuple(h for _, h in stack)
        if _CLOSING.match(para.text):
            base = ()
        para_lead = None
        for k, (a, b, bold) in enumerate(_split_at_bold(para)):
            text = para.text[a:b]
            is_lead = _numbering_level(text) is not None or bool(bold and bold[0][0] == 0)
            if not is_lead:
                section = base
            elif k == 0:
                para_lead = _lead(text, bold)
                section = base + (para_lead,)
            else:
                # a bold phrase inside a lead paragraph nests under the paragraph's own lead
                section = base + ((para_lead,) if para_lead else ()) + (_lead(text, bold),)
            pieces.append((text, "body", section, "" if k else "\n\n", False))

    for ln in footer:
        pieces.append((ln.text, "footer", FOOTER_SECTION, "\n\n", False))

    out, blocks, pos = [], [], 0
    for text, role, section, glue, heading in pieces:
        if out:
            out.append(glue)
            pos += len(glue)
        out.append(text)
        blocks.append(Block(pos, pos + len(text), role, section, heading))
        pos += len(text)
    doc_text = "".join(out)

    date = None
    for ln in footer:
        if _DATE_LINE.match(ln.text):
            date = _iso_date(ln.text)
            break
    if date is None:
        dates = [_iso_date(m.group(0)) for m in DATE_RE.finditer(doc_text)]
        date = next((d for d in reversed(dates) if d), None)
        if date is None:
            warnings.append(f"{path}: no date of issue found")

    addressee, names = None, ()
    if addressee_line:
        addressee = addressee_line.rstrip("：:").strip()
        m = _ADDRESSEE.match(addressee_line)
        who = m.group(1) if m else addressee
        names = tuple(n.strip() for n in re.split(r"[、，,；;\s]+", who) if n.strip())
    else:
        warnings.append(f"{path}: no addressee line (e.g. 李琛浩委员：) found")

    kind = "unknown"
    probe = (doc_number or "") + title
    if "提案" in title or "提复" in probe:
        kind = "proposal"
    elif "建议" in title or "建复" in probe:
        kind = "suggestion"

    m = _PROPOSAL_NO.search(title)
    proposal_number = m.group(1) if m else None
    m = _SESSION.search(title)
    session = _squeeze(m.group(1)) if m else None
    m = _PROPOSAL_TITLE.search(doc_text)
    proposal_title = m.group(1).strip() if m else None

    if doc_number is None:
        warnings.append(f"{path}: no 文号 (document number such as 沪科提复〔2023〕50号) found; using '{Path(path).stem}' as its id")
    return Document(
        doc_id=doc_number or Path(path).stem,
        doc_number=doc_number,
        title=title,
        kind=kind,
        issuer=issuer,
        addressee=addressee,
        addressees=names,
        session=session,
        proposal_number=proposal_number,
        proposal_title=proposal_title,
        date=date,
        path=path,
        text=doc_text,
        blocks=tuple(blocks),
        warnings=tuple(warnings),
    )


