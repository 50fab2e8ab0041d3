"""Public benchmarks in the SQuAD layout (XQuAD, CMRC 2018), run through the same pipeline as the
corpus: each paragraph is a document with its article title as heading.

Metrics: recall@1/5/10 and MRR@10 of the gold paragraph (passages of one paragraph count once),
key_contained@1 (strict) — a gold answer string lies inside a key span of the answer (the marked
span of a quote, or a listed item) — and answer_contained@1 (loose) — it appears anywhere in the
composed answer. A refusal counts as a miss in both; `answered` is the share not refused. Both compare
text the way the benchmarks' own evaluation scripts do: punctuation and spacing ignored, so that a
gold "溶于汽油。" is inside a key span "溶于汽油".
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from rag.config import Config
from rag.errors import InputError
from rag.text import squash
from rag.types import Block, Document

KEYS = ("dataset", "questions", "recall@1", "recall@5", "recall@10", "mrr@10", "key_contained@1", "answer_contained@1", "answered", "channels", "seconds_per_question")


_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")


def unpunctuated(text: str) -> str:
    """Text as the SQuAD and CMRC 2018 evaluation scripts compare it: without spacing or punctuation
    (a decimal point or thousands separator between digits stays: 4.7 is not 47)."""
    text = _DECIMAL.sub(lambda m: "\0" if m.group() == "." else "\1", squash(text))
    kept = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    return kept.replace("\0", ".").replace("\1", ",")


@dataclass(frozen=True)
class SquadItem:
    id: str
    question: str
    paragraph: str  # doc_id of the paragraph that answers it
    answers: tuple[str, ...]


def _read_json(path: Path, what: str) -> dict:
    if not path.exists():
        raise InputError(f"{what} file {path} does not exist")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise InputError(f"{what} file {path} is not readable JSON ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InputError(f"{what} file {path} is not in the SQuAD layout (expected {{\"data\": [{{\"title\", \"paragraphs\": …}}]}})")
    return data


def load_squad(path: str | Path) -> tuple[list[Document], list[SquadItem]]:
    """Paragraphs as documents, and every question with its paragraph and gold answers."""
    path = Path(path)
    data = _read_json(path, "passages")
    docs, items = [], []
    try:
        for article in data["data"]:
            title = str(article.get("title", "")).strip() or "untitled"
            for para in article["paragraphs"]:
                context = para["context"].strip()
                doc_id = f"P{len(docs) + 1:04d}"
                docs.append(Document(
                    doc_id=doc_id, doc_number=None, title=title, kind="unknown", issuer=None, addressee=None,
                    addressees=(), session=None, proposal_number=None, proposal_title=None, date=None,
                    path=f"{path.name}#{doc_id}", text=context, blocks=(Block(0, len(context), "body", (title,)),),
                ))
                for qa in para.get("qas", []):
                    if not str(qa.get("question") or "").strip():
                        continue  # a blank question asks nothing (CMRC 2018 trial has a few)
                    answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a.get("text")))
                    items.append(SquadItem(str(qa["id"]), qa["question"], doc_id, answers))
    except (KeyError, TypeError, AttributeError) as e:
        raise InputError(f"passages file {path} is not in the SQuAD layout (missing {e})") from None
    if not docs:
        raise InputError(f"passages file {path} holds no paragraphs")
    return docs, items


def load_questions(path: str | Path) -> dict[str, str]:
    """Question text by id, from a file in the same layout (e.g. the English side of XQuAD)."""
    data = _read_json(Path(path), "questions")
    try:
        return {str(qa["id"]): qa["question"] for a in data["data"] for p in a["paragraphs"] for qa in p.get("qas", [])}
    except (KeyError, TypeError) as e:
        raise InputError(f"questions file {path} is not in the SQuAD layout (missing {e})") from None


PREPARE = 256  # questions embedded ahead, in batches


def benchmark_index(passages: Path, docs: list[Document], config: Config, progress: bool = False):
    """An engine over the passages, built once and cached under the index directory by content."""
    from rag.backends import backend_key
    from rag.build import BuildReport, resolve_embedder, write_index
    from rag.engine import Engine
    from rag.store import index_settings, read_manifest

    digest = hashlib.sha1(passages.read_bytes()).hexdigest()[:12]
    bench = replace(config, index_dir=str(Path(config.index_dir) / "benchmarks" / f"{passages.stem}-{digest}"))
    report = BuildReport(bench.index_dir)
    manifest = read_manifest(bench.index_dir)
    embedder = None
    stale = manifest is None or manifest.get("settings") != index_settings(bench) or manifest.get("dense", {}).get("requested") != config.model
    if stale or manifest.get("backend", {}).get("key") != backend_key(bench):  # built for another backend: rebuild
        embedder = resolve_embedder(bench, None, report)
        write_index(docs, bench, embedder, report, progress, {"corpus_dir": str(passages), "corpus_hash": digest})
    return Engine(bench, embedder=embedder, build=False, log=lambda m: None)


def evaluate_squad(passages: str | Path, questions: str | Path | None = None, k: int = 10, config: Config | None = None,
                   progress: bool = False, limit: int | None = None, details: list | None = None) -> dict:
    """Ask every question (text from `questions` matched by id, else from `passages`) and score it.
    details, when given, receives one row per question."""
    from tqdm import tqdm


    if k < 1:
        raise InputError(f"-k must be at least 1, got {k}")
    passages = Path(passages)
    config = config or Config.load()
    docs, items = load_squad(passages)
    if questions is not None:
        texts = load_questions(questions)
        items = [replace(it, question=texts[it.id]) for it in items if str(texts.get(it.id) or "").strip()]
        if not items:
            raise InputError(f"no question id in {questions} matches one in {passages}")
    items = items[:limit] if limit else items
    engine = benchmark_index(passages, docs, config, progress)

    from rag.evaluate import in_items, in_key

    hits1 = hits5 = hits10 = contained = keyed = answered = 0
    mrr = 0.0
    started = time.perf_counter()
    for n, it in enumerate(tqdm(items, desc=f"asking {len(items)} questions", unit="q", disable=not progress)):
        if n % PREPARE == 0:  # the next questions' embeddings in batches, not one by one
            engine.retriever.prepare([x.question for x in items[n:n + PREPARE]])
        info = engine.retriever.analyze(it.question)
        paragraphs = list(dict.fromkeys(h.chunk.doc_id for h in engine.retriever.search(info, k * 3)))[:k]
        rank = paragraphs.index(it.paragraph) + 1 if it.paragraph in paragraphs else None
        answer = engine.answer_from(info, engine.passages(info))
        text = unpunctuated(answer.answer.replace("**", "")) if answer.found else ""
        golds = [g for g in map(unpunctuated, it.answers) if g]
        listed = [i.text for i in answer.items] if answer.found and answer.items else []
        in_list = any(in_items(g, listed, unpunctuated) for g in it.answers)  # an enumeration, each part a listed item
        ok = any(g in text for g in golds) or in_list
        ok_key = answer.found and (any(in_key(g, [unpunctuated(k) for k in answer.keys]) for g in golds) or in_list)
        hits1 += rank == 1
        hits5 += bool(rank and rank <= 5)
        hits10 += bool(rank and rank <= 10)
        mrr += 1.0 / rank if rank else 0.0
        contained += ok
        keyed += ok_key
        answered += answer.found
        if details is not None:
            details.append({"id": it.id, "question": it.question, "rank": rank, "found": answer.found, "key_contained": ok_key, "contained": ok,
                            "answers": list(it.answers), "keys": answer.keys, "answer": answer.answer})
    n = len(items)
    name = passages.stem if questions is None else f"{Path(questions).stem}→{passages.stem}"
    return {
        "dataset": name,
        "questions": n,
        "recall@1": round(hits1 / n, 4),
        "recall@5": round(hits5 / n, 4),
        "recall@10": round(hits10 / n, 4),
        "mrr@10": round(mrr / n, 4),
        "key_contained@1": round(keyed / n, 4),
        "answer_contained@1": round(contained / n, 4),
        "answered": round(answered / n, 4),
        "channels": list(engine.retriever.channels),
        "seconds_per_question": round((time.perf_counter() - started) / n, 4),
    }
