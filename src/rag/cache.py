"""Per-user caches: work that depends only on rag's own data (the inverted dictionary, jieba's
prefix dictionary) is done once per user and version, not once per build or process.

The directory is RAG_CACHE_DIR, else $XDG_CACHE_HOME/rag, else ~/.cache/rag. Nothing here is
shared between OS users: a cache file written by one user in /tmp cannot be replaced by another
(jieba's default), which made every other user's first query print a traceback. A cache that
cannot be written is skipped, never an error: the work is then redone in memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """The user's rag cache directory (not created here)."""
    explicit = os.environ.get("RAG_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "rag"


def writable_dir(name: str) -> Path | None:
    """cache_dir()/name, created if needed; None when it cannot be created or written."""
    path = cache_dir() / name
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, prefix=".probe-")
        probe.close()
    except OSError:
        return None
    return path


def prepare_jieba() -> None:
    """Point jieba's prefix-dictionary cache at this user's cache directory. Must run before the
    segmenter is first used; importing jieba costs a few milliseconds, loading it does not happen."""
    import jieba

    if jieba.dt.initialized or jieba.dt.tmp_dir:
        return
    target = writable_dir("jieba")
    # without a writable cache directory, a private one for this process: jieba logs a traceback
    # when it cannot write its cache
    jieba.dt.tmp_dir = str(target) if target is not None else tempfile.mkdtemp(prefix="rag-jieba-")
