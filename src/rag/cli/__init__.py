"""The `rag` command. Heavy libraries (torch, gradio) load only inside the commands that need them.

    base.py    the command group, shared options, configuration and JSON output
    query.py   search, ask
    index.py   index, status, serve
    evals.py   eval, eval squad
    check.py   check, eval drafts
"""

from __future__ import annotations

import os
import sys

import click

from rag.cli import check, evals, index, query  # noqa: F401  (each registers its commands)
from rag.cli.base import cli
from rag.errors import RagError


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
