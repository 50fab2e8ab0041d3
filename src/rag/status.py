"""`rag status`: what is indexed, which channels and backend serve queries, whether the index is
intact, and whether the model is there."""

from __future__ import annotations

import json
from pathlib import Path

from rag import __version__
from rag.config import Config
from rag.errors import CorpusError, IndexProblem

SHOWN_DOC_NUMBERS = 50  # in --json; the text lists fewer
SHOWN_IN_TEXT = 5


def _backend(config: Config, manifest: dict | None) -> dict:
    """The backend in use and where it points."""
    if config.backend == "qdrant":
        where = {"url": config.qdrant_url} if config.qdrant_url else {"path": str(Path(config.qdrant_path).expanduser())}
        from rag.backends import collection_name

        out = {"name": "qdrant", **where, "collection": collection_name(config)}
    else:
        out = {"name": "local", "path": str(Path(config.index_dir))}
    built = (manifest or {}).get("backend", {})
    out["index_built_for"] = built.get("name", "local") if manifest else None
    dense = (manifest or {}).get("dense", {})
    out["dense_index"] = dense.get("kind") if dense.get("on") else None
    return out


def collect_status(config: Config) -> dict:
    from rag.embedding import locate_model
    from rag.loader import corpus_files
    from rag.manifest import SCHEMA_VERSION, damage
    from rag.store import fingerprint, read_manifest

    data: dict = {"version": __version__, "corpus_dir": str(Path(config.corpus_dir)), "index_dir": str(Path(config.index_dir))}
    try:
        data["corpus_files"] = len(corpus_files(config.corpus_dir))
    except CorpusError as e:
        data["corpus_files"] = 0
        data["corpus_error"] = str(e)
    try:
        manifest = read_manifest(config.index_dir)
    except IndexProblem as e:
        manifest, data["index_error"] = None, str(e)
    data["backend"] = _backend(config, manifest)
    if manifest is None:
        data["index"] = None
        data["channels"] = []
    else:
        dense = manifest.get("dense", {})
        schema_ok = manifest.get("schema_version") == SCHEMA_VERSION
        stale = None
        if "corpus_error" not in data:
            stale = manifest.get("fingerprint") != fingerprint(config.corpus_dir)
        try:
            ids = json.loads((Path(config.index_dir) / "doc_ids.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            ids = []
        data["index"] = {
            "built_at": manifest.get("built_at"),
            "schema_version": manifest.get("schema_version"),
            "schema_ok": schema_ok,
            "documents": manifest["counts"]["documents"],
            "chunks": manifest["counts"]["chunks"],
            "vocabulary": manifest["counts"].get("vocabulary"),
            "corpus_hash": manifest.get("corpus_hash"),
            "stale": stale,
            "damaged": damage(Path(config.index_dir), manifest) if schema_ok else None,
            "chunk_size": manifest.get("settings", {}).get("chunk_size"),
            "doc_numbers": ids[:SHOWN_DOC_NUMBERS],
            "doc_numbers_truncated": len(ids) > SHOWN_DOC_NUMBERS,
            "skipped": manifest.get("skipped", []),
        }
        data["channels"] = manifest.get("channels", [])
        data["dense"] = {"on": bool(dense.get("on")), "model": dense.get("model"), "dimension": dense.get("dimension"), "reason": dense.get("reason") or None}
    if config.model is None:
        data["model"] = {"id": None, "available": False, "detail": "turned off (RAG_MODEL=none)"}
    else:
        where = locate_model(config.model)
        data["model"] = {"id": config.model, "available": where.available, "source": where.source, "detail": where.reason}
    return data


def format_status(data: dict) -> str:
    lines = [f"rag {data['version']}"]
    lines.append(f"corpus   {data['corpus_dir']}: " + (data.get("corpus_error") or f"{data['corpus_files']} documents"))
    idx = data.get("index")
    backend = data["backend"]
    where = backend.get("url") or backend.get("path")
    extra = f", collection {backend['collection']}" if backend["name"] == "qdrant" else ""
    lines.append(f"backend  {backend['name']}: {where}{extra}" + (f" (dense: {backend['dense_index']})" if backend.get("dense_index") else ""))
    if idx is None:
        lines.append(f"index    {data['index_dir']}: " + (data.get("index_error") or "not built yet — run `rag index` (or just ask: it builds on first use)"))
    else:
        state = "stale — run `rag index`" if idx["stale"] else "up to date" if idx["stale"] is False else "corpus not found"
        if idx["damaged"]:
            state = f"DAMAGED: {idx['damaged']} — run `rag index` to repair it"
        if not idx["schema_ok"]:
            state = "built by another version — run `rag index --force`"
        if idx["schema_ok"] and backend.get("index_built_for") not in (None, backend["name"]):
            state = f"built for the {backend['index_built_for']} backend — run `rag index`"
        lines.append(f"index    {data['index_dir']}: {idx['documents']:,} documents, {idx['chunks']:,} passages, built {idx['built_at']} ({state})")
        shown = idx["doc_numbers"][:SHOWN_IN_TEXT]
        more = f" … ({idx['documents']:,} in all)" if idx["documents"] > len(shown) else ""
        lines.append(f"         documents: {'、'.join(shown)}{more}")
        for skipped in idx["skipped"][:3]:
            lines.append(f"         skipped: {skipped}")
        lines.append(f"channels {', '.join(data['channels'])}")
        dense = data["dense"]
        if dense["on"]:
            lines.append(f"dense    on: {dense['model']} ({dense['dimension']} dimensions)")
        else:
            lines.append(f"dense    OFF: {dense['reason'] or 'not built'}")
    m = data["model"]
    lines.append(f"model    {m['id'] or 'none'}: {'available' if m['available'] else 'NOT available'} — {m['detail']}")
    if not m["available"] and m["id"]:
        lines.append("         Without it, search and answers use the lexical channels (BM25 + English→Chinese dictionary).")
        lines.append("         To enable it: download the model elsewhere and set RAG_MODEL=/path/to/model, then run `rag index`.")
    return "\n".join(lines)
