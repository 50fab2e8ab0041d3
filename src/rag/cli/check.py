"""`rag check` (verify a draft against the replies) and `rag eval drafts` (score the verifier)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rag.cli.base import cli, common_options, config_from, emit_json, open_engine
from rag.cli.evals import eval_cmd
from rag.errors import InputError


def read_draft(source: str) -> str:
    """The draft from a file (UTF-8 or GB18030) or standard input ('-')."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise InputError(f"no such file: {source!r}; pass a text or Markdown file, or '-' to read standard input")
    from rag.loader import read_text

    return read_text(path)


def show_generated(engine, answer, json_mode: bool) -> None:
    """`rag ask --generate`: the model's verified answer, the verbatim quotes as evidence, and a
    notice on standard error for each fallback or correction."""
    from rag.generate import generate
    from rag.verify import Verifier

    out = generate(engine, Verifier(engine), answer.question, answer=answer)
    if json_mode:
        emit_json(out)
        return
    for notice in out["notices"][len(answer.notices):]:
        click.echo(f"note: {notice}", err=True)
    g = out["generated"]
    if g is None:  # the extractive answer, as `rag ask` prints it
        from rag.cli.query import print_answer

        print_answer(answer)
        return
    click.echo(click.style(g["text"], bold=True) + f"  ({g['model']})")
    click.echo()
    click.echo("Evidence:")
    for n, hit in ((p["n"], answer.sources[p["n"] - 1]) for p in g["passages"]):
        quotes = [c for s in g["sentences"] if s["kept"] and n in s["passages"] for c in s["citations"] if c["chunk_id"] == hit.chunk.chunk_id]
        if quotes:
            click.echo(f"[{n}] “{quotes[0]['quote']}”")
            click.echo(f"    {quotes[0]['citation']}")
    for s in g["sentences"]:
        if not s["kept"]:
            click.echo(click.style(f"removed ({s['verdict']}): ", fg="red") + f"{s['text']}  {s['note']}")


@cli.command("check")
@click.argument("source", metavar="FILE|-")
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text: a report; markdown: the draft with footnote citations and a reference list; json: as --json.")
@click.option("--json", "json_mode", is_flag=True, help='Print JSON: {"claims": [{text, verdict, citations, note, span}], "references": [...]}.')
@click.option("--strict", is_flag=True, help="Exit 1 when any claim is contradicted or not found (for scripts).")
def check_cmd(source, corpus, index, model, fmt, json_mode, strict):
    """Check a draft against the replies: each sentence is supported, contradicted or not found.

    Figures, units, hedges (约, 超过, 余), years, dates, names and 文号 must agree with the
    supporting quote; a figure that differs is contradicted and the reply's figure is shown.
    English sentences are matched through the cross-lingual channel.

    \b
    Examples:
      rag check draft.md
      echo "截至目前，上海累计成立外资研发中心450家。" | rag check -
      rag check draft.md --format markdown > draft.cited.md
      rag check draft.md --json
    """
    from rag.draft import check_draft, to_markdown, to_text
    from rag.verify import Verifier

    text = read_draft(source)
    json_mode = json_mode or fmt == "json"
    engine = open_engine(config_from(corpus, index, model), json_mode)
    report = check_draft(Verifier(engine), text, engine.notices)
    if json_mode:
        emit_json(report.to_dict())
    elif fmt == "markdown":
        click.echo(to_markdown(report), nl=False)
    else:
        click.echo(to_text(report, click.style))
    counts = report.counts()
    if strict and (counts["contradicted"] or counts["not_found"]):
        sys.exit(1)


@eval_cmd.command("drafts")
@common_options
@click.option("--drafts", "path", default="evals/drafts.jsonl", show_default=True, metavar="FILE", help="Claims with known verdicts (JSON Lines).")
@click.option("--min-flagged", type=float, help="Fail when the share of altered and invented claims flagged is below this.")
@click.option("--min-supported", type=float, help="Fail when the share of true claims supported with the right 文号 is below this.")
@click.option("--show-failures", is_flag=True, help="List the claims judged wrongly.")
@click.option("--json", "json_mode", is_flag=True, help="Print the scores and per-claim rows as JSON.")
def eval_drafts(corpus, index, model, path, min_flagged, min_supported, show_failures, json_mode):
    """Score the claim verifier on a set of draft sentences with known verdicts.

    flagged: altered and invented claims not marked supported; supported: true claims marked
    supported and cited to their reply. --min-… thresholds make it exit 1 when not met (for CI).

    \b
    Examples:
      rag eval drafts
      rag eval drafts --min-flagged 0.95 --min-supported 0.9
      rag eval drafts --drafts evals/drafts_dev.jsonl --show-failures
    """
    from rag.drafteval import evaluate_drafts, format_report, load_drafts
    from rag.evaluate import check_thresholds
    from rag.verify import Verifier

    items = load_drafts(path)
    engine = open_engine(config_from(corpus, index, model), json_mode)
    report = evaluate_drafts(Verifier(engine), items, progress=not json_mode)
    failures = check_thresholds(report, {"flagged": min_flagged, "supported": min_supported})
    report["threshold_failures"] = failures
    if json_mode:
        emit_json(report)
    else:
        click.echo(format_report(report, show_failures))
    for f in failures:
        click.echo(f"FAIL: {f}", err=True)
    if failures:
        sys.exit(1)
