"""`rag search` and `rag ask`."""

from __future__ import annotations

import click

from rag.cli.base import (
    cli,
    common_options,
    config_from,
    emit_json,
    open_engine,
    read_query,
)


@cli.command()
@click.argument("query")
@common_options
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
    engine = open_engine(config_from(corpus, index, model), json_mode)
    result = engine.search(read_query(query), k=k, doc=doc, year=year)
    if json_mode:
        emit_json(result.to_dict())
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
@common_options
@click.option("--doc", metavar="文号", help="Only this reply, e.g. 沪科建复〔2024〕31号.")
@click.option("--year", type=int, metavar="YYYY", help="Only replies issued in this year.")
@click.option("--json", "json_mode", is_flag=True, help="Print JSON: {question, found, answer, citations: [{doc_number, title, section, chunk_id, quote, citation}], sources, channels}.")
@click.option("--generate", is_flag=True, help="Also have a language model write the answer in the question's language, each sentence verified "
              "(needs RAG_LLM_URL and RAG_LLM_MODEL; see `rag ask --help`). Adds \"generated\" to the JSON.")
def ask(question, corpus, index, model, doc, year, json_mode, generate):
    """Answer QUESTION from the replies, quoting them and citing each 文号.

    When the replies do not answer it, says so and lists the nearest passages.
    QUESTION may be Chinese or English; '-' reads it from standard input.

    \b
    Examples:
      rag ask "上海累计成立了多少家外资研发中心？"
      rag ask "How many foreign R&D centres are there?" --json
      rag ask "联系人是谁？" --doc 沪科建复〔2024〕31号
      RAG_LLM_URL=http://localhost:11434/v1 RAG_LLM_MODEL=qwen2.5:7b rag ask "How many foreign R&D centres are there?" --generate
    """
    engine = open_engine(config_from(corpus, index, model), json_mode)
    answer = engine.ask(read_query(question), doc=doc, year=year)
    if generate:
        from rag.cli.check import show_generated

        show_generated(engine, answer, json_mode)
        return
    if json_mode:
        emit_json(answer.to_dict())
        return
    print_answer(answer)


VERDICT_LABELS = {"yes": ("是", "Yes"), "no": ("否", "No")}


def print_answer(answer) -> None:
    """The answer as a reader wants it: the verdict or key first, then each quote with its citation;
    a list or plan as numbered items. A refusal lists the nearest passages, when there are any."""
    if not answer.found:
        click.echo(answer.answer)
        if answer.sources:
            click.echo()
            click.echo("Nearest passages:")
            for h in answer.sources[:5]:
                c = h.chunk
                click.echo(f"  {h.rank}. {c.doc_number or c.doc_id}  {c.section_path or c.title}")
                click.echo("     " + (c.text[:160] + ("…" if len(c.text) > 160 else "")).replace("\n", " "))
        return
    zh = answer.lang == "zh"
    if answer.verdict:
        label = VERDICT_LABELS.get(answer.verdict, (answer.verdict, answer.verdict))[0 if zh else 1]
        click.echo(click.style(label, bold=True) + f"  ({answer.citations[0].doc_number})")
        click.echo()
    elif answer.items:
        if answer.heading:
            click.echo(click.style(answer.heading, bold=True))
        if answer.items_apart:
            for n, item in enumerate(answer.items, start=1):
                click.echo(f"  {n}. {item.text}")
            click.echo()
    elif answer.keys:
        click.echo(click.style("；".join(answer.keys[:3]) if zh else "; ".join(answer.keys[:3]), bold=True) + f"  ({answer.citations[0].doc_number})")
        click.echo()
    for n, c in enumerate(answer.citations, start=1):
        quote = c.quote
        for s, e in sorted(c.marked, reverse=True):
            quote = quote[:s] + click.style(quote[s:e], bold=True, underline=True) + quote[e:]
        click.echo(f"[{n}] “{quote}”")
        click.echo(f"    {c.citation}")
        if c.section:
            click.echo(f"    § {c.section}")
        click.echo()
    if answer.confidence is not None:
        click.echo(f"confidence {answer.confidence:.2f}; channels: {', '.join(answer.channels)}", err=True)
    else:
        click.echo(f"channels: {', '.join(answer.channels)}", err=True)
