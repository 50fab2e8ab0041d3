"""Names of people, organisations and places found in the passages at index time (jieba's
part-of-speech tags nr/nt/ns), so that "who / which body / where" questions can mark them.

Tagging runs once per index build; queries only look the words up."""

from __future__ import annotations

import json
from pathlib import Path

FILENAME = "entities.json"
TAGS = {"nr": "person", "nrfg": "person", "nrt": "person", "nt": "org", "ns": "place"}
KINDS = ("person", "org", "place")


def extract(texts: list[str], known_people=()) -> dict[str, list[str]]:
    """{"person": […], "org": […], "place": […]}: words of two or more characters, sorted."""
    import logging

    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(logging.WARNING)
    found: dict[str, set[str]] = {k: set() for k in KINDS}
    found["person"].update(w for w in known_people if len(w) >= 2)
    tagger = posseg.dt
    for text in texts:
        for word, flag in tagger.cut(text):
            kind = TAGS.get(flag)
            # the dictionary's own tag overrides a guess (养老 is not a name); words it does not
            # know are new names (李琛浩, 卡万)
            known = tagger.word_tag_tab.get(word)
            if kind and len(word) >= 2 and not word.isascii() and (known is None or TAGS.get(known) == kind):
                found[kind].add(word)
    return {k: sorted(v) for k, v in found.items()}


def save(entities: dict[str, list[str]], index_dir: Path) -> None:
    (Path(index_dir) / FILENAME).write_text(json.dumps(entities, ensure_ascii=False), encoding="utf-8")


def load(index_dir: Path) -> dict[str, frozenset[str]]:
    path = Path(index_dir) / FILENAME
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {k: frozenset(data.get(k, ())) for k in KINDS}
