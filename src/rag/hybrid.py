"""Hybrid retrieval: each channel ranks passages, reciprocal rank fusion merges the rankings.

Fusion sees channels only through rag.channels' interface, so the local channels and a Qdrant
backend's fuse alike."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.channels import Filters
from rag.errors import InputError
from rag.query import QueryInfo, analyze, validate_query
from rag.types import Hit


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
    """search(query, k) -> list[Hit] over an opened index (see store.open_index), fusing the
    channels its backend provides."""

    def __init__(self, index, config):
        self.index = index
        self.config = config
        self._channels = index.backend.channels(index, config)
        self._names = frozenset().union(*(getattr(index, "entities", {}) or {}).values())

    @property
    def channels(self) -> tuple[str, ...]:
        out = ["lexical"]
        if self.index.translator is not None:
            out.append("crosslingual")
        out.extend(c.name for c in self._channels if c.name != "lexical" and c.available)
        return tuple(out)

    def analyze(self, query: str) -> QueryInfo:
        return analyze(validate_query(query), self.index.translator, self.index.lexical, self._names)

    def prepare(self, queries: list[str]) -> None:
        """Work that batches well done ahead for queries about to be searched (their dense
        embeddings): an evaluation calls this with its questions."""
        for channel in self._channels:
            if hasattr(channel, "vectors"):
                channel.vectors.prepare(queries)

    def filters(self, doc: str | None = None, year: int | str | None = None) -> Filters | None:
        """The 文号 and year filters, checked against the index, or None when there is none."""
        if doc is None and year is None:
            return None
        doc_id = self.index.resolve_doc(doc) if doc is not None else None
        y = None
        if year is not None:
            try:
                y = str(int(str(year).strip()))
            except ValueError:
                raise InputError(f"the year must be a year like 2023, got {year!r}") from None
            years = self.index.years()
            if y not in years:
                raise InputError(f"no document in the index is from {y}; years present: {', '.join(years) or 'none'}")
        return Filters(doc_id, y, self.index.mask(doc_id, y))

    def mask(self, doc: str | None = None, year: int | str | None = None) -> np.ndarray | None:
        """Passages allowed by the 文号 and year filters, or None when there is no filter."""
        filters = self.filters(doc, year)
        return None if filters is None else filters.mask

    def search(self, query: str | QueryInfo, k: int = 5, doc: str | None = None, year=None, champions: int = 0) -> list[Hit]:
        """Top k passages by fused rank. champions > 0 also appends each channel's own top
        passages when fusion left them out: a channel's best evidence is never outvoted away."""
        if not isinstance(k, int) or k < 1:
            raise InputError(f"k must be a positive whole number, got {k!r}")
        info = query if isinstance(query, QueryInfo) else self.analyze(query)
        if doc is None and len(info.doc_numbers) == 1 and info.doc_numbers[0] in self.index.doc_ids:
            doc = info.doc_numbers[0]  # a question that names a 文号 is about that reply
        filters = self.filters(doc, year)
        # Candidates per channel do not depend on k below 10, so asking for 8 or 10 passages
        # ranks the first 8 identically.
        fetch = max(k, 10) * self.config.fetch_factor
        rankings: dict[str, list[int]] = {}
        for channel in self._channels:
            if channel.available:
                hits = channel.search(info, fetch, filters)
                if hits or channel.name == "lexical":
                    rankings[channel.name] = [h.row for h in hits]
        everything = rrf(rankings, self.config.rrf_k)
        if filters is not None and filters.doc_id is not None:
            # A question about one reply gets that reply's passages even when no term matches
            # ("Who is it addressed to?"): in reading order, after everything the channels found.
            found = {i for r in rankings.values() for i in r}
            rankings["order"] = [int(i) for i in filters.rows() if i not in found]
            everything += [(i, 0.0, {"order": n}) for n, i in enumerate(rankings["order"], start=1)]
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
