"""Fit the answer scorer (src/rag/data/answer_model.json) on the CMRC 2018 trial set — and nothing else.

Each trial question is asked twice through the same pipeline as users' questions:
- answerable: against all 256 trial paragraphs (its own among them);
- unanswerable, the SQuAD 2.0 way: against the top passages of the *other* articles (its own removed).
Every candidate sentence becomes a row of features (rag.answer.features) labelled 1 when it lies in the
gold paragraph and holds a gold answer string. A logistic regression ranks sentences; its out-of-fold
logits (5 folds grouped by question) calibrate a second logistic model, over the best sentence's logit
and its margin over the runner-up, into the probability that the answer given is right. The answer
threshold is the lowest confidence whose answers are right at the stated precision on the trial set
(the median over bootstrap resamples: one sample's crossing moves with a handful of questions),
and the threshold for supporting sentences the one that quotes the gold answer most often at no more
than two extra quotes per answer.

Run: python scripts/fit_answer_model.py [--precision 0.9] [--limit N]
Needs scikit-learn (pip install -e '.[fit]'). XQuAD, CMRC 2018 dev and the gold sets are never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
TRIAL = REPO.parent / "shared" / "benchmarks" / "cmrc2018" / "cmrc2018_trial.json"
OUT = REPO / "src" / "rag" / "data" / "answer_model.json"
ASK_K = 8
MAX_EXTRA = 2  # supporting sentences quoted after the best one (rag.answer.compose.MAX_SENTENCES - 1)
MAX_MEAN_EXTRA = 1.5  # supporting quotes per answer on average, at most
BOOTSTRAP = 200  # resamples of the trial rows for the answer threshold


def _crossing(gated: np.ndarray, right: np.ndarray, precision: float) -> float:
    """The lowest gate value at which the answers given (gate at least that) are right at `precision`."""
    order = np.argsort(-gated)
    prec = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    ok = np.where(prec >= precision)[0]
    return float(gated[order][ok.max()]) if len(ok) else 0.99


def without_paragraph(hits, paragraph: str):
    """The hits with one paragraph's passages removed, every rank renumbered as if it had never been
    indexed: fused ranks and each channel's own, so that no rank betrays what was removed."""
    kept = [h for h in hits if h.chunk.doc_id != paragraph]
    channels = {c for h in hits for c in h.channels}
    renumbered = {id(h): {} for h in kept}
    for channel in channels:
        order = sorted((h for h in kept if channel in h.channels), key=lambda h: h.channels[channel])
        for r, h in enumerate(order, start=1):
            renumbered[id(h)][channel] = r
    return [replace(h, rank=r, channels=renumbered[id(h)]) for r, h in enumerate(kept, start=1)]


def collect(limit: int | None, index_dir: str):
    """Rows of features, labels, question groups, and per-instance candidate lists."""
    from tqdm import tqdm

    from rag.answer.compose import Composer
    from rag.answer.features import add_relative
    from rag.answer.scoring import neutral_model
    from rag.benchmark import benchmark_index, load_squad
    from rag.config import Config
    from rag.engine import CHAMPIONS
    from rag.text import squash

    docs, items = load_squad(TRIAL)
    items = [it for it in items if it.question.strip()]  # the trial set has a few empty questions
    items = items[:limit] if limit else items
    config = Config.load(index_dir=index_dir, model="none")
    engine = benchmark_index(TRIAL, docs, config, progress=True)
    composer = Composer(engine.index, neutral_model())
    rows, labels, groups, instances = [], [], [], []
    for qi, it in enumerate(tqdm(items, desc="trial questions", unit="q")):
        info = engine.retriever.analyze(it.question)
        normal = engine.retriever.search(info, ASK_K, champions=CHAMPIONS)
        wide = engine.retriever.search(info, 40)
        masked = without_paragraph(wide, it.paragraph)[:ASK_K]
        gold = [squash(a) for a in it.answers]
        for kind, hits in (("answerable", normal), ("unanswerable", masked)):
            scored = composer.score_sentences(info, hits)
            cands = []
            relative = add_relative([x.features.values for x in scored])
            for s, values in zip(scored, relative):
                y = int(s.chunk.doc_id == it.paragraph and any(g in squash(s.text) for g in gold))
                strict = int(y and s.span is not None and any(g in squash(s.text[s.span[0]:s.span[1]]) for g in gold))
                rows.append(values)
                labels.append(y)
                groups.append(qi)
                cands.append((len(rows) - 1, composer.eligible(s, info), y, strict, s.text, int(s.chunk.doc_id == it.paragraph)))
            instances.append((qi, kind, cands))
    return np.array(rows, dtype=float), np.array(labels), np.array(groups), instances


