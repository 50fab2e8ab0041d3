"""Time rag at scale: build, cold start, warm search and ask, on a corpus (scripts/make_corpus.py).

    python scripts/bench_scale.py build --corpus /tmp/corpus-100k --index /tmp/idx-100k
    python scripts/bench_scale.py query --corpus /tmp/corpus-100k --index /tmp/idx-100k

build   `rag index --force` in a fresh process: wall time, CPU time (the process and its workers),
        peak resident memory of the whole process tree (sampled every 0.2 s), the build's stages.
query   cold start: `rag ask` in a fresh process, the index built (median of --runs);
        warm: one engine, every gold question (evals/qa.jsonl, 106, Chinese and English) searched
        and asked once after a warm-up pass over other questions (evals/heldout.jsonl, final.jsonl)
        — p50/p90 of wall and CPU time per call; the gold
        reply's recall@5 among all passages; the headline answer (453 家, 沪科提复〔2023〕50号).

Lexical mode (RAG_MODEL=none) unless --model is given. Prints one JSON object per command; medians
of several runs, as the machine is shared and timings are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADLINE = "How many foreign R&D centres are there?"


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return total


def _run(args: list[str], env: dict) -> dict:
    """Run a command; wall, CPU (with its children) and peak tree RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed: {err.decode()[-2000:]}")
    return {"wall": wall, "cpu": cpu, "peak_rss_mb": peak[0] / 2**20, "stdout": out.decode()}


def _env(args) -> dict:
    env = {**os.environ, "RAG_CORPUS_DIR": str(args.corpus), "RAG_INDEX_DIR": str(args.index), "RAG_MODEL": args.model}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def build(args) -> dict:
    result = _run([sys.executable, "-m", "rag", "index", "--force", "--json"], _env(args))
    report = json.loads(result["stdout"])
    return {
        "corpus": str(args.corpus), "documents": report["documents"], "passages": report["chunks"], "workers": report["workers"],
        "wall_s": round(result["wall"], 1), "cpu_s": round(result["cpu"], 1), "cpu_ms_per_passage": round(1000 * result["cpu"] / report["chunks"], 2),
        "peak_rss_mb": round(result["peak_rss_mb"]), "stages_s": report["stages"],
    }


def _percentiles(values: list[float]) -> dict:
    values = sorted(values)
    return {"p50_ms": round(1000 * statistics.median(values), 2), "p90_ms": round(1000 * values[int(0.9 * (len(values) - 1))], 2)}


def query(args) -> dict:
    env = _env(args)
    cold = [_run([sys.executable, "-m", "rag", "ask", HEADLINE, "--json"], env) for _ in range(args.runs + 1)][1:]  # the first warms the file cache
    headline = json.loads(cold[-1]["stdout"])
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.update({k: env[k] for k in ("RAG_CORPUS_DIR", "RAG_INDEX_DIR", "RAG_MODEL")})
    from rag.config import Config
    from rag.engine import Engine

    engine = Engine(Config.load(), build=False, log=lambda m: None)
    def read(name):
        return [json.loads(line) for line in (ROOT / "evals" / name).read_text(encoding="utf-8").splitlines() if line.strip()]

    gold = read("qa.jsonl")
    questions = [g["question"] for g in gold]
    for g in read("heldout.jsonl") + read("final.jsonl"):  # warm-up on other questions: no answer is cached
        engine.ask(g["question"])
    timings: dict[str, dict[str, list[float]]] = {"search": {"wall": [], "cpu": []}, "ask": {"wall": [], "cpu": []}}
    found = answerable = 0
    for g in gold:
        for name, call in (("search", lambda: engine.search(g["question"], k=5)), ("ask", lambda: engine.ask(g["question"]))):
            w, c = time.perf_counter(), time.thread_time()
            result = call()
            timings[name]["cpu"].append(time.thread_time() - c)
            timings[name]["wall"].append(time.perf_counter() - w)
            if name == "search" and g.get("doc_numbers"):
                answerable += 1
                found += any(h.chunk.doc_id in g["doc_numbers"] for h in result.hits)
    return {
        "index": str(args.index), "passages": len(engine.index.chunks), "questions": len(questions),
        "cold_ask_wall_s": round(statistics.median(r["wall"] for r in cold), 3), "cold_ask_cpu_s": round(statistics.median(r["cpu"] for r in cold), 3),
        "headline_ok": "453" in (headline.get("key") or "") and headline["citations"][0]["doc_number"] == "沪科提复〔2023〕50号",
        "search_wall": _percentiles(timings["search"]["wall"]), "search_cpu": _percentiles(timings["search"]["cpu"]),
        "ask_wall": _percentiles(timings["ask"]["wall"]), "ask_cpu": _percentiles(timings["ask"]["cpu"]),
        "gold_recall@5": round(found / max(answerable, 1), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build", "query"])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--model", default="none")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(build(args) if args.command == "build" else query(args), ensure_ascii=False))


if __name__ == "__main__":
    main()
