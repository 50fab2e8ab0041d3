"""The `rag` command. Heavy libraries (torch, gradio) load only inside the commands that need them."""

from __future__ import annotations

import json
import os
import sys

import click

from rag.config import Config
from rag.errors import RagError

EPILOG_ENV = "Settings also come from RAG_CORPUS_DIR, RAG_INDEX_DIR and RAG_MODEL (a hub id, a local path, or 'none')."


def _emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _config(corpus, index, model) -> Config:
    return Config.load(corpus_dir=corpus, index_dir=index, model=model)


def _common(f):
    f = click.option("--model", "model", metavar="ID|PATH", help="Embedding model: hub id or local directory; 'none' turns the dense channel off. [env RAG_MODEL]")(f)
    f = click.option("--index", "index", metavar="DIR", help="Index directory. [env RAG_INDEX_DIR; default index]")(f)
    f = click.option("--corpus", "corpus", metavar="DIR", help="Directory of replies (.txt/.md). [env RAG_CORPUS_DIR; default corpus]")(f)
    return f


def _read_query(value: str) -> str:
    """The query argument, or standard input when it is '-' (for long or scripted questions)."""
    if value == "-":
        return sys.stdin.read()
    return value


def _engine(config: Config, json_mode: bool):
    from rag.engine import Engine

    engine = Engine(config, progress=not json_mode)
    for notice in engine.notices:
        click.echo(f"note: {notice}", err=True)
    return engine


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="rag")
def cli():
    """Search and ask the Shanghai Science and Technology Commission's replies to proposals and
    suggestions. Answers quote the documents and cite their document numbers (文号).

    \b
    Examples:
      rag ask "How many foreign R&D centres are there?"
      rag ask "2022年研发经费占GDP比重是多少？" --json
      rag search 揭榜挂帅 --year 2023
      rag status
    """


@cli.command("index")
@_common
@click.option("--force", is_flag=True, help="Rebuild everything, even when nothing changed.")
@click.option("--json", "json_mode", is_flag=True, help="Print the build report as JSON.")
def index_cmd(corpus, index, model, force, json_mode):
    """Build or update the index from the corpus.

    Only what changed is redone: an unchanged corpus is left alone, and passage embeddings
    whose text is unchanged are reused.

    \b
    Examples:
      rag index
      rag index --corpus ~/replies --index ~/replies-index
      RAG_MODEL=/models/multilingual-e5-small rag index --force
    """
    from rag.build import build_index

    config = _config(corpus, index, model)
    report = build_index(config, force=force, progress=not json_mode)
    if json_mode:
        _emit_json(report.to_dict())
    else:
        for w in report.warnings:
            click.echo(f"warning: {w}", err=True)
        if report.up_to_date:
            click.echo(f"index is up to date: {report.documents} documents, {report.chunks} passages in {report.index_dir}")
        else:
            delta = ", ".join(f"{len(v)} {k}" for k, v in (("added", report.added), ("changed", report.changed), ("removed", report.removed)) if v)
            click.echo(
                f"indexed {report.documents} documents ({delta or 'no changes'}) into {report.chunks} passages "
                f"in {report.seconds:.1f}s → {report.index_dir}"
            )
            if report.dense:
                click.echo(f"dense channel: {report.embedded} passages embedded, {report.reused} reused")
        if not report.dense:
            click.echo(f"note: dense channel off: {report.dense_reason}. Search uses the lexical channels.", err=True)
    for e in report.errors:
        click.echo(f"error: {e}", err=True)
    if report.errors:
        sys.exit(1)


