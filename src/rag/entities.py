"""Names of people, organisations and places found in the passages at index time (jieba's
part-of-speech tags nr/nrfg/nrt, nt, ns), so that "who / which body / where" questions can mark them.

Tagging runs once per index build, in the build's worker processes; queries only look the words up."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

FILENAME = "entities.json"
TAGS = {"nr": "person", "nrfg": "person", "nrt": "person", "nt": "org", "ns": "place"}
KINDS = ("person", "org", "place")
BLOCK_CACHE = 50_000  # tagged runs of text kept: boilerplate, names and numbers recur across replies


@lru_cache(maxsize=1)
def _tagger():
    """jieba's tagger, remembering each run of text it has tagged. A run (characters between
    punctuation) is tagged from its own characters only, so a remembered result is exact."""
    import logging

    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(logging.WARNING)

    class RememberingTagger(posseg.POSTokenizer):
        def __init__(self, base):  # share the default tagger's dictionary and tags: no reload
            self.tokenizer = base.tokenizer
            self.word_tag_tab = base.word_tag_tab
            self._block = lru_cache(maxsize=BLOCK_CACHE)(self._tag_block)

        def _tag_block(self, block: str, _dictionary_size: float) -> tuple:
            return tuple((p.word, p.flag) for p in posseg.POSTokenizer._POSTokenizer__cut_DAG(self, block))

        def _POSTokenizer__cut_DAG(self, block):  # keyed by the dictionary's size: added words re-tag
            return (posseg.pair(w, f) for w, f in self._block(block, self.tokenizer.total))

    return RememberingTagger(posseg.dt)


def empty() -> dict[str, set[str]]:
    return {k: set() for k in KINDS}


def tag(texts, found: dict[str, set[str]]) -> None:
    """Add the names in texts to found ({"person": set, "org": set, "place": set})."""
    tagger = _tagger()
    for text in texts:
        for word, flag in tagger.cut(text):
            kind = TAGS.get(flag)
            # the dictionary's own tag overrides a guess (养老 is not a name); words it does not
            # know are new names (李琛浩, 卡万)
            if kind and len(word) >= 2 and not word.isascii():
                known = tagger.word_tag_tab.get(word)
                if known is None or TAGS.get(known) == kind:
                    found[kind].add(word)


def extract(texts: list[str], known_people=()) -> dict[str, list[str]]:
    """{"person": […], "org": […], "place": […]}: words of two or more characters, sorted."""
    found = empty()
    found["person"].update(w for w in known_people if len(w) >= 2)
    tag(texts, found)
    return {k: sorted(v) for k, v in found.items()}


def save(entities: dict, index_dir: Path) -> None:
    data = {k: sorted(v) for k, v in entities.items()}
    (Path(index_dir) / FILENAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load(index_dir: Path) -> dict[str, frozenset[str]]:
    path = Path(index_dir) / FILENAME
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {k: frozenset(data.get(k, ())) for k in KINDS}
