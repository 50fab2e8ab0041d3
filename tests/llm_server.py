"""A small OpenAI-compatible chat completions server on 127.0.0.1 that replays scripted replies,
for testing generation without a real model. It speaks POST /v1/chat/completions only."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_DELAY = 5.0  # seconds: a "slow" reply never holds a test longer than this


@dataclass
class Reply:
    content: str | None = None  # the assistant's message
    status: int = 200
    delay: float = 0.0  # seconds before answering
    raw: bytes | None = None  # a body sent as is (malformed replies)


class ScriptedLLM:
    """script(messages) -> Reply decides each answer; every request is recorded."""

    def __init__(self, script=None):
        self.script = script or (lambda messages: Reply("The replies do not answer this."))
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(404, b'{"error": {"message": "not found"}}')
                reply = server.script(body.get("messages", []))
                time.sleep(min(reply.delay, MAX_DELAY))
                if reply.raw is not None:
                    return self._send(reply.status, reply.raw)
                if reply.status != 200:
                    return self._send(reply.status, json.dumps({"error": {"message": reply.content or "error"}}).encode())
                completion = {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model", ""),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.content}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                }
                self._send(200, json.dumps(completion, ensure_ascii=False).encode())

            def _send(self, status: int, payload: bytes):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def passage_number(messages: list[dict], needle: str) -> int:
    """The [n] of the passage the prompt shows containing needle (so scripts cite the right one)."""
    user = next(m["content"] for m in messages if m["role"] == "user")
    for m in re.finditer(r"^\[(\d+)\] \(.*?\)\n(.*?)(?=\n\n\[\d+\] \(|\n\nQuestion:)", user, re.S | re.M):
        if needle in m.group(2):
            return int(m.group(1))
    raise AssertionError(f"no passage with {needle!r} in the prompt")


def other_passage(messages: list[dict], needle: str) -> int:
    """A passage number whose text does not contain needle."""
    user = next(m["content"] for m in messages if m["role"] == "user")
    for m in re.finditer(r"^\[(\d+)\] \(.*?\)\n(.*?)(?=\n\n\[\d+\] \(|\n\nQuestion:)", user, re.S | re.M):
        if needle not in m.group(2):
            return int(m.group(1))
    raise AssertionError("every passage contains it")