def fit(rows, labels, groups, instances, precision: float, seed: int = 0) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from rag.answer.features import ALL_FEATURES

    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    X = (rows - mean) / scale
    oof = np.zeros(len(labels))
    for train, test in GroupKFold(n_splits=5).split(X, labels, groups):
        m = LogisticRegression(C=1.0, max_iter=2000).fit(X[train], labels[train])
        oof[test] = m.decision_function(X[test])
    ranker = LogisticRegression(C=1.0, max_iter=2000).fit(X, labels)

    # the best eligible sentence of each instance, by out-of-fold logit
    best_rows = []
    for qi, kind, cands in instances:
        ok = [c for c in cands if c[1]]
        if not ok:
            best_rows.append((qi, kind, None, 0.0, 0, 0, [], False, 0))
            continue
        ok.sort(key=lambda c: -oof[c[0]])
        top = ok[0]
        runner = next((oof[c[0]] for c in ok[1:] if c[4] != top[4]), None)
        margin = oof[top[0]] - runner if runner is not None else 4.0
        extras = [(oof[c[0]], c[2]) for c in ok[1:]]
        best_rows.append((qi, kind, oof[top[0]], min(margin, 4.0), top[2], top[3], extras, True, top[5]))
    have = [b for b in best_rows if b[7]]

    def quoted(b, p_extra: float) -> list[int]:
        """Labels of the extra sentences an answer quotes at this probability threshold."""
        return [y for z, y in b[6] if 1 / (1 + np.exp(-z)) >= p_extra][:MAX_EXTRA]

    # supporting sentences: the probability threshold that quotes the gold most often, at most one
    # extra quote per answer on average
    grid = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    answerable_rows = [b for b in have if b[1] == "answerable"]
    curve = {}
    for p in grid:
        extras = [quoted(b, p) for b in answerable_rows]
        curve[p] = (np.mean([b[4] or any(e) for b, e in zip(answerable_rows, extras)]), np.mean([len(e) for e in extras]))
    extra_threshold = max((p for p in grid if curve[p][1] <= MAX_MEAN_EXTRA), key=lambda p: (round(curve[p][0], 3), p))

    # calibration: the probability that the answer's quotes hold the gold answer
    Z = np.array([[b[2], b[3]] for b in have])
    Y = np.array([int(b[4] or any(quoted(b, extra_threshold))) for b in have])
    cal = LogisticRegression(C=1.0, max_iter=2000).fit(Z, Y)

    # the gate: that the replies answer at all — the best sentence comes from the question's own passage
    G = np.array([b[8] for b in have])
    gate = LogisticRegression(C=1.0, max_iter=2000).fit(Z, G)
    gated = gate.predict_proba(Z)[:, 1]
    # the lowest gate threshold whose answers come from the answering passage at the stated precision;
    # near the target the precision curve is flat, so one sample's crossing moves with a handful of
    # questions: the threshold is the median crossing over bootstrap resamples of the trial rows
    rng = np.random.default_rng(0)
    crossings = [_crossing(gated[i], G[i], precision) for i in (rng.integers(0, len(G), len(G)) for _ in range(BOOTSTRAP))]
    threshold = float(np.median(crossings))
    print(f"threshold: one sample {_crossing(gated, G, precision):.4f}, bootstrap median {threshold:.4f} "
          f"(5-95%: {np.percentile(crossings, 5):.4f}-{np.percentile(crossings, 95):.4f}), "
          f"expected by the gate's own probabilities {_crossing(gated, gated, precision):.4f}", file=sys.stderr)
    answered = gated >= threshold

    answerable = [(b, c) for b, c in zip(have, gated) if b[1] == "answerable"]
    unanswerable = [(b, c) for b, c in zip(have, gated) if b[1] == "unanswerable"]
    loose = {id(b): y for b, y in zip(have, Y)}
    n_ans = sum(1 for b in best_rows if b[1] == "answerable")
    n_un = sum(1 for b in best_rows if b[1] == "unanswerable")
    metrics = {
        "questions": n_ans,
        "sentence_rows": int(len(labels)),
        "answered_share_of_answerable": round(sum(c >= threshold for _, c in answerable) / n_ans, 4),
        "answering_passage_when_answered": round(float(np.mean(G[answered])), 4),
        "right_when_answered": round(float(np.mean(Y[answered])), 4),
        "answer_contains_gold_share_of_answerable": round(sum(loose[id(b)] for b, c in answerable if c >= threshold) / n_ans, 4),
        "top_sentence_contains_answer": round(float(np.mean([b[4] for b, _ in answerable])) * len(answerable) / n_ans, 4),
        "top_key_span_contains_answer": round(float(np.mean([b[5] for b, _ in answerable])) * len(answerable) / n_ans, 4),
        "refused_share_of_unanswerable": round(1 - sum(c >= threshold for _, c in unanswerable) / n_un, 4),
        "supporting_curve": {str(p): [round(a, 4), round(q, 3)] for p, (a, q) in curve.items()},
    }
    return {
        "features": list(ALL_FEATURES),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": ranker.coef_[0].round(6).tolist(),
        "intercept": round(float(ranker.intercept_[0]), 6),
        "calibration": {"a": round(float(cal.coef_[0][0]), 6), "b": round(float(cal.coef_[0][1]), 6), "c": round(float(cal.intercept_[0]), 6)},
        "gate": {"a": round(float(gate.coef_[0][0]), 6), "b": round(float(gate.coef_[0][1]), 6), "c": round(float(gate.intercept_[0]), 6)},
        "threshold": round(threshold, 4),
        "extra_threshold": extra_threshold,
        "target_precision": precision,
        "trained_on": "CMRC 2018 trial (cmrc2018_trial.json): each question against its own and against other articles' passages",
        "fitted": time.strftime("%Y-%m-%d"),
        "metrics": metrics,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--precision", type=float, default=0.9, help="precision the answerability gate is set for: answered questions whose evidence comes from the passage that answers them (default 0.9)")
    parser.add_argument("--limit", type=int, help="only the first N trial questions (for a quick look)")
    parser.add_argument("--index", default=str(REPO / "index"), help="index directory; the trial index is cached under it")
    parser.add_argument("--out", default=str(OUT), help="where to write the model JSON")
    parser.add_argument("--cache", help="keep the collected features in this JSON file and reuse them (refitting only)")
    parser.add_argument("--dry-run", action="store_true", help="print the metrics, write nothing")
    args = parser.parse_args()
    if not TRIAL.exists():
        sys.exit(f"error: {TRIAL} not found; the benchmarks live in ../shared/benchmarks beside the checkout")
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        rows, labels, groups, instances = np.array(data["rows"]), np.array(data["labels"]), np.array(data["groups"]), data["instances"]
    else:
        rows, labels, groups, instances = collect(args.limit, args.index)
        if cache:
            cache.write_text(json.dumps({"rows": rows.tolist(), "labels": labels.tolist(), "groups": groups.tolist(), "instances": instances}, ensure_ascii=False), encoding="utf-8")
    model = fit(rows, labels, groups, instances, args.precision)
    print(json.dumps(model["metrics"], ensure_ascii=False, indent=1))
    print(json.dumps({k: model[k] for k in ("threshold", "extra_threshold", "calibration")}))
    print("coefficients:", {f: c for f, c in zip(model["features"], model["coef"])})
    if not args.dry_run:
        Path(args.out).write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
