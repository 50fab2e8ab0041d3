"""Lexical channel: BM25 (bm25s, Lucene variant) over jieba-segmented text.

A query is a list of term groups. A plain query has one group per token; a translated query has
one group per source word with its weighted alternatives (外资 0.9, 外国 0.6 …). A document's score
is the sum over groups of the best weighted alternative, so a passage that matches three
synonyms of one English word does not beat a passage that matches three different words.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.text import char_bigrams, tokenize


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
    k = min(k, int((scores > 0).sum()))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in top[np.lexsort((top, -scores[top]))]]


class LexicalIndex:
    """BM25 scores for every (token, passage) pair, stored sparse by token (CSC)."""

    DIRNAME = "lexical"

    def __init__(self, bm25):
        self._bm25 = bm25
        self.vocab: dict[str, int] = bm25.vocab_dict
        self.num_docs: int = int(bm25.scores["num_docs"])
        indptr = bm25.scores["indptr"]
        self._df = np.diff(indptr)
        self._parts: dict[str, list[str] | None] = {}

    tokenizer = staticmethod(tokenize)

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        bm25 = bm25s.BM25(method="lucene")
        bm25.index([cls.tokenizer(t) or [""] for t in texts], show_progress=False)
        return cls(bm25)

    def know_parts(self, parts: dict[str, list[str]]) -> None:
        """Tokens of phrases worked out at index time (see crosslingual.build_dictionary)."""
        for term, toks in parts.items():
            self._parts[term] = toks if toks and all(t in self.vocab for t in toks) else None

    def parts(self, term: str) -> list[str] | None:
        """The index tokens a term stands for: itself, or, for a phrase the segmenter splits
        (制造业创新中心), its tokens. None when some part never occurs in the index."""
        if term in self.vocab:
            return [term]
        if term not in self._parts:
            toks = list(dict.fromkeys(self.tokenizer(term)))
            self._parts[term] = toks if toks and all(t in self.vocab for t in toks) else None
        return self._parts[term]

    def token_scores(self, token: str) -> np.ndarray | None:
        """BM25 contribution of a term to every passage. A phrase scores the sum of its tokens
        in the passages where all of them occur."""
        parts = self.parts(token)
        if parts is None:
            return None
        if len(parts) > 1:
            stacked = np.vstack([self._column(t) for t in parts])
            return np.where((stacked > 0).all(axis=0), stacked.sum(axis=0), 0.0).astype(np.float32)
        return self._column(parts[0])

    def _column(self, token: str) -> np.ndarray | None:
        tid = self.vocab.get(token)
        if tid is None:
            return None
        s = self._bm25.scores
        out = np.zeros(self.num_docs, dtype=np.float32)
        a, b = s["indptr"][tid], s["indptr"][tid + 1]
        out[s["indices"][a:b]] = s["data"][a:b]
        return out

    def idf(self, term: str) -> float:
        """Lucene IDF of a term; a phrase's document frequency is where all its tokens occur;
        unknown terms get the IDF of a term seen once."""
        parts = self.parts(term)
        if parts is None:
            df = 1
        elif len(parts) == 1:
            df = int(self._df[self.vocab[parts[0]]])
        else:
            df = max(1, int((self.token_scores(term) > 0).sum()))
        return math.log(1 + (self.num_docs - df + 0.5) / (df + 0.5))

    def __contains__(self, term: str) -> bool:
        return self.parts(term) is not None

    def score(self, groups: list[TermGroup]) -> np.ndarray:
        total = np.zeros(self.num_docs, dtype=np.float32)
        for group in groups:
            best = None
            for token, weight in group.alternatives:
                s = self.token_scores(token)
                if s is None:
                    continue
                s = s * weight
                best = s if best is None else np.maximum(best, s)
            if best is not None:
                total += group.weight * best
        return total

    def save(self, index_dir: Path) -> None:
        target = Path(index_dir) / self.DIRNAME
        self._bm25.save(str(target), show_progress=False)
        # bm25s writes its vocabulary with \\u escapes; rewrite it readable (same JSON value).
        vocab_path = target / "vocab.index.json"
        vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
        vocab_path.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, index_dir: Path) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(Path(index_dir) / cls.DIRNAME)))


class BigramIndex(LexicalIndex):
    """BM25 over overlapping character pairs. Chinese words need no segmenter here, so it finds
    what jieba cut differently (超级碗 → 超级/碗 in one text, 超级碗 in another). A term scores the
    sum of its pairs that occur — no pair is required, a partial match counts."""

    DIRNAME = "lexical_bigrams"
    tokenizer = staticmethod(char_bigrams)

    def parts(self, term: str) -> list[str] | None:
        if term not in self._parts:
            pairs = [p for p in dict.fromkeys(char_bigrams(term)) if p in self.vocab]
            self._parts[term] = pairs or None
        return self._parts[term]

    def token_scores(self, token: str) -> np.ndarray | None:
        parts = self.parts(token)
        if parts is None:
            return None
        return np.sum([self._column(p) for p in parts], axis=0).astype(np.float32)
