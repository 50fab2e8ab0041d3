"""`rag status`: what is indexed, which channels serve queries, and whether the model is there."""

from __future__ import annotations

from pathlib import Path

from rag import __version__
from rag.config import Config
from rag.errors import CorpusError, IndexProblem


def collect_status(config: Config) -> dict:
    from rag.embedding import locate_model
    from rag.loader import corpus_files
    from rag.store import SCHEMA_VERSION, fingerprint, read_manifest

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
    if manifest is None:
        data["index"] = None
        data["channels"] = []
    else:
        dense = manifest.get("dense", {})
        stale = None
        if "corpus_error" not in data:
            stale = manifest.get("fingerprint") != fingerprint(config.corpus_dir)
        data["index"] = {
            "built_at": manifest.get("built_at"),
            "schema_version": manifest.get("schema_version"),
            "schema_ok": manifest.get("schema_version") == SCHEMA_VERSION,
            "documents": manifest["counts"]["documents"],
            "chunks": manifest["counts"]["chunks"],
            "vocabulary": manifest["counts"].get("vocabulary"),
            "corpus_hash": manifest.get("corpus_hash"),
            "stale": stale,
            "chunk_size": manifest["settings"]["chunk_size"],
            "doc_numbers": [d["doc_id"] for d in manifest.get("documents", [])],
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
    if idx is None:
        lines.append(f"index    {data['index_dir']}: " + (data.get("index_error") or "not built yet — run `rag index` (or just ask: it builds on first use)"))
    else:
        state = "stale — run `rag index`" if idx["stale"] else "up to date" if idx["stale"] is False else "corpus not found"
        if not idx["schema_ok"]:
            state = "built by another version — run `rag index --force`"
        lines.append(f"index    {data['index_dir']}: {idx['documents']} documents, {idx['chunks']} passages, built {idx['built_at']} ({state})")
        lines.append(f"         documents: {'、'.join(idx['doc_numbers'])}")
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
