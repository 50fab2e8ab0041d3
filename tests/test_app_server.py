"""`rag serve` as a hostile or careless client meets it: plain JSON routes, type errors, closed
routes, uploads, oversized bodies, foreign origins, and many long questions at once."""

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rag.app.process import running_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HEADLINE = "How many foreign R&D centres are there?"
HANG_GUARD = 120  # seconds: only so that a server that never answers fails the test instead of hanging it


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    return {
        "RAG_MODEL": "none", "RAG_INDEX_DIR": str(tmp / "index"), "RAG_CORPUS_DIR": str(ROOT / "corpus"),
        "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "GRADIO_TEMP_DIR": str(tmp / "gradio-tmp"),
    }


@pytest.fixture(scope="module")
def server(env, tmp_path_factory):
    with running_app(env, log_path=tmp_path_factory.mktemp("log") / "serve.log") as url:
        parts = urlsplit(url)
        yield parts.hostname, parts.port


def fetch(server, method, path, body=None, headers=None):
    """(status, lower-cased headers, body bytes) of one request on a fresh connection."""
    conn = http.client.HTTPConnection(*server, timeout=HANG_GUARD)
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body, ensure_ascii=False).encode()
    conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    out = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    conn.close()
    return out


def read_reply(sock):
    """One whole response from a raw socket: headers and body may arrive in separate packets, and a
    server that refuses a body closes the connection after its reply (possibly with a reset)."""
    data = b""

    def more() -> bool:
        nonlocal data
        try:
            part = sock.recv(4096)
        except ConnectionResetError:
            return False
        data += part
        return bool(part)

    while b"\r\n\r\n" not in data and more():
        pass
    head = data.partition(b"\r\n\r\n")[0]
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    while len(data) - len(head) - 4 < length and more():
        pass
    return data.decode(errors="replace")


def cli_json(env, *args):
    out = subprocess.run([sys.executable, "-m", "rag", *args, "--json"], env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def gradio_call(server, name, data):
    """A Gradio REST call: POST /gradio_api/call/NAME, then its event stream; returns (event, data)."""
    status, _, body = fetch(server, "POST", f"/gradio_api/call/{name}", {"data": data})
    assert status == 200, body
    _, _, stream = fetch(server, "GET", f"/gradio_api/call/{name}/{json.loads(body)['event_id']}")
    event = [e for e in stream.decode().split("\n\n") if e.startswith("event: ")][-1]
    kind, payload = event.split("\n", 1)
    return kind.removeprefix("event: "), json.loads(payload.removeprefix("data: "))


# -- the plain JSON routes ---------------------------------------------------------------------

def test_api_ask_returns_the_cli_json(server, env):
    status, headers, body = fetch(server, "POST", "/api/ask", {"question": HEADLINE})
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body) == cli_json(env, "ask", HEADLINE)


def test_api_search_returns_the_cli_json(server, env):
    status, _, body = fetch(server, "POST", "/api/search", {"query": "揭榜挂帅", "k": 3, "doc": "沪科提复〔2023〕42号"})
    assert status == 200
    assert json.loads(body) == cli_json(env, "search", "揭榜挂帅", "-k", "3", "--doc", "沪科提复〔2023〕42号")


@pytest.mark.parametrize(
    "path, body, message",
    [
        ("/api/ask", {"question": {"text": HEADLINE}}, "question must be text, got an object"),
        ("/api/ask", {"question": [HEADLINE]}, "question must be text, got a list"),
        ("/api/ask", {}, "question is missing"),
        ("/api/ask", b"", "the body must be a JSON object"),
        ("/api/ask", {"question": "研发" * 1001}, "2,000"),
        ("/api/search", {"query": "揭榜挂帅", "k": 0}, "from 1 to 100"),
        ("/api/search", {"query": "揭榜挂帅", "year": "soon"}, "the year must be like 2023"),
    ],
)
def test_api_bad_input_is_a_400_with_one_message(server, path, body, message):
    status, _, data = fetch(server, "POST", path, body)
    assert status == 400
    assert message in json.loads(data)["error"]


# -- the Gradio endpoints, called by hand ----------------------------------------------------------

@pytest.mark.parametrize(
    "data, message",
    [
        ([{"q": HEADLINE}], "question must be text, got an object"),
        ([["x"], None, None], "question must be text, got a list"),
        ([], "question is missing"),
    ],
)
def test_gradio_call_type_errors_are_clear(server, data, message):
    event, payload = gradio_call(server, "ask", data)
    assert event == "error" and message in payload["error"]


