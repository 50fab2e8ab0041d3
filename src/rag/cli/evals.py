"""`rag eval` (the gold set) and `rag eval squad` (public benchmarks)."""

from __future__ import annotations

import json
import sys

import click

from rag.cli.base import (
    cli,
    common_options,
    config_from,
    emit_json,
    open_engine,
)


@cli.group("eval", invoke_without_command=True)
@common_options
@click.option("--gold", default="evals/qa.jsonl", show_default=True, metavar="FILE", help="Gold questions (JSON Lines).")
@click.option("--min-recall-at-5", "min_r5", type=float, help="Fail when Recall@5 is below this.")
@click.option("--min-mrr", type=float, help="Fail when MRR@10 is below this.")
@click.option("--min-key-span-accuracy", "min_key", type=float, help="Fail when key-span accuracy (strict) is below this.")
@click.option("--min-en-key-span-accuracy", "min_en_key", type=float, help="Fail when English key-span accuracy is below this.")
@click.option("--min-item-recall", "min_items", type=float, help="Fail when list item recall is below this.")
@click.option("--min-answer-accuracy", "min_acc", type=float, help="Fail when answer accuracy (loose) is below this.")
@click.option("--min-en-answer-accuracy", "min_en_acc", type=float, help="Fail when English answer accuracy (loose) is below this.")
@click.option("--min-refusal-accuracy", "min_ref", type=float, help="Fail when refusal accuracy is below this.")
@click.option("--show-failures", is_flag=True, help="List the questions answered wrongly (strict).")
@click.option("--json", "json_mode", is_flag=True, help="Print metrics and per-question rows as JSON.")
@click.pass_context
def eval_cmd(ctx, corpus, index, model, gold, min_r5, min_mrr, min_key, min_en_key, min_items, min_acc, min_en_acc, min_ref, show_failures, json_mode):
    """Score retrieval and answers on the gold set (default), or on a public benchmark (`rag eval squad`).

    Reports, overall, per language and per intent: Recall@1/3/5 and MRR@10 of the gold document;
    key-span accuracy (strict: the gold inside the answer's key span, its listed items or its
    verdict); item recall of list and plan questions; answer accuracy (loose: the gold anywhere in
    the answer); refusal accuracy. --min-… thresholds make it exit 1 when not met (for CI).

    \b
    Examples:
      rag eval
      rag eval --gold evals/blind.jsonl --show-failures
      rag eval --min-key-span-accuracy 0.9 --min-item-recall 0.8 --min-refusal-accuracy 0.95
      rag eval --json > eval.json
    """
    if ctx.invoked_subcommand is not None:
        return
    from rag.evaluate import check_thresholds, evaluate_gold, load_gold

    items = load_gold(gold)
    engine = open_engine(config_from(corpus, index, model), json_mode)
    report = evaluate_gold(engine, items, progress=not json_mode)
    failures = check_thresholds(report, {
        "recall@5": min_r5, "mrr@10": min_mrr, "key_span_accuracy": min_key, "en:key_span_accuracy": min_en_key, "item_recall": min_items,
        "answer_accuracy": min_acc, "en:answer_accuracy": min_en_acc, "refusal_accuracy": min_ref,
    })
    report["threshold_failures"] = failures
    if json_mode:
        emit_json(report)
    else:
        click.echo(format_eval(report, show_failures))
        for f in failures:
            click.echo(f"FAIL: {f}", err=True)
    if failures:
        sys.exit(1)


