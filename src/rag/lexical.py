"""Lexical channel: BM25 (Lucene variant, as bm25s computes it) over jieba-segmented text, and
over character pairs.

A query is a list of term groups. A plain query has one group per token; a translated query has
one group per source word with its weighted alternatives (外资 0.9, 外国 0.6 …). A document's score
is the sum over groups of the best weighted alternative, so a passage that matches three
synonyms of one English word does not beat a passage that matches three different words.

Scoring touches only the postings of the query's tokens (rag.postings keeps them memory-mapped),
so a query costs what its terms occur, not what the index holds.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.postings import Postings, PostingsWriter, TokenCounts
from rag.text import char_bigrams, tokenize

PARTS_CACHE = 4096  # distinct query terms whose index tokens are remembered (bounded: users type anything)


@dataclass(frozen=True)
class TermGroup:
    """Alternatives for one query concept: ((token, weight), …), and the concept's own weight."""

    alternatives: tuple[tuple[str, float], ...]
    weight: float = 1.0
    source: str = ""  # the query word(s) this group stands for
    backoff: bool = False  # a word of a matched phrase: helps retrieval, is not a concept of its own
    entity: bool = False  # a place, body or person: evidence that does not name it cannot answer


def plain_query(text: str) -> list[TermGroup]:
    """One group per distinct token, repeated tokens counted once."""
    seen, groups = set(), []
    for tok in tokenize(text):
        if tok not in seen:
            seen.add(tok)
            groups.append(TermGroup(((tok, 1.0),), 1.0, tok))
    return groups


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[int]:
    """Indices of the k best positive scores (ties by position: deterministic), optionally only
    where mask is true."""
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    candidates = np.flatnonzero(scores > 0)
    k = min(k, len(candidates))
    if k <= 0:
        return []
    values = scores[candidates]
    top = np.argpartition(-values, k - 1)[:k] if k < len(candidates) else np.arange(len(candidates))
    top = candidates[top]
    return [int(i) for i in top[np.lexsort((top, -scores[top]))]]


Column = tuple[np.ndarray, np.ndarray]  # (passage rows, ascending and unique; BM25 weights)


