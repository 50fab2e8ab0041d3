"""The lexical channel on the local index: word BM25 plus character-pair BM25, each scaled by its
best score, then the first passages re-ordered by how much of the question their best sentence
holds (questions usually restate one sentence); the weights are Config's bigram_weight,
rerank_depth and sentence_weight. English questions reach it through the dictionary: their term
groups hold the Chinese alternatives (rag.crosslingual), so the cross-lingual expansion is
scored here too, each English word by its best Chinese alternative."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from rag.channels.base import ChannelHit, Filters
from rag.lexical import top_k
from rag.text import normalize, sentences

SENTENCE_CACHE = 4096  # passages whose sentences are kept split (bounded: a server sees many)


def scaled(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


class SentenceReranker:
    """Re-orders a channel's head by the weight of the question's groups found together in one
    sentence of each passage. text(row) gives a passage's text."""

    def __init__(self, text, depth: int = 20, weight: float = 0.4):
        self._text = text
        self.depth, self.weight = depth, weight
        self._split = lru_cache(maxsize=SENTENCE_CACHE)(self._sentences)

    def _sentences(self, row: int) -> tuple[str, ...]:
        text = self._text(row)
        return tuple(normalize(text[s:e]) for s, e in sentences(text))

    def best_sentence(self, row: int, keys: list[tuple[float, tuple[str, ...]]]) -> float:
        """keys: (group weight, the first word of each alternative) per query group."""
        return max((sum(w for w, words in keys if any(t in x for t in words)) for x in self._split(row)), default=0.0)

    def rerank(self, ranked: list[int], score, groups) -> list[int]:
        """ranked: rows best first; score(row): the channel's score, the first row's the best."""
        if not ranked:
            return ranked
        head = ranked[:self.depth]
        best = score(head[0])
        weight = sum(g.weight for g in groups) or 1.0
        keys = [(g.weight, tuple(dict.fromkeys(t.split(" ")[0] for t, _ in g.alternatives))) for g in groups]
        local = {i: self.best_sentence(i, keys) / weight for i in head}
        head.sort(key=lambda i: -((1 - self.weight) * score(i) / best + self.weight * local[i]))
        return head + ranked[self.depth:]


class LexicalChannel:
    """BM25 over the opened index's word and character-pair postings."""

    name = "lexical"
    available = True

    def __init__(self, index, config):
        self.index = index
        self.bigram_weight = config.bigram_weight
        self._reranker = SentenceReranker(lambda row: index.chunks[row].text, config.rerank_depth, config.sentence_weight)

    def scores(self, query) -> np.ndarray:
        scores = scaled(self.index.lexical.score(list(query.groups)))
        if self.index.bigrams is not None and query.bigram_groups:
            scores = scores + self.bigram_weight * scaled(self.index.bigrams.score(list(query.bigram_groups)))
        return scores

    def search(self, query, k: int, filters: Filters | None = None) -> list[ChannelHit]:
        scores = self.scores(query)
        ranked = self._reranker.rerank(top_k(scores, k, filters.mask if filters else None), lambda i: scores[i], query.groups)
        return [ChannelHit(i, float(scores[i])) for i in ranked]
