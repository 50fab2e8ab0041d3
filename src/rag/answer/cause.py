"""Why questions: what asks for a cause, what gives one, and where in the evidence it stands.

A cause is said three ways, and the answer marks it accordingly:
- within a clause that opens with a cause word (因为…, 由于…, because …): that clause;
- before a result word in the same sentence (……，所以得到羌人的保护): the clauses before it;
- in the sentence before one that opens with a result word (……。因此它也被称为笨蛋水果。): that sentence,
  which the answer then quotes with the one that restates the question.
A purpose answers a why question too (为了…, 旨在…, 以推动…, in order to …).
"""

from __future__ import annotations

import re

_I = re.I
# why, for what reason, how it came by its name — not 称为什么 / 算为什么 ("is called what")
REASON_ASKED = re.compile(
    r"(?<![称叫名作成算])为什么(?![？?]?\s*$)|为何|因何|何以|什么原因|哪些原因|原因是|缘故|怎么得名|如何得名|由来|"
    r"\bwhy\b|\bwhat (?:is|was|are|were) the reasons?\b|\bhow did .{1,40} get (?:its|their|the) name", _I)
# the words that open a cause, and those that open what follows from one
_BECAUSE = r"因为|由于|之所以|为了|源于|缘于|鉴于|以防|以免|以便|为的是|旨在|目的是|目的在于|以(?=推动|促进|提升|提高|加强|实现|满足|解决|保障|支撑)|\bbecause\b|\bdue to\b|\bowing to\b|\bin order to\b|\bso as to\b"
_HENCE = r"因此|所以|因而|故而|故此|于是|由此|从而|以致|导致|致使|\btherefore\b|\bthus\b|\bhence\b|\bas a result\b|\bconsequently\b"
CAUSE_SAID = re.compile(rf"{_BECAUSE}|{_HENCE}|故名|故称|得名|原因|\bnamed (?:after|for)\b|\breason\b", _I)
_BECAUSE_RE = re.compile(_BECAUSE, _I)
_HENCE_RE = re.compile(rf"(?:{_HENCE}|故(?=[被称名而此]))", _I)
_CLAUSE_END = re.compile(r"[，,；;。！？!?]|\.(?!\d)")


def cause_span(text: str) -> tuple[int, int] | None:
    """The part of one sentence that gives the cause: the clause a cause word opens, else what stands
    before a result word that does not open the sentence. None when the sentence gives none itself."""
    m = _BECAUSE_RE.search(text)
    if m:
        end = _CLAUSE_END.search(text, m.end())
        return m.start(), end.start() if end else len(text.rstrip())
    m = _HENCE_RE.search(text)
    if m and text[:m.start()].strip(" ，,；;"):
        end = len(text[:m.start()].rstrip(" ，,；;"))
        return 0, end
    return None


def opens_with_result(text: str) -> bool:
    """The sentence opens with a result word: its cause is in the sentence before it."""
    m = _HENCE_RE.search(text)
    return bool(m) and not text[:m.start()].strip(" “\"'（(")
