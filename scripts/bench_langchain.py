"""rag beside LangChain on the same passages, in the same run: query time and gold recall@5.

    pip install -e '.[bench]'
    python scripts/bench_langchain.py --index /tmp/idx-100k --corpus /tmp/corpus-100k

Systems, all over the passages of the given (already built) index, as rag indexes them (heading
path + text), with the same tokenizer (rag's jieba words) and, for the hybrids, the same embedder:
  rag lexical          rag's lexical channels (BM25 words + character pairs, English via the dictionary)
  LangChain BM25       BM25Retriever (rank_bm25)
  rag hybrid           rag's lexical channels + dense channel, RRF
  LangChain ensemble   EnsembleRetriever(BM25Retriever, FAISS retriever), RRF
No multilingual model can be loaded on this machine, so the hybrids embed with a deterministic
hashing embedder (character pairs hashed into 256 dimensions) — the same vectors for both; it
measures the cost of the pipelines, not the quality of a model. rag's hybrid index is built into
INDEX-hash (once; reused).

Questions: evals/qa.jsonl (106; recall over the 92 answerable, whose gold reply is among all the
passages). Each system answers every question once after a warm-up pass on evals/heldout.jsonl;
per-query wall and CPU time, p50 and p90.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rag.embedding import Embedder, normalize_rows  # noqa: E402

DIM = 256


class HashEmbedder(Embedder):
    """Character pairs hashed into DIM dimensions, normalised: deterministic and fast, no model."""

    model_id = "bench/hash-pairs-256"

    @property
    def dimension(self) -> int:
        return DIM

    def embed_batch(self, texts, kind):
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(len(text) - 1):
                out[row, int.from_bytes(hashlib.blake2b(text[i:i + 2].encode(), digest_size=4).digest(), "little") % DIM] += 1.0
        out[:, 0] += 1e-3
        return normalize_rows(out)


def langchain_embeddings(embedder: HashEmbedder):
    """The same embedder behind LangChain's Embeddings interface."""
    from langchain_core.embeddings import Embeddings

    class Adapter(Embeddings):
        def embed_documents(self, texts):
            return embedder.embed_batch(list(texts), "document").tolist()

        def embed_query(self, text):
            return embedder.embed_query(text).tolist()

    return Adapter()


def timed(fn, questions):
    wall, cpu, results = [], [], []
    for q in questions:
        w, c = time.perf_counter(), time.thread_time()
        results.append(fn(q))
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return results, wall, cpu


def stats(values):
    values = sorted(values)
    return {"p50_ms": round(1000 * statistics.median(values), 2), "p90_ms": round(1000 * values[int(0.9 * (len(values) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--skip-hybrid", action="store_true")
    parser.add_argument("--skip-lexical", action="store_true", help="only the hybrids (LangChain's BM25 is still built, for its ensemble)")
    args = parser.parse_args()

    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_community.vectorstores.utils import DistanceStrategy

    from rag.build import build_index
    from rag.config import Config
    from rag.engine import Engine
    from rag.text import tokenize

    gold = [json.loads(line) for line in (ROOT / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    warm = [json.loads(line)["question"] for line in (ROOT / "evals" / "heldout.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [g["question"] for g in gold]
    config = Config(corpus_dir=str(args.corpus), index_dir=str(args.index), model=None)
    lexical = Engine(config, build=False, log=lambda m: None)
    chunks = list(lexical.index.chunks)
    texts = [c.indexed_text for c in chunks]
    metadatas = [{"doc_id": c.doc_id} for c in chunks]
    out = {"passages": len(texts), "questions": len(questions), "k": args.k, "systems": {}}

    def recall(doc_lists):
        answerable = [(g, d) for g, d in zip(gold, doc_lists) if g.get("doc_numbers")]
        return round(sum(any(x in g["doc_numbers"] for x in d[:args.k]) for g, d in answerable) / len(answerable), 3)

    def run(name, search, built_s):
        for q in warm:
            search(q)
        docs, wall, cpu = timed(search, questions)
        out["systems"][name] = {"build_s": round(built_s, 1), "query_wall": stats(wall), "query_cpu": stats(cpu), "recall@5": recall(docs)}
        print(name, json.dumps(out["systems"][name]), file=sys.stderr)

    if not args.skip_lexical:
        run("rag lexical", lambda q: [h.chunk.doc_id for h in lexical.search(q, k=args.k).hits], 0.0)
    started = time.perf_counter()
    bm25 = BM25Retriever.from_texts(texts, metadatas=metadatas, preprocess_func=tokenize, k=args.k)
    if not args.skip_lexical:
        run("LangChain BM25", lambda q: [d.metadata["doc_id"] for d in bm25.invoke(q)], time.perf_counter() - started)

    if not args.skip_hybrid:
        embedder = HashEmbedder()
        hybrid_config = Config(corpus_dir=str(args.corpus), index_dir=f"{args.index}-hash", model=embedder.model_id)
        started = time.perf_counter()
        build_index(hybrid_config, embedder=embedder)
        hybrid = Engine(hybrid_config, embedder=embedder, build=False, log=lambda m: None)
        run("rag hybrid", lambda q: [h.chunk.doc_id for h in hybrid.search(q, k=args.k).hits], time.perf_counter() - started)
        vectors = np.load(Path(hybrid_config.index_dir) / "embeddings.npy")
        started = time.perf_counter()
        store = FAISS.from_embeddings(list(zip(texts, vectors.tolist())), langchain_embeddings(embedder), metadatas=metadatas, distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
        ensemble = EnsembleRetriever(retrievers=[bm25, store.as_retriever(search_kwargs={"k": args.k})], weights=[0.5, 0.5])
        run("LangChain ensemble", lambda q: [d.metadata["doc_id"] for d in ensemble.invoke(q)[:args.k]], time.perf_counter() - started)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
