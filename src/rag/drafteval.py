"""`rag eval drafts`: score the claim verifier on a set of draft sentences with known verdicts.

Each line of the set (evals/drafts.jsonl) is a claim written from the replies: a true one (kind
"true", verdict supported, doc_numbers the replies that state it), one with an altered number,
year, body or 文号 (verdict contradicted, reply_says the reply's own figure), or an invented one
(verdict not_found). Two figures matter to a reader pasting from the replies:

- flagged: the share of altered and invented claims not marked supported;
- supported: the share of true claims marked supported and cited to one of their replies.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from rag.errors import InputError
from rag.text import squash
from rag.verify import SUPPORTED, VERDICTS

KINDS = ("true", "number", "year", "body", "docno", "fabricated")


def load_drafts(path: str | Path) -> list[dict]:
    """The claims of a drafts file; InputError naming the line when one is malformed."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"drafts file {str(p)!r} does not exist; pass --drafts FILE (JSON Lines of claims)")
    items = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{p}:{n} is not JSON ({e.msg}); each line holds one claim") from None
        missing = {"id", "claim", "verdict", "kind"} - set(item)
        if missing:
            raise InputError(f"{p}:{n} lacks {', '.join(sorted(missing))}")
        if item["verdict"] not in VERDICTS or item["kind"] not in KINDS:
            raise InputError(f"{p}:{n}: verdict must be one of {', '.join(VERDICTS)} and kind one of {', '.join(KINDS)}")
        items.append(item)
    if not items:
        raise InputError(f"drafts file {str(p)!r} holds no claims")
    return items


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate_drafts(verifier, items: list[dict], progress: bool = False) -> dict:
    """Verify every claim; report the flagged and supported shares overall, per language and kind."""
    rows = []
    seconds = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc="verifying", unit="claim", leave=False)
    for item in items:
        t0 = time.perf_counter()
        v = verifier.verify(item["claim"])
        seconds.append(time.perf_counter() - t0)
        cited = [c.doc_number for c in v.citations]
        expected_docs = item.get("doc_numbers") or []
        if item["kind"] == "true":
            correct = v.verdict == SUPPORTED and bool(cited) and cited[0] in expected_docs
        else:
            correct = v.verdict != SUPPORTED
        shown = item.get("reply_says")
        rows.append({
            "id": item["id"], "lang": item.get("lang", ""), "kind": item["kind"], "claim": item["claim"],
            "expected": item["verdict"], "verdict": v.verdict, "cited": cited, "note": v.note, "correct": correct,
            "exact": v.verdict == item["verdict"],
            "reply_shown": None if not shown or v.verdict != "contradicted" else squash(shown) in squash(v.note),
        })
        if bar:
            bar.update()
    if bar:
        bar.close()

    def scores(subset: list[dict]) -> dict:
        true = [r for r in subset if r["kind"] == "true"]
        false = [r for r in subset if r["kind"] != "true"]
        contradicted = [r for r in subset if r["expected"] == "contradicted" and r["reply_shown"] is not None]
        return {
            "claims": len(subset),
            "supported": _share(sum(r["correct"] for r in true), len(true)),
            "flagged": _share(sum(r["correct"] for r in false), len(false)),
            "exact_verdict": _share(sum(r["exact"] for r in subset), len(subset)),
            "reply_figure_shown": _share(sum(r["reply_shown"] for r in contradicted), len(contradicted)),
        }

    langs = sorted({r["lang"] for r in rows if r["lang"]})
    kinds = [k for k in KINDS if any(r["kind"] == k for r in rows)]
    seconds.sort()
    return {
        "overall": scores(rows),
        "by_lang": {lang: scores([r for r in rows if r["lang"] == lang]) for lang in langs},
        "by_kind": {k: _share(sum(r["correct"] for r in rows if r["kind"] == k), sum(r["kind"] == k for r in rows)) for k in kinds},
        "median_seconds_per_claim": round(seconds[len(seconds) // 2], 4) if seconds else None,
        "items": rows,
    }


def format_report(report: dict, show_failures: bool = False) -> str:
    cols = ["claims", "supported", "flagged", "exact_verdict", "reply_figure_shown"]
    lines = ["scope  " + "  ".join(f"{c:>18}" for c in cols)]
    for name, s in [("all", report["overall"]), *report["by_lang"].items()]:
        lines.append(f"{name:<6} " + "  ".join(f"{'-' if s[c] is None else s[c]:>18}" for c in cols))
    lines.append("by kind: " + ", ".join(f"{k} {v}" for k, v in report["by_kind"].items()))
    lines.append(f"median seconds per claim: {report['median_seconds_per_claim']}")
    if show_failures:
        for r in report["items"]:
            if not r["correct"]:
                lines.append(f"✗ {r['id']} [{r['lang']} {r['kind']}] {r['claim']}")
                lines.append(f"    expected {r['expected']}, got {r['verdict']} {r['cited'][:1]} {r['note']}")
    return "\n".join(lines)
