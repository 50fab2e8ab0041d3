"""The guard in front of the app, driven as ASGI with an app that records what reaches it."""

import asyncio
import json

import pytest

from rag.app.guard import MAX_BODY, SECURITY_HEADERS, Guard, fill_defaults


class Recorder:
    """An ASGI app that reads the whole body, counts what it read, and answers 200."""

    def __init__(self):
        self.calls = 0
        self.read = 0
        self.body = b""
        self.headers = {}

    async def __call__(self, scope, receive, send):
        self.calls += 1
        self.headers = dict(scope["headers"])
        more = scope["method"] in ("POST", "PUT")
        while more:
            message = await receive()
            self.read += len(message.get("body", b""))
            self.body += message.get("body", b"")
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain"), (b"x-frame-options", b"SAMEORIGIN")]})
        await send({"type": "http.response.body", "body": b"ok"})


def request(guard, method, path, chunks=(), headers=()):
    """Run one request through guard; returns (status, headers, body, how many chunks were received)."""
    pending = list(chunks)
    sent, received = [], []

    async def receive():
        received.append(1)
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [(k.encode(), v.encode()) for k, v in headers]}
    asyncio.run(guard(scope, receive, send))
    start = sent[0]
    fields = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], fields, body, len(received)


@pytest.fixture
def app():
    return Recorder()


def test_open_routes_pass_with_security_headers(app):
    status, headers, body, _ = request(Guard(app), "GET", "/")
    assert status == 200 and body == b"ok" and app.calls == 1
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"  # the app's own weaker value is replaced


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/gradio_api/file=/etc/passwd"),
        ("GET", "/gradio_api/file/etc/passwd"),
        ("GET", "/gradio_api/proxy=http://example.com/"),
        ("POST", "/gradio_api/call/ask_page"),  # the page's private handlers
        ("POST", "/gradio_api/call/v2/search_page_1"),
        ("POST", "/gradio_api/run/ask_page"),
        ("GET", "/monitoring"),
        ("POST", "/gradio_api/vibe-edit"),
        ("DELETE", "/api/ask"),
        ("GET", "/api/ask"),
    ],
)
def test_routes_the_page_does_not_use_are_closed(app, method, path):
    status, headers, body, _ = request(Guard(app), method, path)
    assert status == 404 and app.calls == 0
    assert "no such route" in json.loads(body)["error"]
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/gradio_api/upload_progress", "/upload"])
def test_uploads_are_refused_with_a_message(app, path):
    status, _, body, received = request(Guard(app), "POST", path, [b"--x\r\n"], [("content-length", "5")])
    assert status == 403 and app.calls == 0 and received == 0
    assert json.loads(body) == {"error": "this server accepts no file uploads"}


@pytest.mark.parametrize("method, path", [("POST", "/gradio_api/call/ask"), ("POST", "/gradio_api/call/search"), ("GET", "/gradio_api/call/ask/abc123"), ("POST", "/api/search"), ("POST", "/gradio_api/queue/join"), ("GET", "/assets/index-abc.js"), ("GET", "/config")])
def test_what_the_page_and_clients_need_is_open(app, method, path):
    assert request(Guard(app), method, path, [b"{}"], [("content-length", "2")])[0] == 200


def test_a_declared_oversized_body_is_refused_unread(app):
    status, headers, body, received = request(Guard(app), "POST", "/api/ask", [b"x" * 1024] * 4, [("content-length", str(10 * 1024 * 1024))])
    assert status == 413 and received == 0 and app.calls == 0
    assert headers["connection"] == "close"
    assert "10,485,760 bytes" in json.loads(body)["error"]


def test_a_streamed_body_is_cut_off_at_the_limit(app):
    chunks = [b"x" * 16384] * 100  # no Content-Length: counted as it arrives
    status, _, body, received = request(Guard(app), "POST", "/api/ask", chunks)
    assert status == 413 and "limit" in json.loads(body)["error"]
    assert received == MAX_BODY // 16384 + 1  # stopped at the first chunk over the limit, not at the end
    assert app.read <= MAX_BODY


def test_a_body_under_the_limit_reaches_the_app(app):
    status, _, _, _ = request(Guard(app), "POST", "/api/ask", [b"y" * 1000, b"y" * 1000])
    assert status == 200 and app.read == 2000


def test_a_cors_preflight_is_refused(app):
    status, headers, _, _ = request(Guard(app), "OPTIONS", "/gradio_api/queue/join", headers=[("origin", "http://localhost:9999"), ("access-control-request-method", "POST")])
    assert status == 403 and "access-control-allow-origin" not in headers


def test_a_short_gradio_call_gets_the_endpoint_defaults(app):
    guard = Guard(app, defaults={"ask": [None, None, None], "search": [None, 5, None, None]})
    status, _, _, _ = request(guard, "POST", "/gradio_api/call/search", ['{"data": ["揭榜"]}'.encode()])
    assert status == 200
    assert json.loads(app.body) == {"data": ["揭榜", 5, None, None]}
    assert app.headers[b"content-length"] == str(len(app.body)).encode()


@pytest.mark.parametrize("body", [b'{"data": ["a", 1, null]}', b'{"data": "x"}', b"[1]", b"not json"])
def test_other_call_bodies_pass_as_they_are(body):
    assert fill_defaults(body, [None, None, None]) == body


def test_a_short_gradio_call_sent_in_chunks_is_filled_in_too(app):
    guard = Guard(app, defaults={"ask": [None, None, None]})
    status, _, _, _ = request(guard, "POST", "/gradio_api/call/ask", [b'{"data": ', b"[]}"])
    assert status == 200 and json.loads(app.body) == {"data": [None, None, None]}


def test_gradio_queue_forgets_sessions_with_nothing_pending():
    from types import SimpleNamespace

    from rag.app.server import tidy_queue

    queue = SimpleNamespace(pending_event_ids_session={"rest-1": set(), "rest-2": set(), "tab": {"event-9"}})
    assert tidy_queue(queue) == 2
    assert queue.pending_event_ids_session == {"tab": {"event-9"}}
    assert tidy_queue(SimpleNamespace()) == 0  # a Gradio without that table: nothing to do
