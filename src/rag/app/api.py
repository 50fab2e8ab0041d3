"""The JSON API: `ask`, `search` and `check` return exactly the JSON of `rag ask --json`,
`rag search --json` and `rag check --json`.

Two doors lead here, sharing the argument checks: the Gradio endpoints `/ask`, `/search` and
`/check` (for gradio_client) and the plain HTTP routes POST /api/ask, /api/search and /api/check (for scripts, curl and
load: no Gradio session, queue or event stream per call). No Gradio import in this module."""

from __future__ import annotations

import inspect
import json
import logging

from rag.errors import InputError, RagError

log = logging.getLogger(__name__)

MAX_K = 100  # the CLI's bound on -k
ALL = "全部 All"  # the page's "no filter" choice
EXAMPLE = {"ask": '{"question": "How many foreign R&D centres are there?"}', "search": '{"query": "揭榜挂帅", "k": 5}',
           "check": '{"draft": "截至目前，上海累计成立外资研发中心453家。"}'}


def _kind(value) -> str:
    """How a JSON value reads to the person who sent it."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"{type(value).__name__} {value!r:.40}"


def text_arg(name: str, value, required: bool = True) -> str | None:
    """A text argument: a string, or None when optional and blank. Anything else is a clear error."""
    if value is None or (not required and isinstance(value, str) and value.strip() in ("", ALL)):
        if required:
            raise InputError(f"{name} is missing; send it as text, e.g. {{\"{name}\": \"揭榜挂帅\"}}")
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be text, got {_kind(value)}; send it as a string")
    return value if required else value.strip()


def year_arg(value) -> int | None:
    """The year filter: None or blank means none; 2023 or "2023"; the core names years not indexed."""
    if value is None or (isinstance(value, str) and value.strip() in ("", ALL)):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise InputError(f"the year must be like 2023, got {_kind(value)}")


def k_arg(value) -> int:
    """How many passages: a whole number from 1 to MAX_K (10.0 from a slider counts as 10)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_K:
        raise InputError(f"k must be a whole number from 1 to {MAX_K}, got {_kind(value)}")
    return value


class JsonApi:
    """The two API calls over one Engine, arguments checked before the core sees them."""

    def __init__(self, engine):
        self.engine = engine
        self._verifier = None

    def ask(self, question=None, doc=None, year=None) -> dict:
        question = text_arg("question", question)
        return self.engine.ask(question, doc=text_arg("doc", doc, required=False), year=year_arg(year)).to_dict()

    def search(self, query=None, k=5, doc=None, year=None) -> dict:
        query = text_arg("query", query)
        k = k_arg(k)
        return self.engine.search(query, k=k, doc=text_arg("doc", doc, required=False), year=year_arg(year)).to_dict()

    def check(self, draft=None) -> dict:
        """Check a draft against the replies: the JSON of `rag check --json`."""
        from rag.draft import check_draft
        from rag.verify import Verifier

        draft = text_arg("draft", draft)
        if self._verifier is None:
            self._verifier = Verifier(self.engine)
        return check_draft(self._verifier, draft, self.engine.notices).to_dict()

    def call(self, name: str, body: bytes) -> dict:
        """One plain HTTP call: body is the JSON object of the arguments, by name."""
        try:
            args = json.loads(body or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(f"the body is not JSON; send an object like {EXAMPLE[name]}") from None
        if not isinstance(args, dict):
            raise InputError(f"the body must be a JSON object like {EXAMPLE[name]}, got {_kind(args)}")
        unknown = sorted(set(args) - set(FIELDS[name]))
        if unknown:
            raise InputError(f"unknown field {unknown[0]!r:.60}; /api/{name} takes {', '.join(FIELDS[name])}")
        return getattr(self, name)(**args)


def _parameters(name: str) -> list:
    return list(inspect.signature(getattr(JsonApi, name)).parameters.values())[1:]


FIELDS = {name: tuple(p.name for p in _parameters(name)) for name in ("ask", "search", "check")}
# each parameter's default, in order: for calls that send fewer values than there are parameters
DEFAULTS = {name: [p.default for p in _parameters(name)] for name in FIELDS}


class Routes:
    """POST /api/ask and POST /api/search as Starlette routes: JSON in, the CLI's JSON out;
    {"error": message} with 400 for bad input, 503 when too many calls wait, 500 for a bug.

    The core runs in at most `workers` threads at once (it is CPU-bound Python, so more would only
    contend for the GIL); at most `queue_size` calls wait, the rest are told to retry."""

    def __init__(self, api: JsonApi, workers: int, queue_size: int):
        self.api = api
        self.workers = workers
        self.queue_size = queue_size
        self.pending = 0  # touched only on the event loop's thread
        self._limiter = None

    def routes(self) -> list:
        from starlette.routing import Route

        return [Route(f"/api/{name}", self._endpoint(name), methods=["POST"], name=f"api_{name}") for name in FIELDS]

    def _endpoint(self, name: str):
        async def endpoint(request):
            return await self.handle(name, request)

        return endpoint

    async def handle(self, name: str, request):
        import anyio
        from starlette.responses import JSONResponse

        if self.pending >= self.workers + self.queue_size:
            return JSONResponse({"error": "the server is busy; retry in a second"}, status_code=503, headers={"Retry-After": "1"})
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.workers)
        self.pending += 1
        try:
            body = await request.body()
            data = await anyio.to_thread.run_sync(self.api.call, name, body, limiter=self._limiter)
            return JSONResponse(data)
        except RagError as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        except Exception:  # a bug: the traceback goes to the server log, the caller gets one line
            log.exception("unexpected error in /api/%s", name)
            return JSONResponse({"error": "internal error; the server log has the details"}, status_code=500)
        finally:
            self.pending -= 1
