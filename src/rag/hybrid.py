"""Hybrid retrieval: each channel ranks passages, reciprocal rank fusion merges the rankings."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

from rag.errors import InputError, ModelUnavailable
from rag.lexical import top_k
from rag.query import QueryInfo, analyze, validate_query
from rag.text import normalize, sentences
from rag.types import Hit

# The lexical channel adds word BM25 and character-bigram BM25, each scaled by its best score;
# then its first RERANK_DEPTH passages are re-ordered by how much of the question their best
# sentence holds (questions usually restate one sentence). Measured on XQuAD and CMRC 2018:
# evals/README.md.
BIGRAM_WEIGHT = 1.0
RERANK_DEPTH = 20
SENTENCE_WEIGHT = 0.4


def _scaled(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


def rrf(rankings: dict[str, Sequence[int]], k: int = 60) -> list[tuple[int, float, dict[str, int]]]:
    """Reciprocal rank fusion: score(d) = Σ_c 1 / (k + rank_c(d)), ranks 1-based.

    Returns (item, score, {channel: rank}) best first; ties keep the order of first appearance
    across channels, so the result is deterministic."""
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for channel, ranking in rankings.items():
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
            ranks.setdefault(item, {})[channel] = rank
    order = {item: i for i, item in enumerate(ranks)}
    return [(item, scores[item], ranks[item]) for item in sorted(scores, key=lambda x: (-scores[x], order[x]))]


class Retriever:
    """search(query, k) -> list[Hit] over an opened index (see store.open_index)."""

    def __init__(self, index, config):
        self.index = index
        self.config = config
        self._dense_warned = False
        self._sentences: dict[int, list[str]] = {}
        self._names = frozenset().union(*(getattr(index, "entities", {}) or {}).values())

    @property
    def channels(self) -> tuple[str, ...]:
        out = ["lexical"]
        if self.index.translator is not None:
            out.append("crosslingual")
        if self.index.dense is not None and self.index.embedder is not None:
            out.append("dense")
        return tuple(out)

    def analyze(self, query: str) -> QueryInfo:
        lex = self.index.lexical
        return analyze(validate_query(query), self.index.translator, lex, self._names)

    def mask(self, doc: str | None = None, year: int | str | None = None) -> np.ndarray | None:
        """Passages allowed by the 文号 and year filters, or None when there is no filter."""
        if doc is None and year is None:
            return None
        chunks = self.index.chunks
        allowed = np.ones(len(chunks), dtype=bool)
        if doc is not None:
            doc_id = self.index.resolve_doc(doc)
            allowed &= np.array([c.doc_id == doc_id for c in chunks])
        if year is not None:
            years = sorted({c.date[:4] for c in chunks if c.date})
            try:
                y = str(int(str(year).strip()))
            except ValueError:
                raise InputError(f"the year must be a year like 2023, got {year!r}") from None
            if y not in years:
                raise InputError(f"no document in the index is from {y}; years present: {', '.join(years) or 'none'}")
            allowed &= np.array([bool(c.date) and c.date.startswith(y) for c in chunks])
        return allowed

    def search(self, query: str | QueryInfo, k: int = 5, doc: str | None = None, year=None, champions: int = 0) -> list[Hit]:
        """Top k passages by fused rank. champions > 0 also appends each channel's own top
        passages when fusion left them out: a channel's best evidence is never outvoted away."""
        if not isinstance(k, int) or k < 1:
            raise InputError(f"k must be a positive whole number, got {k!r}")
        info = query if isinstance(query, QueryInfo) else self.analyze(query)
        if doc is None and len(info.doc_numbers) == 1 and info.doc_numbers[0] in self.index.doc_ids:
            doc = info.doc_numbers[0]  # a question that names a 文号 is about that reply
        allowed = self.mask(doc, year)
        # Candidates per channel do not depend on k below 10, so asking for 8 or 10 passages
        # ranks the first 8 identically.
        fetch = max(k, 10) * self.config.fetch_factor
        rankings: dict[str, list[int]] = {}
        rankings["lexical"] = self._lexical_ranking(info, fetch, allowed)
        dense = self._dense_search(info.text, fetch, allowed)
        if dense is not None:
            rankings["dense"] = [i for i, _ in dense]
        if doc is not None:
            # A question about one reply gets that reply's passages even when no term matches
            # ("Who is it addressed to?"): in reading order, after everything the channels found.
            found = {i for r in rankings.values() for i in r}
            rankings["order"] = [i for i in np.flatnonzero(allowed) if i not in found]
        everything = rrf({c: r for c, r in rankings.items() if c != "order"}, self.config.rrf_k)
        everything += [(int(i), 0.0, {"order": n}) for n, i in enumerate(rankings.get("order", []), start=1)]
        fused = everything[:k]
        if champions:
            taken = {i for i, _, _ in fused}
            for channel, ranking in rankings.items():
                for i in ranking[:champions]:
                    if i not in taken:
                        fused.append(next(x for x in everything if x[0] == i))
                        taken.add(i)
        chunks = self.index.chunks
        return [Hit(chunks[i], score, rank, ranks) for rank, (i, score, ranks) in enumerate(fused, start=1)]

    def _lexical_scores(self, info: QueryInfo, groups) -> np.ndarray:
        scores = _scaled(self.index.lexical.score(list(groups)))
        if self.index.bigrams is not None and info.bigram_groups:
            scores = scores + BIGRAM_WEIGHT * _scaled(self.index.bigrams.score(list(info.bigram_groups)))
        return scores

    def _lexical_ranking(self, info: QueryInfo, k: int, allowed: np.ndarray | None) -> list[int]:
        scores = self._lexical_scores(info, info.groups)
        top = top_k(scores, k, allowed)
        if not top:
            return []
        head = top[:RERANK_DEPTH]
        best = scores[head[0]]
        weight = sum(g.weight for g in info.groups) or 1.0
        local = {i: self._best_sentence(i, info.groups) / weight for i in head}
        head.sort(key=lambda i: -((1 - SENTENCE_WEIGHT) * scores[i] / best + SENTENCE_WEIGHT * local[i]))
        return head + top[RERANK_DEPTH:]

    def _best_sentence(self, i: int, groups) -> float:
        """Weight of the question's groups found together in one sentence of passage i."""
        if i not in self._sentences:
            text = self.index.chunks[i].text
            self._sentences[i] = [normalize(text[s:e]) for s, e in sentences(text)]
        return max((sum(g.weight for g in groups if any(t.split(" ")[0] in x for t, _ in g.alternatives)) for x in self._sentences[i]), default=0.0)

    def _dense_search(self, text: str, k: int, allowed: np.ndarray | None):
        if self.index.dense is None or self.index.embedder is None:
            return None
        try:
            vector = self.index.embedder.embed_query(text)
        except ModelUnavailable as e:
            if not self._dense_warned:
                print(f"warning: dense channel off for this session: {e}", file=sys.stderr)
                self._dense_warned = True
            self.index.embedder = None
            return None
        ids = None if allowed is None else np.flatnonzero(allowed)
        return self.index.dense.search(vector, k, ids)
