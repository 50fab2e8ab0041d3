"""Evaluation against a gold set of questions (evals/qa.jsonl).

Each line: {"id", "question", "lang", "doc_numbers": [文号 …], "answers": [gold strings …]}; an
unanswerable question has no doc_numbers and no answers.

Retrieval: rank of the first passage from a gold document → Recall@1/3/5, MRR@10.
Answers: correct when found, every gold string is in the answer (whitespace and marks ignored)
and the first citation is a gold document. Refusals: correct when not found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.engine import ASK_K, CHAMPIONS
from rag.errors import InputError
from rag.text import squash

RETRIEVAL_K = 10


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    lang: str
    doc_numbers: tuple[str, ...]
    answers: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.doc_numbers)


def load_gold(path: str | Path) -> list[GoldItem]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"gold file {path} does not exist; pass --gold FILE (default evals/qa.jsonl)")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(GoldItem(str(row["id"]), row["question"], row.get("lang", "zh"), tuple(row.get("doc_numbers", [])), tuple(row.get("answers", []))))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{path}:{n} is not a gold item ({e}); each line needs id, question, doc_numbers, answers") from None
    if not items:
        raise InputError(f"gold file {path} holds no questions")
    return items


def answer_correct(answer, item: GoldItem) -> bool:
    if not answer.found or not answer.citations:
        return False
    text = squash(answer.answer.replace("**", ""))
    return all(squash(a) in text for a in item.answers) and answer.citations[0].doc_number in item.doc_numbers


def _summary(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    refusals = [r for r in rows if not r["answerable"]]

    def share(xs, key):
        return round(sum(1 for x in xs if x[key]) / len(xs), 4) if xs else None

    def recall(k):
        return round(sum(1 for r in answerable if r["rank"] and r["rank"] <= k) / len(answerable), 4) if answerable else None

    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(refusals),
        "recall@1": recall(1),
        "recall@3": recall(3),
        "recall@5": recall(5),
        "mrr@10": round(sum(1 / r["rank"] for r in answerable if r["rank"]) / len(answerable), 4) if answerable else None,
        "answer_accuracy": share(answerable, "correct"),
        "refusal_accuracy": share(refusals, "correct"),
    }


def evaluate_gold(engine, items: list[GoldItem], progress: bool = False) -> dict:
    """Run every gold question through retrieval and answering; return metrics and per-item rows."""
    from tqdm import tqdm

    rows = []
    for item in tqdm(items, desc="evaluating", unit="question", disable=not progress):
        info = engine.retriever.analyze(item.question)
        hits = engine.retriever.search(info, RETRIEVAL_K)
        rank = next((h.rank for h in hits if (h.chunk.doc_number or h.chunk.doc_id) in item.doc_numbers), None)
        answer = engine.answer_from(info, engine.retriever.search(info, ASK_K, champions=CHAMPIONS))
        correct = answer_correct(answer, item) if item.answerable else not answer.found
        rows.append({
            "id": item.id,
            "question": item.question,
            "lang": item.lang,
            "answerable": item.answerable,
            "rank": rank,
            "found": answer.found,
            "correct": correct,
            "cited": [c.doc_number for c in answer.citations],
            "gold_docs": list(item.doc_numbers),
            "gold_answers": list(item.answers),
            "answer": answer.answer,
        })
    langs = sorted({r["lang"] for r in rows})
    return {
        "overall": _summary(rows),
        "by_lang": {lang: _summary([r for r in rows if r["lang"] == lang]) for lang in langs},
        "channels": list(engine.retriever.channels),
        "items": rows,
    }


def check_thresholds(report: dict, minimums: dict[str, float]) -> list[str]:
    """Failed thresholds as messages. Keys: metric or lang:metric (en:answer_accuracy)."""
    failures = []
    for key, minimum in minimums.items():
        if minimum is None:
            continue
        lang, _, metric = key.rpartition(":")
        scope = report["by_lang"].get(lang, {}) if lang else report["overall"]
        value = scope.get(metric)
        if value is None or value < minimum:
            failures.append(f"{key} = {value} is below the minimum {minimum}")
    return failures
