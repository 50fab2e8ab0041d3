"""How long `rag check` takes on a 20-sentence draft, and how soon `rag ask --generate` falls back
when the model's endpoint is down.

    python scripts/bench_check.py [--runs 7]

1. In process, warm (the engine opened and one draft checked first, as in `rag serve`): median wall
   and CPU time of check_draft over --runs runs.
2. The command line, `rag check draft.md` in a fresh process each run (index on disk, OS cache
   warm): median wall and CPU time (the child's user + system).
3. `rag ask --generate` with RAG_LLM_URL pointing at a closed port on 127.0.0.1: median wall time
   until the extractive answer and its notice are printed.

The draft: 20 sentences of evals/drafts.jsonl (every fifth claim), Chinese and English, supported,
contradicted and unfounded ones. Uses RAG_INDEX_DIR (default index) and RAG_MODEL=none unless set.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def draft_text(n: int = 20) -> str:
    rows = [json.loads(line) for line in (ROOT / "evals" / "drafts.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    claims = [r["claim"] for r in rows[::5]][:n]
    return "\n".join(claims) + "\n"


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("RAG_MODEL", "none")
    draft = draft_text()
    from rag.draft import check_draft, split_claims
    from rag.engine import Engine
    from rag.verify import Verifier

    print(f"draft: {len(split_claims(draft))} sentences, {len(draft)} characters")
    engine = Engine(progress=False)
    verifier = Verifier(engine)
    check_draft(verifier, draft)  # warm-up: segmenter, dictionaries
    walls, cpus = [], []
    for _ in range(args.runs):
        w, c = time.perf_counter(), time.process_time()
        report = check_draft(verifier, draft)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    print(f"in process (warm): median {statistics.median(walls):.3f} s wall, {statistics.median(cpus):.3f} s CPU over {args.runs} runs; verdicts {report.counts()}")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "draft.md"
        path.write_text(draft, encoding="utf-8")
        cmd = [sys.executable, "-m", "rag", "check", str(path)]
        subprocess.run(cmd, capture_output=True, check=True)  # warm the OS cache
        walls, cpus = [], []
        for _ in range(args.runs):
            c0, w = child_cpu(), time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            walls.append(time.perf_counter() - w)
            cpus.append(child_cpu() - c0)
        print(f"rag check (fresh process): median {statistics.median(walls):.3f} s wall, {statistics.median(cpus):.3f} s CPU over {args.runs} runs")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RAG_LLM_URL": f"http://127.0.0.1:{port}/v1", "RAG_LLM_MODEL": "m", "RAG_LLM_TIMEOUT": "20"}
    walls = []
    for _ in range(max(3, args.runs // 2)):
        w = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "rag", "ask", "How many foreign R&D centres are there?", "--generate"], capture_output=True, text=True, env=env)
        walls.append(time.perf_counter() - w)
        assert "453" in r.stdout and "cannot reach the language model" in r.stderr, r.stderr
    print(f"rag ask --generate, endpoint down (timeout 20 s): median {statistics.median(walls):.3f} s wall to the extractive answer and its notice")


if __name__ == "__main__":
    main()