def test_gradio_call_fills_in_defaults(server):
    event, payload = gradio_call(server, "search", ["揭榜挂帅"])
    assert event == "complete" and len(payload[0]["hits"]) == 5  # k's default


def test_the_pages_private_handlers_are_not_callable(server):
    _, _, body = fetch(server, "GET", "/config")
    private = [d for d in json.loads(body)["dependencies"] if d.get("api_visibility") != "public" and d.get("queue") is not False]
    assert private, "the page has handlers of its own"
    for dep in private:
        assert fetch(server, "POST", f"/gradio_api/call/{dep['api_name']}", {"data": [HEADLINE]})[0] == 404
        status, _, out = fetch(server, "POST", "/gradio_api/run/predict", {"data": [HEADLINE], "fn_index": dep["id"], "session_hash": "t1"})
        assert status != 200 and b"rag-result" not in out


# -- closed doors ---------------------------------------------------------------------------------

def test_uploads_are_refused_and_nothing_is_written(server, env):
    body = b'--b\r\nContent-Disposition: form-data; name="files"; filename="x.html"\r\n\r\n<script>alert(1)</script>\r\n--b--\r\n'
    status, _, out = fetch(server, "POST", "/gradio_api/upload", body, {"Content-Type": "multipart/form-data; boundary=b"})
    assert status == 403 and json.loads(out)["error"] == "this server accepts no file uploads"
    temp = Path(env["GRADIO_TEMP_DIR"])
    assert not temp.exists() or not any(p.is_file() for p in temp.rglob("*"))


@pytest.mark.parametrize("path", ["/gradio_api/file=/etc/passwd", f"/gradio_api/file={ROOT / 'README.md'}", "/monitoring", "/gradio_api/mcp/sse"])
def test_no_file_or_tool_routes(server, path):
    assert fetch(server, "GET", path)[0] == 404


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/config"), ("POST", "/api/ask"), ("GET", "/nowhere")])
def test_security_headers_on_every_response(server, method, path):
    _, headers, _ = fetch(server, method, path, {"question": HEADLINE} if method == "POST" else None)
    assert "frame-ancestors 'none'" in headers["content-security-policy"] and "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("origin", ["http://localhost:9999", "http://127.0.0.1:1", "https://example.com", "null"])
def test_foreign_origins_get_no_cors(server, origin):
    for method, path in [("GET", "/config"), ("POST", "/api/ask"), ("POST", "/gradio_api/queue/join")]:
        _, headers, _ = fetch(server, method, path, {"question": HEADLINE} if method == "POST" else None, {"Origin": origin})
        assert "access-control-allow-origin" not in headers and "access-control-allow-credentials" not in headers
    status, headers, _ = fetch(server, "OPTIONS", "/gradio_api/queue/join", None, {"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert status >= 400 and "access-control-allow-origin" not in headers


def test_a_10_mb_body_is_refused_before_it_is_read(server):
    """Only the first kilobyte is sent: a server that read the body would wait for the rest."""
    with socket.create_connection(server, timeout=HANG_GUARD) as sock:
        sock.sendall(f"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {10 * 1024 * 1024}\r\n\r\n".encode() + b"{" * 1024)
        reply = read_reply(sock)
    assert reply.startswith("HTTP/1.1 413") and "limit is 65,536" in reply


def test_a_chunked_body_over_the_limit_is_cut_off(server):
    with socket.create_connection(server, timeout=HANG_GUARD) as sock:
        sock.sendall(b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 16384
        try:
            for _ in range(8):  # 128 KB of the body, then nothing more: the server must answer without the rest
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass  # it refused and closed before all 128 KB were sent: what it answered is below
        reply = read_reply(sock)
    assert reply.startswith("HTTP/1.1 413")


# -- many at once ---------------------------------------------------------------------------------

def test_four_clients_with_long_english_questions_all_get_answers(server):
    """Once crashed: one stemmer shared by the worker threads (IndexError, {"error": null})."""
    words = ["innovation", "centres", "research", "funding", "enterprises", "laboratories", "cooperation", "technology"]
    failures = []

    def client(seed):
        rng = random.Random(seed)
        for _ in range(12):
            text = " ".join(rng.choice(words) if rng.random() < 0.5 else "".join(rng.choice("abcdefghilmnoprstuy") for _ in range(9)) + "ational" for _ in range(150))[:1999]
            status, _, body = fetch(server, "POST", "/api/ask", {"question": text})
            if status != 200 or "found" not in json.loads(body):
                failures.append((status, body[:200]))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
