"""The `rag` command group and what its commands share: configuration, JSON output, the engine."""

from __future__ import annotations

import json
import sys

import click

from rag.config import Config


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def config_from(corpus, index, model) -> Config:
    return Config.load(corpus_dir=corpus, index_dir=index, model=model)


def common_options(f):
    f = click.option("--model", "model", metavar="ID|PATH", help="Embedding model: hub id or local directory; 'none' turns the dense channel off. [env RAG_MODEL]")(f)
    f = click.option("--index", "index", metavar="DIR", help="Index directory. [env RAG_INDEX_DIR; default index]")(f)
    f = click.option("--corpus", "corpus", metavar="DIR", help="Directory of replies (.txt/.md). [env RAG_CORPUS_DIR; default corpus]")(f)
    return f


def read_query(value: str) -> str:
    """The query argument, or standard input when it is '-' (for long or scripted questions)."""
    if value == "-":
        return sys.stdin.read()
    return value


def open_engine(config: Config, json_mode: bool):
    from rag.engine import Engine

    # notices (the dense channel being off) are said when the index is built and by `rag status`,
    # and travel in --json output; not on every question
    return Engine(config, progress=not json_mode)


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


