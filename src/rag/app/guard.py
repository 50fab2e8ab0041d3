"""What reaches the app at all: an ASGI middleware in front of everything (Gradio included).

- Only the routes the page, gradio_client and the JSON API use are open; the rest of what Gradio
  mounts (file uploads, file serving, proxying, monitoring, direct calls of the page's private
  handlers) answers 404, and uploads 403 with a message.
- A request body over `max_body` bytes is refused with 413 before it is read: by its
  Content-Length at once, or, sent in chunks, as soon as the count passes the limit.
- A Gradio call of a named endpoint with fewer values than parameters (`{"data": []}`) has the
  rest filled with the parameters' defaults, so that the endpoint's own checks say what is missing
  (Gradio would refuse it with an empty error).
- Every response carries security headers (a content security policy that keeps the page to its
  own origin, no framing, no sniffing, no referrer).
No Gradio import here."""

from __future__ import annotations

import json
import logging
import re

log = logging.getLogger(__name__)

# A question is at most 2,000 characters; as JSON with every character escaped it is 12 KB.
# The page's own requests carry one question and a few filters.
MAX_BODY = 64 * 1024

SECURITY_HEADERS = {
    # The page's scripts and styles come from its own origin; Gradio's front end also runs inline
    # scripts and the panels' js_on_load (compiled with new Function), hence the two unsafe-*.
    "content-security-policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'none'; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def open_routes(api_names=("ask", "search")) -> list[tuple[frozenset[str], re.Pattern]]:
    """(methods, path pattern) of every route a visitor, gradio_client or a script needs."""
    names = "|".join(re.escape(n) for n in api_names)
    get = frozenset({"GET", "HEAD"})
    routes = [
        (get, r"/|/favicon\.ico|/robots\.txt|/manifest\.json|/theme\.css|/config/?|/(?:assets|static|svelte)/[^?]*"),
        (get, r"/gradio_api/(?:info|openapi\.json|app_id|startup-events|login_check)/?"),
        (get, r"/gradio_api/heartbeat/[\w-]+"),
        (get, r"/gradio_api/queue/data"),
        (frozenset({"POST"}), r"/gradio_api/queue/join|/gradio_api/cancel|/gradio_api/reset/?"),
        # the page's events that skip the queue (loading an example into the box), named by
        # fn_index in the body; Gradio refuses queued handlers here when the queue's api_open is off
        (frozenset({"POST"}), r"/gradio_api/run/predict/?"),
        # only the public endpoints by name: the page's handlers are private
        (frozenset({"POST"}), rf"/gradio_api/call/(?:v2/)?(?:{names})/?"),
        (get, rf"/gradio_api/call/(?:{names})/[\w-]+"),
        (frozenset({"POST"}), rf"/api/(?:{names})"),
    ]
    return [(methods, re.compile(pattern)) for methods, pattern in routes]


_UPLOAD = re.compile(r"/gradio_api/(?:upload|upload_progress|process_recording)(?:/|$)|/upload(?:/|$)")


_CALL = re.compile(r"/gradio_api/call/(?:v2/)?(\w+)/?")


class Guard:
    """The ASGI middleware; wrap the whole app with it: `Guard(app)`.

    defaults: {endpoint name: [default of each parameter]} of the public endpoints."""

    def __init__(self, app, max_body: int = MAX_BODY, defaults: dict[str, list] | None = None):
        self.app = app
        self.max_body = max_body
        self.defaults = defaults or {}
        self.routes = open_routes(tuple(self.defaults) or ("ask", "search"))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.app(scope, receive, send)
        if scope["type"] != "http":  # the page uses HTTP and server-sent events, never websockets
            return await send({"type": "websocket.close", "code": 1008})
        path, method = scope["path"], scope["method"]
        if _UPLOAD.match(path):
            return await _refuse(send, 403, "this server accepts no file uploads")
        if not any(method in methods and pattern.fullmatch(path) for methods, pattern in self.routes):
            if method == "OPTIONS":  # a CORS preflight: no origin but the page's own is allowed
                return await _refuse(send, 403, "cross-origin requests are not allowed")
            log.info("refused %s %s", method, path)
            return await _refuse(send, 404, f"no such route: {method} {path[:200]}")
        length = _content_length(scope)
        if length is not None and length > self.max_body:
            return await _refuse(send, 413, f"the request body is {length:,} bytes; the limit is {self.max_body:,}")

        started = refused = False

        async def send_with_headers(message):
            nonlocal started
            if refused:  # the 413 is out; whatever the app says after it is dropped
                return
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1").lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        received = 0

        async def counted_receive():
            """The client's messages, until the body passes the limit: then a 413, and to the app a
            disconnect (it may be parsing the body in a framework that would swallow an exception)."""
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    refused = True
                    if not started:
                        await _refuse(send, 413, f"the request body is over the limit of {self.max_body:,} bytes")
                    return {"type": "http.disconnect"}
            return message

        app_receive = counted_receive if length is None else receive
        try:
            call = _CALL.fullmatch(path) if method == "POST" else None
            if call and call.group(1) in self.defaults:
                body = await _read_body(counted_receive)
                if refused:
                    return
                body = fill_defaults(body, self.defaults[call.group(1)])
                scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"content-length"] + [(b"content-length", str(len(body)).encode())]}
                app_receive = _replay(body, receive)
            await self.app(scope, app_receive, send_with_headers)
        except Exception:
            if not refused:  # after a 413 the app's complaint about the cut-off body is expected
                raise


def fill_defaults(body: bytes, defaults: list) -> bytes:
    """{"data": [values…]} with the missing trailing values set to their defaults; any other body as it is."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list) or len(data) >= len(defaults):
        return body
    payload["data"] = data + defaults[len(data):]
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


async def _read_body(receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, receive):
    """A receive() that hands the app a body already read, then passes on what the client does next."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _content_length(scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send, status: int, message: str) -> None:
    """A JSON error, the connection closed after it (an unread body must not be read for the next request)."""
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
