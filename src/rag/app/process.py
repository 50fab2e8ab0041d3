"""Run `rag serve` in a child process and wait until it answers: for the benchmark and the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(env: dict | None = None, port: int | None = None, startup_seconds: float = 600, log_path: str | Path | None = None):
    """Start `python -m rag serve` on 127.0.0.1 and yield its URL; stop it on exit.

    env is added to the current environment (RAG_INDEX_DIR, RAG_CORPUS_DIR, RAG_MODEL …). The
    first start may build the index, hence the generous startup_seconds. The server's output goes
    to log_path (a temporary file when not given) and is quoted when it fails to start."""
    with running_server(env, port, startup_seconds, log_path) as (url, _):
        yield url


@contextmanager
def running_server(env: dict | None = None, port: int | None = None, startup_seconds: float = 600, log_path: str | Path | None = None):
    """running_app, yielding (url, process): for measuring the server's memory and CPU time."""
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(log_path or Path(tmp) / "serve.log")
        port = port or free_port()
        url = f"http://127.0.0.1:{port}/"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "rag", "serve", "--port", str(port)],
                env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            )
            try:
                _wait(proc, url, startup_seconds, log_path)
                yield url, proc
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _wait(proc: subprocess.Popen, url: str, seconds: float, log_path: Path) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"`rag serve` exited with status {proc.returncode} before answering:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url + "config", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"`rag serve` did not answer on {url} within {seconds:.0f}s:\n{_tail(log_path)}")
        time.sleep(0.3)


def _tail(log_path: Path) -> str:
    return log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
