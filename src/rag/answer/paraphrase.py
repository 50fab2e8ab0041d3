"""Chinese paraphrases through English: two words are near-synonyms when CC-CEDICT glosses both with
the same specific English sense (客人 and 嘉宾 are both "guest", 捐款 and 捐赠 both "donation").

A question word that one of the top passages lacks gains, as a weaker alternative, the words of that
passage that share such a sense with it — the way a reader accepts 嘉宾 for 客人. Only words of the
passages are candidates, so nothing is invented; a sense that many glosses share ("set", "make") says
little and counts for less.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache

from rag.text import CJK, normalize, tokenize

PARAPHRASE_WEIGHT = 0.6  # credit of a paraphrase relative to the word itself
MIN_SIMILARITY = 0.2  # shared sense × how specific that sense is, in both words
MAX_PARAPHRASES = 3  # per question word
TOP_PASSAGES = 3  # passages read for paraphrases: those an answer comes from
_CJK_WORD = re.compile(f"[{CJK}]{{2,}}")


@lru_cache(maxsize=1)
def _entries():
    from rag.cedict import inverted

    table = inverted()
    where: dict[str, list[int]] = {}
    for i, w in enumerate(table.words):
        where.setdefault(w, []).append(i)
    return table, where


@lru_cache(maxsize=1 << 15)
def senses(word: str) -> tuple[tuple[str, float], ...]:
    """English keys of a Chinese word with the weight of each (its most direct sense 1.0)."""
    table, where = _entries()
    out: dict[str, float] = {}
    for i in where.get(word, ()):
        for k, w in table.keys(i):
            out[k] = max(out.get(k, 0.0), w)
    return tuple(out.items())


def _specific(key: str) -> float:
    table, _ = _entries()
    n = table.gloss_count.get(key)
    return 1.0 if n is None else min(1.0, 2.0 / math.log2(2 + n))


def _one_way(sa: dict[str, float], sb: dict[str, float]) -> float:
    """Senses of a that b has too; a sense of several words counts when b has each of them as a sense
    (高校 "universities and colleges", 大学 "university; college")."""
    best = 0.0
    for k, w in sa.items():
        if k in sb:
            best = max(best, w * sb[k] * _specific(k))
        elif " " in k and all(part in sb for part in k.split()):
            best = max(best, w * min(sb[p] * _specific(p) for p in k.split()))
    return best


def similarity(a: str, b: str) -> float:
    """How surely a and b say the same thing: their best shared English sense, by the weight of that
    sense in each word and how specific it is (0 when they share none)."""
    sa, sb = dict(senses(a)), dict(senses(b))
    return max(_one_way(sa, sb), _one_way(sb, sa))


def with_paraphrases(info, passages: list[str]):
    """info with paraphrase alternatives for its Chinese question words that one of the top passages
    lacks, from the words of the top passages that lack it."""
    texts = [normalize(p) for p in passages[:TOP_PASSAGES]]
    words_of: dict[int, set[str]] = {}
    concepts, said = [], []
    for g in info.concepts:
        word = g.source
        lacking = [i for i, x in enumerate(texts) if not any(t in x for t, _ in g.alternatives)]
        if not _CJK_WORD.fullmatch(word) or g.entity or not lacking:
            concepts.append(g)
            continue
        for i in lacking:
            if i not in words_of:
                words_of[i] = {w for w in tokenize(texts[i]) if _CJK_WORD.fullmatch(w)}
        candidates = set().union(*(words_of[i] for i in lacking))
        scored = sorted(((similarity(word, c), c) for c in candidates if c != word), reverse=True)
        found = [(c, PARAPHRASE_WEIGHT) for s, c in scored[:MAX_PARAPHRASES] if s >= MIN_SIMILARITY]
        if found:
            g = replace(g, alternatives=g.alternatives + tuple(found))
            said += [(word, c) for c, _ in found]
        concepts.append(g)
    return replace(info, concepts=tuple(concepts), paraphrases=info.paraphrases + tuple(said)) if said else info
