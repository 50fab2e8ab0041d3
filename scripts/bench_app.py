"""How fast the web app answers the headline question, measured through its API.

Starts `rag serve` on a free port (or uses --url), waits until it answers, asks once to warm up,
then asks N more times through gradio_client and prints every time and the median.

    python scripts/bench_app.py                # index from RAG_INDEX_DIR / RAG_CORPUS_DIR (or ./index, ./corpus)
    RAG_MODEL=none python scripts/bench_app.py -n 20
    python scripts/bench_app.py --url http://127.0.0.1:7860/
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import nullcontext

from rag.app.process import running_app

HEADLINE = "How many foreign R&D centres are there?"


def bench(url: str, n: int, question: str) -> list[float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    answer = client.predict(question, api_name="/ask")  # warm-up, not counted
    if not answer.get("found"):
        print(f"warning: the app did not find an answer to {question!r}", file=sys.stderr)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        client.predict(question, api_name="/ask")
        times.append(time.perf_counter() - started)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="benchmark an app already running here instead of starting one")
    parser.add_argument("-n", type=int, default=10, help="timed asks after the warm-up (default 10)")
    parser.add_argument("--question", default=HEADLINE)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with nullcontext(args.url) if args.url else running_app() as url:
        if not args.url:
            print(f"app started in {time.perf_counter() - started:.1f}s at {url}")
        times = bench(url, args.n, args.question)
    print(f"question: {args.question}")
    print("times (s): " + " ".join(f"{t:.3f}" for t in times))
    print(f"median: {statistics.median(times):.3f}s  min: {min(times):.3f}s  max: {max(times):.3f}s  (n={len(times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
