"""The manifest of an index and the integrity of the files it lists.

The manifest records every data file's size and SHA-1. Opening an index compares sizes (a stat per
file: cheap at any size), which catches the damage seen in practice — truncated or missing files,
a deleted folder, a file left half-written. `rag index` also compares hashes. A damaged or partial
index is rebuilt with a notice, never served and never reported "up to date".
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from rag.errors import IndexProblem

SCHEMA_VERSION = 6  # 6: headers.json
MANIFEST = "manifest.json"
LOCK = ".lock"
BUILDING = ".building"
_HASH_BLOCK = 1 << 20
# Every entry any version of rag writes at the top of an index directory (manifest aside).
INDEX_ENTRIES = frozenset("""documents.jsonl documents.offsets.npy chunks.jsonl chunks.offsets.npy doc_ids.json doc_chunks.npy
    doc_years.npy chunk_docs.npy user_words.json sources.jsonl lexical lexical_bigrams crosslingual crosslingual.json entities.json
    dense.faiss embeddings.npy embedding_keys.json""".split())


def read_manifest(index_dir: str | Path) -> dict | None:
    """The manifest, None when there is none; IndexProblem when it is damaged."""
    path = Path(index_dir) / MANIFEST
    data, problem = _load(path)
    if problem:
        raise IndexProblem(f"{path} is damaged ({problem}); run `rag index` to rebuild the index")
    return data


def _load(path: Path) -> tuple[dict | None, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError) as e:
        return None, f"cannot be read: {e}"
    if isinstance(data, dict) and isinstance(data.get("counts"), dict) and data.get("schema_version") != SCHEMA_VERSION:
        return data, ""  # another version's: said as such, not as damage
    if not isinstance(data, dict) or not isinstance(data.get("counts"), dict) or not isinstance(data.get("files"), dict):
        return None, "not an index manifest"
    return data, ""


def write_manifest(directory: Path, manifest: dict) -> None:
    (Path(directory) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def sha1_of(path: Path) -> str:
    h = hashlib.sha1()
    with path.open("rb") as f:
        while block := f.read(_HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def data_files(directory: Path) -> list[str]:
    """Every file of a built index below directory, as relative paths (the manifest excepted)."""
    directory = Path(directory)
    out = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            rel = str((Path(root) / name).relative_to(directory))
            if rel != MANIFEST and not name.startswith("."):
                out.append(rel)
    return out


def file_table(directory: Path, progress=None) -> dict[str, dict]:
    """{relative path: {"size": bytes, "sha1": hex}} for the index's data files."""
    table = {}
    for rel in data_files(directory):
        path = Path(directory) / rel
        table[rel] = {"size": path.stat().st_size, "sha1": sha1_of(path)}
        if progress is not None:
            progress(table[rel]["size"])
    return table


def damage(index_dir: Path, manifest: dict, full: bool = False) -> str | None:
    """What is wrong with the index's files, in words, or None. full: compare hashes too."""
    index_dir = Path(index_dir)
    for rel, meta in sorted(manifest.get("files", {}).items()):
        path = index_dir / rel
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return f"{rel} is missing"
        except OSError as e:
            return f"{rel} cannot be read ({e.strerror or e})"
        if size != meta.get("size"):
            return f"{rel} has {size:,} bytes, {meta.get('size', 0):,} expected"
        if not os.access(path, os.R_OK):
            return f"{rel} cannot be read (permission denied)"
        if full:
            try:
                digest = sha1_of(path)
            except OSError as e:
                return f"{rel} cannot be read ({e.strerror or e})"
            if digest != meta.get("sha1"):
                return f"{rel} has changed since it was written"
    return None


def inspect(index_dir: Path, full: bool) -> tuple[dict | None, str]:
    """(manifest, what is wrong) of the index in index_dir: (None, "") when there is none,
    (None, reason) when it cannot be used. full: compare hashes, not only sizes."""
    index_dir = Path(index_dir)
    manifest, problem = _load(index_dir / MANIFEST)
    if problem:
        return None, f"is damaged ({MANIFEST} {problem})"
    if manifest is None:
        leftovers = index_dir.is_dir() and any(p.name in INDEX_ENTRIES for p in index_dir.iterdir())
        return None, ("is incomplete (manifest.json is missing)" if leftovers else "")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        return None, f"was built by another version of rag (schema version {manifest.get('schema_version')}; this version reads {SCHEMA_VERSION})"
    problem = damage(index_dir, manifest, full=full)
    return (None, f"is damaged ({problem})") if problem else (manifest, "")
