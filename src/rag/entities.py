"""Names of people, organisations and places found in the passages at index time (jieba's
part-of-speech tags nr/nrfg/nrt, nt, ns), so that "who / which body / where" questions can mark them.

The words are the passages' own tokens, taken as the segmenter cut them (its search mode also
emits the pieces of long words — 上海 of 上海市 — which are left out). A word in jieba's dictionary
has the dictionary's tag; a word it does not know is new (李琛浩, 卡万) and gets the tagger's guess,
computed once per distinct word, not once per occurrence: tagging every passage's text cost 4–7 ms
a passage, more than all other indexing together. Queries only look the words up."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

FILENAME = "entities.json"
VERSION = 2  # 2: common dictionary words (城市, 古老) are no names
TAGS = {"nr": "person", "nrfg": "person", "nrt": "person", "nt": "org", "ns": "place"}
KINDS = ("person", "org", "place")
GUESS_CACHE = 200_000  # new words whose guessed tag is kept


def empty() -> dict[str, set[str]]:
    return {k: set() for k in KINDS}


def whole_words(tokens: list[str]) -> list[str]:
    """The tokens of one passage without the pieces search mode adds before a long word
    (上海 and 海市 before 上海市): a piece is shorter than, and inside, the word that follows it."""
    out, container = [], None
    for tok in reversed(tokens):
        if container is not None and len(tok) < len(container) and tok in container:
            continue
        out.append(tok)
        container = tok
    return out


@lru_cache(maxsize=1)
def _tagger():
    import logging

    import jieba
    import jieba.posseg as posseg

    from rag.cache import prepare_jieba

    jieba.setLogLevel(logging.WARNING)
    prepare_jieba()
    jieba.initialize()  # its dictionary's words and counts: queries segment with rjieba, builds tag with jieba
    return posseg.dt


@lru_cache(maxsize=GUESS_CACHE)
def _guess(word: str) -> str | None:
    """The tagger's tag for a word its dictionary lacks, when it takes the word whole."""
    pairs = list(_tagger()._POSTokenizer__cut_detail(word))
    return pairs[0].flag if len(pairs) == 1 else None


def tag_words(words: Iterable[str], found: dict[str, set[str]]) -> None:
    """Add the names among words (distinct whole words of the passages) to found."""
    tagger = _tagger()
    tagger.makesure_userdict_loaded()
    known_words = tagger.tokenizer.FREQ
    for word in words:
        if len(word) < 2 or word.isascii():
            continue
        tag = tagger.word_tag_tab.get(word)
        if tag is None and not known_words.get(word):
            tag = _guess(word)
        kind = TAGS.get(tag)
        if kind:
            found[kind].add(word)


def drop_common(found: dict[str, set[str]], common: frozenset[str]) -> None:
    """Remove the tagger's names that a dictionary knows only as common words: jieba's dictionary
    tags 城市 and 中东 alike as places, 古老 and 诸如 as people; CC-CEDICT glosses 中东 "Middle East"
    but 城市 "city", and a question naming a city has not named a place the evidence must hold."""
    for kind in KINDS:
        found[kind] -= common


def save(entities: dict, index_dir: Path) -> None:
    data = {k: sorted(v) for k, v in entities.items()}
    (Path(index_dir) / FILENAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load(index_dir: Path) -> dict[str, frozenset[str]]:
    path = Path(index_dir) / FILENAME
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {k: frozenset(data.get(k, ())) for k in KINDS}
