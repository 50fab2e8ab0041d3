"""Time `rag ask` in a fresh process, as a user runs it: index already built, dense channel off.

    python scripts/bench_ask.py [--runs 7] [--question "…"]

Reports the median and every run, and the median of a bare `python -c pass` measured in the same
run as a baseline (the ratio tells how much of the time is rag's own on a busy machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--question", default="How many foreign R&D centres are there?")
    args = parser.parse_args()
    index = tempfile.mkdtemp(prefix="rag-bench-")
    env = {**os.environ, "RAG_MODEL": "none", "RAG_INDEX_DIR": index, "RAG_CORPUS_DIR": str(ROOT / "corpus")}
    rag = [sys.executable, "-m", "rag"]
    subprocess.run(rag + ["index"], env=env, check=True, capture_output=True)
    subprocess.run(rag + ["ask", args.question], env=env, check=True, capture_output=True)  # warm the file cache
    asks, bare = [], []
    for _ in range(args.runs):
        bare.append(timed([sys.executable, "-c", "pass"], env))
        asks.append(timed(rag + ["ask", args.question, "--json"], env))
    median, base = statistics.median(asks), statistics.median(bare)
    print(f"rag ask, fresh process, {args.runs} runs: median {median:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in asks)})")
    print(f"python -c pass baseline: median {base:.3f} s; rag ask is {median / base:.1f}× the interpreter's start-up")


if __name__ == "__main__":
    main()
