"""`rag index`, `rag status` and `rag serve`."""

from __future__ import annotations

import sys

import click

from rag.cli.base import (
    cli,
    common_options,
    config_from,
    emit_json,
)


@cli.command("index")
@common_options
@click.option("--force", is_flag=True, help="Rebuild everything, even when nothing changed.")
@click.option("--json", "json_mode", is_flag=True, help="Print the build report as JSON.")
def index_cmd(corpus, index, model, force, json_mode):
    """Build or update the index from the corpus.

    Only what changed is redone: an unchanged corpus is left alone, and passage embeddings
    whose text is unchanged are reused. A damaged or incomplete index is found (sizes and
    hashes against its manifest) and rebuilt. Two builds of one index never mix: the second
    waits for the first. Empty or unreadable files are skipped with a warning; the rest is
    indexed. Large corpora use one worker process per core (RAG_WORKERS sets the number).

    \b
    Examples:
      rag index
      rag index --corpus ~/replies --index ~/replies-index
      RAG_MODEL=/models/multilingual-e5-small rag index --force
      RAG_BACKEND=qdrant RAG_QDRANT_URL=http://localhost:6333 rag index
    """
    from rag.build import build_index

    config = config_from(corpus, index, model)
    report = build_index(config, force=force, progress=not json_mode)
    if json_mode:
        emit_json(report.to_dict())
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
        if not report.dense and not report.up_to_date:  # said once, when the index is built; `rag status` keeps it
            click.echo(f"note: dense channel off: {report.dense_reason}. Search uses the lexical channels.", err=True)
    for e in report.errors:
        click.echo(f"error: {e}", err=True)
    if report.errors:
        sys.exit(1)


@cli.command()
@common_options
@click.option("--json", "json_mode", is_flag=True, help="Print the status as JSON.")
def status(corpus, index, model, json_mode):
    """Show the index, its channels and backend, whether it is intact, and whether the
    embedding model is available.

    \b
    Examples:
      rag status
      rag status --json
    """
    from rag.status import collect_status, format_status

    data = collect_status(config_from(corpus, index, model))
    if json_mode:
        emit_json(data)
    else:
        click.echo(format_status(data))


@cli.command()
@common_options
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

    run_app(config_from(corpus, index, model), host=host, port=port)
