"""BM25 postings on disk, written in a stream and read memory-mapped.

    lexical/
      params.json        format, BM25 parameters (Lucene variant, k1 1.5, b 0.75), counts
      vocab.txt          the tokens, sorted by their UTF-8 bytes, one per line; a token's id is its line
      vocab_offsets.npy  byte offset of each line (and the end), for binary search without loading
      indptr.npy         CSC layout: the postings of token t are [indptr[t], indptr[t+1])
      indices.npy        passage rows, ascending within a token
      data.npy           BM25 weight of the token in that passage: idf × tf / (tf + k1 (1 − b + b dl/avgdl))

Nothing is parsed at open: a query touches only the pages of the tokens it uses, so opening a
million-passage index costs the same as a small one. The writer never holds the corpus: each
batch of token counts is appended to spill files, and finish() lays the postings out by token in
one pass over them (a counting sort), so memory stays proportional to the vocabulary.
"""

from __future__ import annotations

import json
import math
import mmap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

FORMAT = 1
K1 = 1.5
B = 0.75
PARAMS = "params.json"
_SPILL_PIECE = 4_000_000  # entries per pass over the spill files (48 MB of arrays)


def _mapped(path: Path) -> np.ndarray:
    """A .npy file memory-mapped, as a plain array: np.memmap's Python-level indexing costs a
    microsecond per access, which binary searches and column lookups pay many times a query."""
    return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)