@cli.command()
@click.argument("query")
@_common
@click.option("-k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="Number of passages.")
@click.option("--doc", metavar="文号", help="Only this reply, e.g. 沪科提复〔2023〕50号.")
@click.option("--year", type=int, metavar="YYYY", help="Only replies issued in this year.")
@click.option("--json", "json_mode", is_flag=True, help="Print JSON: {query, hits: [{rank, doc_number, title, section, chunk_id, score, text}], channels}.")
def search(query, corpus, index, model, k, doc, year, json_mode):
    """Find the passages that best match QUERY (Chinese or English; '-' reads standard input).

    \b
    Examples:
      rag search 外资研发中心
      rag search "new towns innovation platforms" -k 3
      rag search 揭榜挂帅 --doc 沪科提复〔2023〕42号 --json
    """
    engine = _engine(_config(corpus, index, model), json_mode)
    result = engine.search(_read_query(query), k=k, doc=doc, year=year)
    if json_mode:
        _emit_json(result.to_dict())
        return
    if not result.hits:
        click.echo("no passage matches this query.")
    for h in result.hits:
        c = h.chunk
        via = ", ".join(f"{ch} #{r}" for ch, r in h.channels.items())
        click.echo(click.style(f"{h.rank}. {c.doc_number or c.doc_id}", bold=True) + f"  {c.section_path or c.title}  (score {h.score:.4f}; {via})")
        click.echo("   " + c.text.replace("\n", "\n   "))
        click.echo()
    click.echo(f"channels: {', '.join(result.channels)}", err=True)


@cli.command()
@click.argument("question")
@_common
@click.option("--doc", metavar="文号", help="Only this reply, e.g. 沪科建复〔2024〕31号.")
@click.option("--year", type=int, metavar="YYYY", help="Only replies issued in this year.")
@click.option("--json", "json_mode", is_flag=True, help="Print JSON: {question, found, answer, citations: [{doc_number, title, section, chunk_id, quote, citation}], sources, channels}.")
def ask(question, corpus, index, model, doc, year, json_mode):
    """Answer QUESTION from the replies, quoting them and citing each 文号.

    When the replies do not answer it, says so and lists the nearest passages.
    QUESTION may be Chinese or English; '-' reads it from standard input.

    \b
    Examples:
      rag ask "上海累计成立了多少家外资研发中心？"
      rag ask "How many foreign R&D centres are there?" --json
      rag ask "联系人是谁？" --doc 沪科建复〔2024〕31号
    """
    engine = _engine(_config(corpus, index, model), json_mode)
    answer = engine.ask(_read_query(question), doc=doc, year=year)
    if json_mode:
        _emit_json(answer.to_dict())
        return
    if not answer.found:
        click.echo(answer.answer)
        click.echo()
        click.echo("Nearest passages:")
        for h in answer.sources[:5]:
            c = h.chunk
            click.echo(f"  {h.rank}. {c.doc_number or c.doc_id}  {c.section_path or c.title}")
            click.echo("     " + (c.text[:160] + ("…" if len(c.text) > 160 else "")).replace("\n", " "))
        return
    key = answer.key
    if key:
        click.echo(click.style(key, bold=True) + f"  ({answer.citations[0].doc_number})")
        click.echo()
    for n, c in enumerate(answer.citations, start=1):
        quote = c.quote
        if c.highlight:
            s, e = c.highlight
            quote = quote[:s] + click.style(quote[s:e], bold=True, underline=True) + quote[e:]
        click.echo(f"[{n}] “{quote}”")
        click.echo(f"    {c.citation}")
        if c.section:
            click.echo(f"    § {c.section}")
        click.echo()
    click.echo(f"channels: {', '.join(answer.channels)}", err=True)


@cli.command()
@_common
@click.option("--json", "json_mode", is_flag=True, help="Print the status as JSON.")
def status(corpus, index, model, json_mode):
    """Show the index, its channels, and whether the embedding model is available.

    \b
    Examples:
      rag status
      rag status --json
    """
    from rag.status import collect_status, format_status

    data = collect_status(_config(corpus, index, model))
    if json_mode:
        _emit_json(data)
    else:
        click.echo(format_status(data))


@cli.group("eval", invoke_without_command=True)
@_common
@click.option("--gold", default="evals/qa.jsonl", show_default=True, metavar="FILE", help="Gold questions (JSON Lines).")
@click.option("--min-recall-at-5", "min_r5", type=float, help="Fail when Recall@5 is below this.")
@click.option("--min-mrr", type=float, help="Fail when MRR@10 is below this.")
@click.option("--min-answer-accuracy", "min_acc", type=float, help="Fail when answer accuracy is below this.")
@click.option("--min-en-answer-accuracy", "min_en_acc", type=float, help="Fail when English answer accuracy is below this.")
@click.option("--min-refusal-accuracy", "min_ref", type=float, help="Fail when refusal accuracy is below this.")
@click.option("--show-failures", is_flag=True, help="List the questions answered wrongly.")
@click.option("--json", "json_mode", is_flag=True, help="Print metrics and per-question rows as JSON.")
@click.pass_context
def eval_cmd(ctx, corpus, index, model, gold, min_r5, min_mrr, min_acc, min_en_acc, min_ref, show_failures, json_mode):
    """Score retrieval and answers on the gold set (default), or on a public benchmark (`rag eval squad`).

    Reports Recall@1/3/5 and MRR@10 of the gold document, answer accuracy and refusal accuracy,
    overall and per language. --min-… thresholds make it exit 1 when not met (for CI).

    \b
    Examples:
      rag eval
      rag eval --min-recall-at-5 0.95 --min-answer-accuracy 0.9 --min-refusal-accuracy 0.9
      rag eval --json > eval.json
    """
    if ctx.invoked_subcommand is not None:
        return
    from rag.evaluate import check_thresholds, evaluate_gold, load_gold

    items = load_gold(gold)
    engine = _engine(_config(corpus, index, model), json_mode)
    report = evaluate_gold(engine, items, progress=not json_mode)
    failures = check_thresholds(report, {
        "recall@5": min_r5, "mrr@10": min_mrr, "answer_accuracy": min_acc, "en:answer_accuracy": min_en_acc, "refusal_accuracy": min_ref,
    })
    report["threshold_failures"] = failures
    if json_mode:
        _emit_json(report)
    else:
        click.echo(format_eval(report, show_failures))
        for f in failures:
            click.echo(f"FAIL: {f}", err=True)
    if failures:
        sys.exit(1)


@eval_cmd.command("squad")
@_common
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
    result = evaluate_squad(passages, questions, k, _config(corpus, index, model), progress=not json_mode, limit=limit, details=rows)
    if rows is not None:
        with open(details, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if json_mode:
        _emit_json(result)
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


@cli.command()
@_common
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 opens the app to your network.")
@click.option("--port", type=click.IntRange(1, 65535), default=7860, show_default=True, help="Port to listen on.")
def serve(corpus, index, model, host, port):
    """Start the web app: ask questions, search and read the replies in a browser.

    Opens the index once (building it first when needed) and serves it at http://HOST:PORT.
    The page and its API (endpoints `ask` and `search`, same JSON as --json) share the core.

    \b
    Examples:
      rag serve
      rag serve --port 8080
      RAG_MODEL=none rag serve --index /tmp/rag-index
    """
    from rag.app.ui import serve as run_app

    run_app(_config(corpus, index, model), host=host, port=port)


def format_eval(report: dict, show_failures: bool = False) -> str:
    cols = ["questions", "recall@1", "recall@3", "recall@5", "mrr@10", "answer_accuracy", "refusal_accuracy"]
    scopes = [("all", report["overall"])] + list(report["by_lang"].items())
    lines = ["scope  " + "  ".join(f"{c:>16}" for c in cols)]
    for name, s in scopes:
        lines.append(f"{name:<6} " + "  ".join(f"{'-' if s[c] is None else s[c]:>16}" for c in cols))
    lines.append(f"channels: {', '.join(report['channels'])}")
    if show_failures:
        for r in report["items"]:
            if not r["correct"]:
                lines.append(f"✗ {r['id']} [{r['lang']}] {r['question']}  gold={r['gold_docs']} {r['gold_answers']} rank={r['rank']} found={r['found']} cited={r['cited'][:1]}")
                lines.append("    " + r["answer"].replace("\n", "\n    ")[:300])
    return "\n".join(lines)


def main(argv=None) -> None:
    """Entry point: user errors print one line and exit 1; nothing prints a traceback unless RAG_DEBUG=1."""
    try:
        cli.main(args=argv, prog_name="rag", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except RagError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:  # a bug: say so in one line, keep the trace for RAG_DEBUG=1
        if os.environ.get("RAG_DEBUG"):
            raise
        click.echo(f"error: unexpected {type(e).__name__}: {e} (set RAG_DEBUG=1 for the traceback, and please report it)", err=True)
        sys.exit(1)
