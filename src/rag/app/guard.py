"""What reaches the app at all: an ASGI middleware in front of everything (Gradio included).

- Only the routes the page, gradio_client and the JSON API use are open; the rest of what Gradio
  mounts (file uploads, file serving, proxying, monitoring, direct calls of the page's private
  handlers) answers 404, and uploads 403 with a message.
- A request body over `max_body` bytes is refused with 413 before it is read: by its
  Content-Length at once, or, sent in chunks, as soon as the count passes the limit.
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


class Guard:
    """The ASGI middleware; wrap the whole app with it: `Guard(app)`."""

    def __init__(self, app, max_body: int = MAX_BODY, api_names=("ask", "search")):
        self.app = app
        self.max_body = max_body
        self.routes = open_routes(api_names)

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

        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1").lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted_receive if length is None else receive, send_with_headers)
        except _TooLarge:
            if not started:
                await _refuse(send, 413, f"the request body is over the limit of {self.max_body:,} bytes")


class _TooLarge(Exception):
    """Raised inside the app's receive() when a body without Content-Length grows past the limit."""


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