@eval_cmd.command("squad")
@common_options
@click.option("--passages", required=True, type=click.Path(dir_okay=False), metavar="FILE", help="SQuAD-format file whose paragraphs are indexed (and whose answers are gold).")
@click.option("--questions", type=click.Path(dir_okay=False), metavar="FILE", help="Take question texts from this file, matched by id (e.g. the English side of XQuAD).")
@click.option("-k", "k", type=click.IntRange(1, 100), default=10, show_default=True, help="Passages retrieved per question.")
@click.option("--limit", type=click.IntRange(1), help="Only the first N questions.")
@click.option("--min-recall-at-1", "min_r1", type=float, help="Fail when recall@1 is below this.")
@click.option("--min-recall-at-5", "min_r5", type=float, help="Fail when recall@5 is below this.")
@click.option("--min-answer-contained", "min_ac", type=float, help="Fail when answer_contained@1 is below this.")
@click.option("--details", type=click.Path(dir_okay=False, writable=True), metavar="FILE", help="Write one JSON line per question here.")
@click.option("--json", "json_mode", is_flag=True, help="Print {dataset, questions, recall@1, recall@5, recall@10, mrr@10, answer_contained@1, channels, seconds_per_question}.")
def eval_squad(corpus, index, model, passages, questions, k, limit, min_r1, min_r5, min_ac, details, json_mode):
    """Score retrieval and answers on a public benchmark in the SQuAD layout.

    Each paragraph becomes a document (its article title as heading) indexed with the same
    pipeline as the corpus; the index is cached under INDEX/benchmarks/.

    \b
    Examples:
      rag eval squad --passages ../shared/benchmarks/xquad/xquad.zh.json
      rag eval squad --passages ../shared/benchmarks/xquad/xquad.zh.json \\
                     --questions ../shared/benchmarks/xquad/xquad.en.json --json
      rag eval squad --passages ../shared/benchmarks/cmrc2018/cmrc2018_dev.json --min-recall-at-1 0.97
    """
    from rag.benchmark import evaluate_squad

    rows: list | None = [] if details else None
    result = evaluate_squad(passages, questions, k, config_from(corpus, index, model), progress=not json_mode, limit=limit, details=rows)
    if rows is not None:
        with open(details, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if json_mode:
        emit_json(result)
    else:
        width = max(len(key) for key in result)
        click.echo("\n".join(f"{key:<{width}}  {', '.join(v) if isinstance(v, list) else v}" for key, v in result.items()))
    failures = [
        f"{name} = {result[name]} is below the minimum {minimum}"
        for name, minimum in (("recall@1", min_r1), ("recall@5", min_r5), ("answer_contained@1", min_ac))
        if minimum is not None and result[name] < minimum
    ]
    for f in failures:
        click.echo(f"FAIL: {f}", err=True)
    if failures:
        sys.exit(1)


def format_eval(report: dict, show_failures: bool = False) -> str:
    cols = ["questions", "recall@1", "recall@5", "mrr@10", "key_span_accuracy", "item_recall", "answer_accuracy", "refusal_accuracy"]
    heads = ["questions", "R@1", "R@5", "MRR@10", "key span (strict)", "item recall", "answer (loose)", "refusals"]
    scopes = [("all", report["overall"])] + list(report["by_lang"].items())
    lines = ["scope     " + "  ".join(f"{h:>17}" for h in heads)]
    for name, s in scopes + [("", None)] + list(report.get("by_intent", {}).items()):
        if s is None:
            lines.append("by intent (answerable questions):")
            continue
        lines.append(f"{name:<9} " + "  ".join(f"{'-' if s[c] is None else s[c]:>17}" for c in cols))
    lines.append(f"channels: {', '.join(report['channels'])}")
    if show_failures:
        for r in report["items"]:
            if not r["strict"]:
                gold = r["gold_items"] or r["gold_answers"]
                got = f"keys={r['keys']}" + (f" verdict={r['verdict']}" if r["verdict"] else "") + (f" items={r['item_recall']:.2f}" if r["item_recall"] is not None else "")
                lines.append(f"✗ {r['id']} [{r['lang']} {r['intent']}→{r['answered_as']}] {r['question']}")
                lines.append(f"    gold={r['gold_docs']} {gold}{' ' + r['gold_verdict'] if r['gold_verdict'] else ''}  rank={r['rank']} found={r['found']} cited={r['cited'][:1]} {got}")
                lines.append("    " + r["answer"].replace("\n", "\n    ")[:400])
    return "\n".join(lines)
