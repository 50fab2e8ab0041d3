"""Records of a JSON Lines file read on demand: a NumPy array of line offsets beside the file, the
file memory-mapped, a line decoded when it is asked for. Opening a million passages costs nothing;
a query decodes the few it shows. Thread-safe (read-only maps, a locked cache)."""

from __future__ import annotations

import json
import mmap
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np


def offsets_path(path: Path) -> Path:
    return path.with_name(path.stem + ".offsets.npy")


class JsonLinesWriter:
    """Writes records one per line (UTF-8, real characters) and their byte offsets."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file = self.path.open("wb")
        self._offsets = [0]

    def write(self, record: dict) -> None:
        self.write_lines([encode(record)])

    def write_lines(self, lines: list[bytes]) -> None:
        """Lines already encoded (each ending in a newline), e.g. by a worker process."""
        for line in lines:
            self._file.write(line)
            self._offsets.append(self._offsets[-1] + len(line))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def close(self) -> None:
        self._file.close()
        np.save(offsets_path(self.path), np.asarray(self._offsets, dtype=np.int64), allow_pickle=False)


def encode(record) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


class JsonLines(Sequence):
    """The records of a JSON Lines file as a read-only sequence of decode(dict) values."""

    def __init__(self, path: Path, decode: Callable[[dict], object], cache: int = 1024):
        self.path = Path(path)
        self._offsets = np.load(offsets_path(self.path), mmap_mode="r", allow_pickle=False).view(np.ndarray)
        size = self.path.stat().st_size
        if int(self._offsets[-1]) != size:
            raise ValueError(f"{self.path} holds {size} bytes but its offsets end at {int(self._offsets[-1])}")
        self._map = None
        if size:
            with self.path.open("rb") as f:
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._decode = decode
        self._cached = lru_cache(maxsize=cache)(self._read)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _read(self, i: int):
        line = self._map[int(self._offsets[i]):int(self._offsets[i + 1])]
        try:
            return self._decode(json.loads(line))
        except (ValueError, TypeError, KeyError) as e:
            from rag.errors import IndexProblem

            raise IndexProblem(f"line {i + 1} of {self.path} is damaged ({e}); run `rag index` to repair the index") from None

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"row {i} of {n}")
        return self._cached(i)

    def __iter__(self) -> Iterator:
        # a full pass decodes every line once without flooding the cache
        for i in range(len(self)):
            yield self._read(i)


class KeyedTable(Mapping):
    """A read-only mapping stored as sorted keys (rag.postings.Vocabulary) beside JSON Lines of
    the values in the same order: a lookup is a binary search and one decoded line, and opening
    it reads nothing, however large it is."""

    def __init__(self, directory: Path, name: str):
        from rag.postings import Vocabulary

        self._keys = Vocabulary.load(directory, name)
        self._values = JsonLines(Path(directory) / f"{name}.jsonl", lambda v: v, cache=1024)
        if len(self._keys) != len(self._values):
            raise ValueError(f"{name} in {directory}: {len(self._keys)} keys but {len(self._values)} values")

    @staticmethod
    def write(directory: Path, name: str, table: dict) -> None:
        from rag.postings import write_keys

        keys = sorted(table, key=lambda k: k.encode("utf-8"))
        write_keys(directory, name, [k.encode("utf-8") for k in keys])
        values = JsonLinesWriter(Path(directory) / f"{name}.jsonl")
        values.write_lines([encode(table[k]) for k in keys])
        values.close()

    def __getitem__(self, key):
        i = self._keys.get(key) if isinstance(key, str) else None
        if i is None:
            raise KeyError(key)
        return self._values[i]

    def __contains__(self, key) -> bool:
        return key in self._keys

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