@dataclass(frozen=True)
class TokenCounts:
    """Token counts of a batch of passages, made where the passages were tokenized: the distinct
    tokens of the batch, then one entry per (passage, token) pair with its count."""

    tokens: tuple[str, ...]
    rows: np.ndarray  # int32, passage number within the batch
    ids: np.ndarray  # int32, index into tokens
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32, tokens per passage (repeats included)

    @classmethod
    def of(cls, token_lists: list[list[str]]) -> TokenCounts:
        lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int32, count=len(token_lists))
        flat = [t for toks in token_lists for t in toks]
        if not flat:
            empty = np.zeros(0, dtype=np.int32)
            return cls((), empty, empty, empty, lengths)
        index: dict[str, int] = {}
        inverse = np.fromiter((index.setdefault(t, len(index)) for t in flat), dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
        pairs, tf = np.unique(rows * len(index) + inverse, return_counts=True)
        return cls(tuple(index), (pairs // len(index)).astype(np.int32), (pairs % len(index)).astype(np.int32), tf.astype(np.int32), lengths)


class Vocabulary:
    """Token → id over the sorted vocab.txt, by binary search on the memory-mapped bytes."""

    LOOKUP_CACHE = 65_536  # tokens whose id is remembered (bounded: queries bring any word)

    def __init__(self, blob, offsets: np.ndarray):
        self._blob = blob
        self._offsets = offsets
        self._n = len(offsets) - 1
        self._find = lru_cache(maxsize=self.LOOKUP_CACHE)(self._search)

    @classmethod
    def load(cls, directory: Path, name: str = "vocab") -> Vocabulary:
        path = Path(directory) / f"{name}.txt"
        offsets = _mapped(Path(directory) / f"{name}_offsets.npy")
        if path.stat().st_size == 0:
            return cls(b"", offsets)
        with path.open("rb") as f:
            blob = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(blob, offsets)

    def _bytes(self, i: int) -> bytes:
        return self._blob[int(self._offsets[i]):int(self._offsets[i + 1]) - 1]

    def get(self, token: str, default=None):
        found = self._find(token)
        return default if found is None else found

    def _search(self, token: str) -> int | None:
        key = token.encode("utf-8")
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if self._bytes(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < self._n and self._bytes(lo) == key else None

    def __contains__(self, token) -> bool:
        return isinstance(token, str) and self.get(token) is not None

    def __getitem__(self, token: str) -> int:
        tid = self.get(token)
        if tid is None:
            raise KeyError(token)
        return tid

    def token(self, i: int) -> str:
        return self._bytes(i).decode("utf-8")

    def __len__(self) -> int:
        return self._n

    def __iter__(self):
        return (self.token(i) for i in range(self._n))


class Postings:
    """A memory-mapped postings directory (see the module docstring)."""

    def __init__(self, directory: Path):
        directory = Path(directory)
        self.params = json.loads((directory / PARAMS).read_text(encoding="utf-8"))
        if self.params.get("format") != FORMAT:
            raise ValueError(f"postings format {self.params.get('format')} is not {FORMAT}")
        self.indptr, self.indices, self.data = (_mapped(directory / name) for name in ("indptr.npy", "indices.npy", "data.npy"))
        self.vocab = Vocabulary.load(directory)
        self.num_docs = int(self.params["num_docs"])
        if len(self.indptr) != len(self.vocab) + 1 or len(self.indices) != len(self.data) or int(self.indptr[-1]) != len(self.indices):
            raise ValueError(f"postings in {directory} do not fit together")

    def df(self, tid: int) -> int:
        return int(self.indptr[tid + 1] - self.indptr[tid])

    def column(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage rows, BM25 weights) of one token."""
        a, b = int(self.indptr[tid]), int(self.indptr[tid + 1])
        return self.indices[a:b], self.data[a:b]


def write_keys(directory: Path, name: str, keys: list[bytes]) -> None:
    """Write keys (UTF-8, already in byte order) as a Vocabulary: name.txt and name_offsets.npy."""
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(k) + 1 for k in keys], out=offsets[1:])
    with (Path(directory) / f"{name}.txt").open("wb") as f:
        for key in keys:
            f.write(key + b"\n")
    np.save(Path(directory) / f"{name}_offsets.npy", offsets, allow_pickle=False)


def idf(df, n: int):
    """Lucene's BM25 IDF, as bm25s and Qdrant's IDF modifier compute it."""
    return np.log(1.0 + (n - df + 0.5) / (df + 0.5)) if isinstance(df, np.ndarray) else math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class PostingsWriter:
    """Collects TokenCounts batch by batch (in passage order) and writes a Postings directory."""

    def __init__(self, workdir: Path):
        self._work = Path(workdir)
        self._work.mkdir(parents=True, exist_ok=True)
        self._ids: dict[str, int] = {}
        self._df = np.zeros(1024, dtype=np.int64)
        self._lengths: list[np.ndarray] = []
        self._rows = 0
        self._nnz = 0
        self._files = {name: (self._work / f"{name}.bin").open("wb") for name in ("rows", "ids", "tf")}

    @property
    def rows(self) -> int:
        return self._rows

    @property
    def nnz(self) -> int:
        return self._nnz

    def add(self, counts: TokenCounts) -> None:
        ids = self._ids
        local = np.fromiter((ids.setdefault(t, len(ids)) for t in counts.tokens), dtype=np.int32, count=len(counts.tokens))
        if len(ids) > len(self._df):
            self._df = np.concatenate([self._df, np.zeros(max(len(ids), 2 * len(self._df)) - len(self._df), dtype=np.int64)])
        global_ids = local[counts.ids] if len(counts.ids) else counts.ids
        self._df[:len(ids)] += np.bincount(global_ids, minlength=len(ids))
        (counts.rows + self._rows).astype(np.int32).tofile(self._files["rows"])
        global_ids.astype(np.int32).tofile(self._files["ids"])
        counts.tf.astype(np.int32).tofile(self._files["tf"])
        self._lengths.append(counts.lengths)
        self._rows += len(counts.lengths)
        self._nnz += len(global_ids)

    def finish(self, out_dir: Path, progress=None) -> dict:
        """Write the postings to out_dir; progress(n) is called as spill entries are laid out."""
        for f in self._files.values():
            f.close()
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        tokens = list(self._ids)
        encoded = [t.encode("utf-8") for t in tokens]
        order = sorted(range(len(tokens)), key=encoded.__getitem__)
        new_id = np.empty(len(tokens), dtype=np.int64)
        new_id[order] = np.arange(len(tokens))
        df = self._df[:len(tokens)][order] if tokens else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        n = self._rows
        lengths = np.maximum(np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int32), 1).astype(np.float64)
        avgdl = float(lengths.mean()) if n else 1.0
        norm = K1 * ((1 - B) + B * lengths / avgdl)
        weights = idf(df.astype(np.float64), n)

        indices = np.lib.format.open_memmap(out_dir / "indices.npy", mode="w+", dtype=np.int32, shape=(self._nnz,))
        data = np.lib.format.open_memmap(out_dir / "data.npy", mode="w+", dtype=np.float32, shape=(self._nnz,))
        cursor = indptr[:-1].copy()
        for start in range(0, self._nnz, _SPILL_PIECE):
            count = min(_SPILL_PIECE, self._nnz - start)
            read = lambda name: np.fromfile(self._work / f"{name}.bin", dtype=np.int32, count=count, offset=4 * start)  # noqa: E731
            rows, tids, tf = read("rows"), new_id[read("ids")], read("tf").astype(np.float64)
            by_token = np.argsort(tids, kind="stable")  # rows stay ascending within a token
            tids, rows, tf = tids[by_token], rows[by_token], tf[by_token]
            first = np.flatnonzero(np.r_[True, tids[1:] != tids[:-1]])
            run = np.repeat(first, np.diff(np.r_[first, len(tids)]))
            pos = cursor[tids] + (np.arange(len(tids)) - run)
            indices[pos] = rows
            data[pos] = (weights[tids] * tf / (tf + norm[rows])).astype(np.float32)
            cursor[tids[first]] += np.diff(np.r_[first, len(tids)])
            if progress is not None:
                progress(count)
        indices.flush()
        data.flush()
        del indices, data
        np.save(out_dir / "indptr.npy", indptr, allow_pickle=False)
        write_keys(out_dir, "vocab", [encoded[i] for i in order])
        params = {"format": FORMAT, "method": "lucene", "k1": K1, "b": B, "num_docs": n, "avg_doc_len": avgdl, "vocab_size": len(tokens), "nnz": self._nnz}
        (out_dir / PARAMS).write_text(json.dumps(params), encoding="utf-8")
        for name in self._files:
            (self._work / f"{name}.bin").unlink(missing_ok=True)
        return params

    def close(self) -> None:
        """Drop the spill files (a build that failed or was interrupted)."""
        for name, f in self._files.items():
            f.close()
            (self._work / f"{name}.bin").unlink(missing_ok=True)
