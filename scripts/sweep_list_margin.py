"""Choose Config.list_sentence_margin on the CMRC 2018 trial set — and nothing else.

A list question whose best options are enumerations inside sentences (runs of X、Y、Z, 《titles》,
clauses) may be answered better by a single sentence the scorer trusts more. For each margin, every
trial question asked as a list, plan or summary is answered by the real selection code
(rag.answer.structure), and the answer counts when a gold string lies inside its quoted text.

Run: python scripts/sweep_list_margin.py [--margins 0,0.1,0.2,0.3,0.5,1]
XQuAD, CMRC 2018 dev and the gold sets are never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TRIAL = REPO.parent / "shared" / "benchmarks" / "cmrc2018" / "cmrc2018_trial.json"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--margins", default="0,0.1,0.2,0.3,0.4,0.5,1", help="comma-separated margins to try (default: %(default)s)")
    args = ap.parse_args(argv)
    margins = [float(m) for m in args.margins.split(",")]

    from rag.answer import structure
    from rag.answer.intent import LIST, PLAN, SUMMARY
    from rag.benchmark import benchmark_index, load_squad, unpunctuated
    from rag.config import Config

    docs, items = load_squad(TRIAL)
    engine = benchmark_index(TRIAL, docs, Config.load(model="none"), False)
    c = engine.composer
    right = dict.fromkeys(margins, 0)
    asked = 0
    for item in items:
        info = engine.retriever.analyze(item.question)
        if info.intent.kind not in (LIST, PLAN, SUMMARY):
            continue
        hits = engine.passages(info)
        info = c.prepare(info, hits)
        scored = c.score_sentences(info, hits)
        eligible = [s for s in scored if c.eligible(s, info)]
        options = structure._options(c, info, scored, eligible)
        gold = [unpunctuated(a) for a in item.answers]
        asked += 1
        for m in margins:
            passing = structure._select(info, options, c.model.threshold, c.config.list_min_coverage, m)
            if not passing:
                continue
            chosen = structure._choose(passing, c.config.list_join_share)
            quoted = unpunctuated(" ".join(c.index.document(o.doc_id).text[a:b] for o in chosen for a, b in o.items))
            right[m] += any(g in quoted for g in gold)
    print(f"{asked} trial questions asked as lists, plans or summaries")
    for m in margins:
        print(f"margin {m:<4}  gold inside the quoted items: {right[m]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
