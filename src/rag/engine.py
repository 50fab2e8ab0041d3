"""The one entry point the CLI, the web app and the evaluations share."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rag.answer import Composer
from rag.answer.intent import PLAN
from rag.answer.metadata import named_replies, reply_by_title
from rag.config import Config
from rag.hybrid import Retriever
from rag.query import QueryInfo
from rag.store import open_index
from rag.types import Answer, Hit

ASK_K = 8  # passages an answer draws on
SEVERAL_K = 30  # … when the question asks which replies say something: enough to reach each of them
CHAMPIONS = 2  # … plus each channel's own top passages, should fusion leave them out


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    channels: tuple[str, ...]
    notices: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "hits": [h.to_dict() for h in self.hits],
            "channels": list(self.channels),
            "notices": list(self.notices),
        }


class Engine:
    """Opens (and if needed builds) the index once; answers search and ask requests."""

    def __init__(self, config: Config | None = None, embedder=None, build: bool = True, progress: bool = False, log=None):
        self.config = config or Config.load()
        kwargs = {"log": log} if log is not None else {}
        self.index = open_index(self.config, embedder=embedder, build=build, progress=progress, **kwargs)
        self.retriever = Retriever(self.index, self.config)
        self.composer = Composer(self.index, config=self.config)

    @property
    def notices(self) -> tuple[str, ...]:
        return tuple(self.index.notices)

    def _channels(self, info: QueryInfo) -> tuple[str, ...]:
        used = ["lexical"]
        if info.translated:
            used.append("crosslingual")
        if self.index.embedder is not None and self.index.dense is not None:
            used.append("dense")
        return tuple(used)

    def search(self, query: str, k: int = 5, doc: str | None = None, year=None) -> SearchResult:
        info = self.retriever.analyze(query)
        hits = self.retriever.search(info, k, doc=doc, year=year)
        return SearchResult(info.text, tuple(hits), self._channels(info), self.notices)

    def ask(self, question: str, doc: str | None = None, year=None, k: int = ASK_K) -> Answer:
        info = self.retriever.analyze(question)
        return self.answer_from(info, self.passages(info, doc=doc, year=year, k=k), scoped=doc is not None)

    def passages(self, info: QueryInfo, doc: str | None = None, year=None, k: int = ASK_K) -> list[Hit]:
        """The passages an answer to the analysed question draws on."""
        k = max(k, SEVERAL_K) if info.intent.several else k
        if doc is None and not info.intent.several:
            named = named_replies(self.index, info)  # "in the reply to proposal 0982 …", "马瑜代表的建议 …"
            if len(named) == 1:
                doc = named[0]
            elif len(named) > 1:  # "李琛浩委员和马瑜代表的答复…": each named reply's own passages
                hits = [h for d in named for h in self.retriever.search(info, k, doc=d, year=year)]
                return [replace(h, rank=r) for r, h in enumerate(sorted(hits, key=lambda h: (h.rank, -h.score)), start=1)]
        hits = self.retriever.search(info, k, doc=doc, year=year, champions=CHAMPIONS)
        if doc is None and info.intent.kind == PLAN and info.concepts and len(self.index.documents) > 1:
            # "提升产业链建设水平，下一步…": what will be done about the subject of one proposal is in that reply
            titled = reply_by_title(self.composer, info, [self.index.document(d) for d in dict.fromkeys(h.chunk.doc_id for h in hits)])
            if titled is not None:
                return self.retriever.search(info, k, doc=titled, year=year, champions=CHAMPIONS)
        return hits

    def answer_from(self, info: QueryInfo, hits, scoped: bool = False) -> Answer:
        """Compose the answer to an analysed question from passages already retrieved."""
        scoped = scoped or any(d in self.index.doc_ids for d in info.doc_numbers)
        return self.composer.compose(info, list(hits), self._channels(info), self.notices, scoped)
