"""Years, dates and 文号 in a sentence, Chinese or English: 2023年8月14日, 2021-2022年,
21 May 2024, January 2023, 沪科提复〔2023〕50号."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.parse import DOCNO_RE, normalize_doc_number


def fold(text: str) -> str:
    """Full-width forms to half-width and lower case, one character for one (offsets stay valid)."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n.lower() if len(n) == 1 else ch)
    return "".join(out)


_YEAR = re.compile(r"(?<!\d)(?<!\d[.,/])(19\d{2}|20\d{2})(?!\d|[.,]\d|%|\s*(?:万|亿|千|百|余|多|[家项个所位名批种条座台套支篇件人元]|%|million|billion))")
_MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october november december".split(), start=1)}
_MON = "|".join(list(_MONTHS) + [m[:3] + r"\.?" for m in _MONTHS if len(m) > 3])


@dataclass(frozen=True)
class Date:
    year: int
    month: int | None
    day: int | None
    start: int
    end: int
    text: str = ""


_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"),
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\s*,?\s*(?P<y>\d{{4}})\b"),
    re.compile(rf"\b(?P<mon>{_MON})\s+(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*)?(?P<y>\d{{4}})\b"),
]


def dates(text: str) -> list[Date]:
    """Dates with at least a month: 2023年8月14日, 2023年1月, 21 May 2024, January 2023."""
    t = fold(text)
    out: list[Date] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(t):
            if any(d.start < m.end() and m.start() < d.end for d in out):
                continue
            groups = m.groupdict()
            month = int(groups["m"]) if groups.get("m") else _MONTHS.get(_month_key(groups.get("mon")))
            if not month or not 1 <= month <= 12:
                continue
            day = int(groups["d"]) if groups.get("d") else None
            out.append(Date(int(groups["y"]), month, day, m.start(), m.end(), text[m.start():m.end()]))
    return sorted(out, key=lambda d: d.start)


def _month_key(mon: str | None) -> str:
    if not mon:
        return ""
    mon = mon.rstrip(".")
    return next((m for m in _MONTHS if m.startswith(mon)), "")


def years(text: str) -> list[tuple[int, int, int]]:
    """(year, start, end) of every year named, in dates, ranges (2021-2022年) and alone; not the
    digits of a 文号 or of a quantity (2000家)."""
    t = fold(text)
    docnos = [m.span() for m in DOCNO_RE.finditer(t)]
    return [(int(m.group(1)), m.start(), m.end()) for m in _YEAR.finditer(t) if not any(a < m.end() and m.start() < b for a, b in docnos)]


# Words that run into a 文号's prefix in prose: 见沪科建复…, 根据沪科提复…, 和沪科…
_BEFORE_DOCNO = re.compile(r"^(?:根据|依据|按照|参见|详见|据|见|依|按|和|与|及|在|于|经|对|由|从|以|即)+")


def doc_numbers(text: str) -> list[tuple[str, int, int]]:
    """(normalised 文号, start, end) of every 文号 in the text, without the words before it."""
    out = []
    for m in DOCNO_RE.finditer(fold(text)):
        lead = _BEFORE_DOCNO.match(text[m.start():m.start(1) + len(m.group(1)) - 2])
        start = m.start() + (lead.end() if lead else 0)
        n = normalize_doc_number(text[start:m.end()])
        if n:
            out.append((n, start, m.end()))
    return out


