"""Run every evaluation — the gold sets and the public benchmarks — and report them in one table.

    python scripts/run_benchmarks.py            # run, save evals/results/*.json, rewrite evals/README.md
    python scripts/run_benchmarks.py --dry-run  # run and print the table only

Each result file holds the command that produced it, the date, and the command's JSON output.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = "../shared/benchmarks"
RUNS = {
    "gold": "rag eval --gold evals/qa.jsonl --json",
    "heldout": "rag eval --gold evals/heldout.jsonl --json",
    "final": "rag eval --gold evals/final.jsonl --json",
    "blind": "rag eval --gold evals/blind.jsonl --json",
    "fresh-lists": "rag eval --gold evals/fresh_lists.jsonl --json",
    "xquad-zh": f"rag eval squad --passages {SHARED}/xquad/xquad.zh.json --json",
    "xquad-en-zh": f"rag eval squad --passages {SHARED}/xquad/xquad.zh.json --questions {SHARED}/xquad/xquad.en.json --json",
    "cmrc2018": f"rag eval squad --passages {SHARED}/cmrc2018/cmrc2018_dev.json --json",
}
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def run(name: str, command: str) -> dict:
    exe = Path(sys.executable).parent / "rag"
    args = [str(exe)] + shlex.split(command)[1:]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise SystemExit(f"{command} failed:\n{proc.stderr}")
    return {"name": name, "command": command, "date": datetime.date.today().isoformat(), "output": json.loads(proc.stdout)}


def rows(result: dict) -> list[tuple[str, str, str, str]]:
    """(benchmark, metric, value, channels) rows of one result."""
    out, data = [], result["output"]
    if "dataset" in data:  # rag eval squad
        channels = ", ".join(data["channels"])
        for metric in ("recall@1", "recall@5", "recall@10", "mrr@10", "key_contained@1", "answer_contained@1", "answered"):
            if metric in data:
                out.append((f"{data['dataset']} ({data['questions']} q)", metric, f"{data[metric]:.3f}", channels))
    else:  # rag eval (gold set)
        channels = ", ".join(data["channels"])
        for scope, summary in [("all", data["overall"])] + sorted(data["by_lang"].items()):
            for metric in ("recall@5", "mrr@10", "key_span_accuracy", "item_recall", "answer_accuracy", "refusal_accuracy"):
                if summary.get(metric) is not None:
                    out.append((f"{result['name']} [{scope}] ({summary['questions']} q)", metric, f"{summary[metric]:.3f}", channels))
    return out


def table(results: list[dict]) -> str:
    lines = ["| benchmark | metric | value | channels | date | command |", "|---|---|---|---|---|---|"]
    for r in results:
        for bench, metric, value, channels in rows(r):
            lines.append(f"| {bench} | {metric} | {value} | {channels} | {r['date']} | `{r['command']}` |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the table; write nothing")
    parser.add_argument("--only", nargs="*", choices=sorted(RUNS), help="run only these")
    args = parser.parse_args()
    results = []
    for name, command in RUNS.items():
        if args.only and name not in args.only:
            continue
        print(f"running {command}", file=sys.stderr)
        results.append(run(name, command))
    text = table(results)
    print(text)
    if args.dry_run:
        return
    out_dir = ROOT / "evals" / "results"
    out_dir.mkdir(exist_ok=True)
    for r in results:
        data = dict(r)
        if "items" in data["output"]:  # per-question rows stay out of the saved summary
            data["output"] = {k: v for k, v in data["output"].items() if k != "items"}
        (out_dir / f"{r['name']}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out_dir.glob("*.json"))]
    saved = [r for r in saved if "name" in r and "output" in r]  # not records kept as they were (blind-first-run.json)
    order = list(RUNS)
    saved.sort(key=lambda r: order.index(r["name"]) if r["name"] in order else len(order))
    readme = ROOT / "evals" / "README.md"
    body = readme.read_text(encoding="utf-8")
    start, end = body.index(BEGIN) + len(BEGIN), body.index(END)
    readme.write_text(body[:start] + "\n" + table(saved) + "\n" + body[end:], encoding="utf-8")
    print(f"wrote {out_dir} and {readme}", file=sys.stderr)


if __name__ == "__main__":
    main()
