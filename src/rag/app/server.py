"""`rag serve`: one ASGI app — the plain JSON routes, the Gradio page mounted at /, the guard in
front — served by uvicorn on a socket bound before anything else starts.

Why not `Blocks.launch()`: a middleware must sit in front of Gradio to refuse oversized bodies
before they are read and to close the routes the page does not use, and the JSON API is served
without a Gradio session per call. The page and gradio_client work as with launch()."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys

from rag.config import Config
from rag.errors import InputError

WORKERS = 2  # calls of the core at once (JSON routes and Gradio queue alike): CPU-bound, the GIL
QUEUE_SIZE = 64  # calls waiting beyond this get "busy" (503 / queue full) instead of piling up
SESSIONS = 200  # Gradio sessions kept (each about 55 KB); a tab idle past this many newer ones starts afresh
QUEUE_EVENTS_KEPT = 256  # finished events Gradio's queue remembers for its statistics (it keeps 10,000)
TIDY_SECONDS = 30


def create_app(engine, workers: int = WORKERS, queue_size: int = QUEUE_SIZE):
    """The whole served app over an opened Engine: an ASGI callable for uvicorn (or a test client)."""
    import gradio as gr
    from fastapi import FastAPI
    from starlette.middleware.cors import CORSMiddleware

    from rag.app.api import DEFAULTS, JsonApi, Routes
    from rag.app.assets import CSS, HEAD
    from rag.app.guard import Guard
    from rag.app.ui import build_app, theme

    api = JsonApi(engine)
    demo = build_app(engine, api)
    demo.state_session_capacity = SESSIONS
    demo.queue(default_concurrency_limit=workers, max_size=queue_size, api_open=False)  # api_open: no queue bypass
    demo._queue.ANALYTICS_MAX_EVENTS = QUEUE_EVENTS_KEPT

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        task = asyncio.create_task(_tidy_every(TIDY_SECONDS, demo._queue))
        yield
        task.cancel()

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    # Present, so Gradio adds none of its own (it would echo any localhost origin with
    # credentials); allowing no origin means only the page's own origin can call the app.
    app.add_middleware(CORSMiddleware, allow_origins=[], allow_credentials=False)
    for route in Routes(api, workers, queue_size).routes():
        app.router.routes.append(route)

    gr.mount_gradio_app(
        app, demo, path="/", show_error=False, ssr_mode=False, mcp_server=False, footer_links=["api"],
        max_file_size="1kb", theme=theme(), css=CSS, head=HEAD, run_history=False, pwa=False, enable_monitoring=False,
    )
    return Guard(app, defaults=DEFAULTS)


def tidy_queue(queue) -> int:
    """Forget the sessions Gradio's queue keeps an empty set of pending events for: it makes one per
    REST call (/gradio_api/call/…, a new session each) and never drops it, so memory grows with
    every call. An empty set means nothing is pending; a later event of that session makes a new one.
    Returns how many were dropped."""
    pending = getattr(queue, "pending_event_ids_session", None)
    if not isinstance(pending, dict):  # another Gradio version: nothing to tidy here
        return 0
    done = [session for session, ids in pending.items() if not ids]
    for session in done:
        pending.pop(session, None)
    return len(done)


async def _tidy_every(seconds: float, queue) -> None:
    while True:
        await asyncio.sleep(seconds)
        tidy_queue(queue)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or a one-line error naming the address and the fix."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as e:
        raise InputError(f"cannot listen on {host}:{port} ({e.strerror or e}); pick another port with --port") from None
    return sock


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860, log_fn=None) -> None:
    """Open (building if needed) the index once, then serve the app until interrupted."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from rag.app.ui import EXAMPLES
    from rag.engine import Engine

    say = log_fn or (lambda m: print(m, file=sys.stderr))
    sock = bind(host, port)  # before the index opens: a port in use is reported at once
    engine = Engine(config, progress=True)
    for notice in engine.notices:
        say(f"note: {notice}")
    for example in EXAMPLES[:2]:  # an English and a Chinese question: load the dictionaries and the
        engine.ask(example)  # Chinese segmenter before the first visitor, not during their question
    app = create_app(engine)

    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, timeout_keep_alive=30, timeout_graceful_shutdown=5))
    say(f"rag: serving {len(engine.index.documents)} replies on http://{shown}:{port}/ (Ctrl+C to stop)")
    server.run(sockets=[sock])
