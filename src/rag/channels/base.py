"""What every channel takes and returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from rag.query import QueryInfo


@dataclass(frozen=True)
class ChannelHit:
    """One passage a channel found: its row in the index and the channel's own score (scores of
    different channels are not comparable; fusion uses ranks)."""

    row: int
    score: float


@dataclass(frozen=True, eq=False)
class Filters:
    """Which passages a search may return. doc_id and year are what a server-side backend filters
    on (payload fields); mask is the same restriction over the rows of the opened index."""

    doc_id: str | None = None
    year: str | None = None
    mask: np.ndarray | None = None  # bool per row; None: every row

    @property
    def active(self) -> bool:
        return self.doc_id is not None or self.year is not None

    def rows(self) -> np.ndarray | None:
        """The allowed rows, ascending, or None when nothing is filtered."""
        return None if self.mask is None else np.flatnonzero(self.mask)


class Channel(Protocol):
    """A ranking of passages for a query."""

    name: str

    @property
    def available(self) -> bool:
        """False once the channel cannot serve (e.g. its model failed to load)."""

    def search(self, query: QueryInfo, k: int, filters: Filters | None = None) -> list[ChannelHit]:
        """At most k passages for the analysed query, best first, all allowed by filters."""