class LexicalIndex:
    """BM25 weights of every (token, passage) pair, memory-mapped by token (see rag.postings)."""

    DIRNAME = "lexical"
    tokenizer = staticmethod(tokenize)

    def __init__(self, postings: Postings):
        self._postings = postings
        self.vocab = postings.vocab
        self.num_docs: int = postings.num_docs
        self._known: Mapping[str, list[str]] = {}
        self._cached_parts = lru_cache(maxsize=PARTS_CACHE)(self._find_parts)
        self.idf = lru_cache(maxsize=PARTS_CACHE)(self._idf)

    @classmethod
    def build(cls, texts: list[str], index_dir: str | Path | None = None) -> LexicalIndex:
        """Index texts in one go (small corpora and tests; rag.build streams large ones)."""
        index_dir = Path(index_dir or tempfile.mkdtemp(prefix="rag-lexical-"))
        writer = PostingsWriter(index_dir / f".{cls.DIRNAME}.spill")
        writer.add(TokenCounts.of([cls.tokenizer(t) for t in texts]))
        writer.finish(index_dir / cls.DIRNAME)
        (index_dir / f".{cls.DIRNAME}.spill").rmdir()
        return cls.load(index_dir)

    @classmethod
    def load(cls, index_dir: str | Path) -> LexicalIndex:
        return cls(Postings(Path(index_dir) / cls.DIRNAME))

    def know_parts(self, parts: Mapping[str, list[str]]) -> None:
        """Tokens of phrases worked out at index time (see crosslingual.build_dictionary); the
        mapping is consulted lazily, so a lazily loaded one stays unloaded until needed."""
        self._known = parts

    def _find_parts(self, term: str) -> tuple[str, ...] | None:
        toks = self._known.get(term) if self._known else None
        if toks is None:
            toks = list(dict.fromkeys(self.tokenizer(term)))
        return tuple(toks) if toks and all(t in self.vocab for t in toks) else None

    def parts(self, term: str) -> list[str] | None:
        """The index tokens a term stands for: itself, or, for a phrase the segmenter splits
        (制造业创新中心), its tokens. None when some part never occurs in the index."""
        if term in self.vocab:
            return [term]
        found = self._cached_parts(term)
        return list(found) if found is not None else None

    def _token(self, token: str) -> Column | None:
        tid = self.vocab.get(token)
        return None if tid is None else self._postings.column(tid)

    def columns(self, term: str) -> list[Column] | None:
        """The postings a term scores with, to be summed; a phrase's are restricted to the
        passages where all its tokens occur."""
        parts = self.parts(term)
        if parts is None:
            return None
        if len(parts) == 1:
            return [self._token(parts[0])]
        rows, total = self._token(parts[0])
        total = total.astype(np.float32)
        for part in parts[1:]:
            other_rows, other = self._token(part)
            rows, i, j = np.intersect1d(rows, other_rows, assume_unique=True, return_indices=True)
            total = total[i] + other[j]
        return [(rows, total)]

    def token_scores(self, token: str) -> np.ndarray | None:
        """BM25 contribution of a term to every passage (dense; for inspection and tests)."""
        cols = self.columns(token)
        if cols is None:
            return None
        out = np.zeros(self.num_docs, dtype=np.float32)
        for rows, vals in cols:
            out[rows] += vals
        return out

    def token_idf(self, token: str) -> float:
        """Lucene IDF of one index token (which must be in the vocabulary)."""
        df = self._postings.df(self.vocab[token])
        return math.log(1 + (self.num_docs - df + 0.5) / (df + 0.5))

    def _idf(self, term: str) -> float:
        """Lucene IDF of a term (self.idf, remembered); a phrase's document frequency is where all
        its tokens occur; unknown terms get the IDF of a term seen once."""
        cols = self.columns(term)
        if cols is None:
            df = 1
        elif len(cols) == 1:
            df = max(1, len(cols[0][0]))
        else:
            df = max(1, len(np.unique(np.concatenate([rows for rows, _ in cols]))))
        return math.log(1 + (self.num_docs - df + 0.5) / (df + 0.5))

    def __contains__(self, term: str) -> bool:
        return self.parts(term) is not None

    def _alternative(self, term: str) -> Column | None:
        """One alternative's postings as a single column (union of its columns, summed)."""
        cols = self.columns(term)
        if cols is None or len(cols) == 1:
            return cols[0] if cols else None
        rows = np.unique(np.concatenate([r for r, _ in cols]))
        acc = np.zeros(len(rows), dtype=np.float32)
        for r, v in cols:
            acc[np.searchsorted(rows, r)] += v
        return rows, acc

    def score(self, groups: list[TermGroup]) -> np.ndarray:
        """Σ over groups of the group weight × its best weighted alternative, for every passage."""
        total = np.zeros(self.num_docs, dtype=np.float32)
        best = None
        for group in groups:
            if len(group.alternatives) == 1:
                token, weight = group.alternatives[0]
                for rows, vals in self.columns(token) or ():
                    total[rows] += group.weight * (vals * weight)
                continue
            found = [(col, w) for col, w in ((self._alternative(t), w) for t, w in group.alternatives) if col is not None]
            if best is None:
                best = np.zeros(self.num_docs, dtype=np.float32)
            for (rows, vals), weight in found:
                best[rows] = np.maximum(best[rows], vals * weight)
            for (rows, _), _ in found:  # the first alternative holding a passage adds its best; then it is spent
                total[rows] += group.weight * best[rows]
                best[rows] = 0.0
        return total


class BigramIndex(LexicalIndex):
    """BM25 over overlapping character pairs. Chinese words need no segmenter here, so it finds
    what jieba cut differently (超级碗 → 超级/碗 in one text, 超级碗 in another). A term scores the
    sum of its pairs that occur — no pair is required, a partial match counts."""

    DIRNAME = "lexical_bigrams"
    tokenizer = staticmethod(char_bigrams)

    def _find_parts(self, term: str) -> tuple[str, ...] | None:
        pairs = [p for p in dict.fromkeys(char_bigrams(term)) if p in self.vocab]
        return tuple(pairs) or None

    def parts(self, term: str) -> list[str] | None:
        found = self._cached_parts(term)
        return list(found) if found is not None else None

    def columns(self, term: str) -> list[Column] | None:
        parts = self.parts(term)
        return None if parts is None else [self._token(p) for p in parts]
