"""Evaluation against a gold set of questions (evals/qa.jsonl and the other sets in evals/).

Each line: {"id", "question", "lang", "intent", "doc_numbers": [文号 …], "answers": [gold strings …],
"items": [gold items …], "verdict": "yes" | "no" | the larger option}; an unanswerable question has no
doc_numbers. evals/README.md describes the format and each set.

Retrieval: rank of the first passage from a gold document → Recall@1/3/5, MRR@10.
Answers, strict first (the headline, "key-span accuracy"):
- a single fact: every gold string inside a key span of the answer (the marked span of a quote); a
  key that is part of the gold string counts when it carries all of the gold's digits (key "5 家",
  gold "5家已上市");
- a list or plan: item recall — the share of gold items inside the answer's listed items; correct
  when at least half are there;
- a yes/no or comparison: the verdict;
and the first citation from a gold document. Loose (as before): every gold string anywhere in the
answer text. Refusals: correct when the answer is not found.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError
from rag.text import squash

RETRIEVAL_K = 10
LIST_INTENTS = ("list", "plan")
VERDICT_INTENTS = ("yesno", "compare")
ITEMS_FOR_CORRECT = 0.5  # a list answer counts as correct when it holds this share of the gold items


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    lang: str
    doc_numbers: tuple[str, ...]
    answers: tuple[str, ...]
    intent: str = "what"
    items: tuple[str, ...] = ()
    verdict: str | None = None

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
            items.append(GoldItem(
                str(row["id"]), row["question"], row.get("lang", "zh"), tuple(row.get("doc_numbers", [])), tuple(row.get("answers", [])),
                row.get("intent") or "what", tuple(row.get("items") or ()), row.get("verdict"),
            ))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{path}:{n} is not a gold item ({e}); each line needs id, question, doc_numbers, answers") from None
    if not items:
        raise InputError(f"gold file {path} holds no questions")
    return items


def in_key(gold: str, keys: list[str]) -> bool:
    """Whether a gold answer lies inside one of the answer's key spans (see the module docstring)."""
    g = squash(gold)
    digits = re.sub(r"\D", "", g)
    for key in keys:
        k = squash(key)
        if g in k or (digits and k in g and re.sub(r"\D", "", k) == digits):
            return True
    return False


_ENUMERATION = re.compile(r"、|，|,|以及|及|和|与|\band\b|\bor\b")


def in_items(gold: str, items: list[str], norm=squash) -> bool:
    """Whether a gold answer that enumerates (房屋建筑、重型和土木工程施工、专业贸易承包商) lies in a
    list answer: each of its parts inside one of the listed items (both compared as norm makes them)."""
    parts = [p for p in map(norm, _ENUMERATION.split(gold)) if p]
    listed = [norm(i) for i in items]
    return len(parts) >= 2 and all(any(p in x for x in listed) for p in parts)


def item_recall(answer, item: GoldItem) -> float | None:
    if not item.items:
        return None
    listed = [squash(i.text) for i in answer.items] if answer.items else []
    return sum(any(squash(g) in x for x in listed) for g in item.items) / len(item.items)


def strict_correct(answer, item: GoldItem) -> bool:
    """The headline: the gold inside the key span, the listed items or the verdict."""
    if not answer.found or not answer.citations or answer.citations[0].doc_number not in item.doc_numbers:
        return False
    if item.intent in LIST_INTENTS and item.items:
        return (item_recall(answer, item) or 0.0) >= ITEMS_FOR_CORRECT
    if item.intent in VERDICT_INTENTS and item.verdict:
        return squash(str(answer.verdict or "")).lower() == squash(item.verdict).lower()
    return all(in_key(a, answer.keys) for a in item.answers)


def loose_correct(answer, item: GoldItem) -> bool:
    """Found, every gold string (and item) somewhere in the answer, first citation a gold reply."""
    if not answer.found or not answer.citations:
        return False
    text = squash(answer.answer.replace("**", ""))
    wanted = item.answers + (item.items if item.intent in LIST_INTENTS else ())
    return all(squash(a) in text for a in wanted) and answer.citations[0].doc_number in item.doc_numbers


def _summary(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    refusals = [r for r in rows if not r["answerable"]]
    lists = [r for r in answerable if r["item_recall"] is not None]

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
        "key_span_accuracy": share(answerable, "strict"),
        "answer_accuracy": share(answerable, "correct"),
        "item_recall": round(sum(r["item_recall"] for r in lists) / len(lists), 4) if lists else None,
        "refusal_accuracy": share(refusals, "correct"),
    }


def evaluate_gold(engine, items: list[GoldItem], progress: bool = False) -> dict:
    """Run every gold question through retrieval and answering; return metrics and per-item rows."""
    from tqdm import tqdm

    rows = []
    engine.retriever.prepare([item.question for item in items[:256]])  # embeddings in batches, not one by one
    for item in tqdm(items, desc="evaluating", unit="question", disable=not progress):
        info = engine.retriever.analyze(item.question)
        hits = engine.retriever.search(info, RETRIEVAL_K)
        rank = next((h.rank for h in hits if (h.chunk.doc_number or h.chunk.doc_id) in item.doc_numbers), None)
        answer = engine.answer_from(info, engine.passages(info))
        rows.append({
            "id": item.id,
            "question": item.question,
            "lang": item.lang,
            "intent": item.intent,
            "answered_as": answer.intent.get("kind"),
            "answerable": item.answerable,
            "rank": rank,
            "found": answer.found,
            "strict": strict_correct(answer, item) if item.answerable else not answer.found,
            "correct": loose_correct(answer, item) if item.answerable else not answer.found,
            "item_recall": item_recall(answer, item) if item.answerable else None,
            "confidence": answer.confidence,
            "keys": answer.keys,
            "verdict": answer.verdict,
            "cited": [c.doc_number for c in answer.citations],
            "gold_docs": list(item.doc_numbers),
            "gold_answers": list(item.answers),
            "gold_items": list(item.items),
            "gold_verdict": item.verdict,
            "answer": answer.answer,
        })
    langs = sorted({r["lang"] for r in rows})
    intents = Counter(r["intent"] for r in rows if r["answerable"])
    return {
        "overall": _summary(rows),
        "by_lang": {lang: _summary([r for r in rows if r["lang"] == lang]) for lang in langs},
        "by_intent": {i: _summary([r for r in rows if r["answerable"] and r["intent"] == i]) for i in sorted(intents)},
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
