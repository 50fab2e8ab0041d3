"""Load, soak and oversized-body runs against `rag serve`, on 127.0.0.1 only, bounded in time.

Starts the app on a free port (or uses --url and --pid of one already running), then N clients send
requests back to back for S seconds over keep-alive connections, with a small asyncio HTTP/1.1
client of its own (so that the client spends little of the two cores the server also needs).
Reports requests per second, latency percentiles, errors, the server's CPU time per request and
its resident memory (RSS) sampled every few seconds; --max-*/--min-* make it exit 1 when missed.

    python scripts/load.py --clients 32 --seconds 60                     # the normal mix
    python scripts/load.py --clients 4 --seconds 60 --scenario long-english
    python scripts/load.py --clients 8 --seconds 300 --max-rss-growth 30  # soak
    python scripts/load.py --api gradio --clients 32 --seconds 60        # through Gradio's queue
    python scripts/load.py --big-bodies 50                               # 10 MB bodies, refused unread
    python scripts/load.py --clients 16 --seconds 20 --max-errors 0 --max-rss-growth 30 --json

The server runs the lexical channels (RAG_MODEL=none unless set) over RAG_CORPUS_DIR (default
corpus/) with an index in a temporary directory (or RAG_INDEX_DIR).

Scenarios: `mix` (the gold questions asked, 3 in 10 calls a search, some with a 文号 or year
filter), `long-english` (random English questions of 2,000 characters, many words never seen).
APIs: `rest` (POST /api/ask, /api/search) or `gradio` (/gradio_api/call/ask, then its event stream).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WARMUP_SECONDS = 5  # not counted: the first calls fill the caches every later call shares
SAMPLE_SECONDS = 5
TIMEOUT = 30  # a call taking longer than this counts as an error


# -- what to send --------------------------------------------------------------------------------

def gold_questions() -> list[str]:
    return [json.loads(line)["question"] for name in ("qa", "heldout", "final") for line in (ROOT / "evals" / f"{name}.jsonl").open(encoding="utf-8") if line.strip()]


def english_vocabulary() -> list[str]:
    words = set()
    for q in gold_questions():
        words.update(w.strip("?,.()“”\"'").lower() for w in q.split() if w.isascii())
    for line in (ROOT / "src/rag/data/glossary.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            words.update(line.split("\t")[0].split())
    return sorted(w for w in words if w.isalpha())


def mixed_calls(rng: random.Random):
    """The normal mix: (api name, arguments), endlessly."""
    questions = gold_questions()
    filters = [{}, {}, {}, {"year": 2023}, {"doc": "沪科提复〔2023〕50号"}]
    while True:
        q = rng.choice(questions)
        if rng.random() < 0.3:
            yield "search", {"query": q, "k": rng.choice([5, 10]), **rng.choice(filters)}
        else:
            yield "ask", {"question": q, **(rng.choice(filters) if rng.random() < 0.2 else {})}


def long_english_calls(rng: random.Random):
    """Questions of 2,000 characters of English words, one in three made up (new to every cache)."""
    vocab = english_vocabulary()
    letters = "abcdefghiklmnoprstuvwy"
    while True:
        words, size = [], 0
        while True:
            w = rng.choice(vocab) if rng.random() < 0.67 else "".join(rng.choice(letters) for _ in range(rng.randint(4, 12))) + rng.choice(["ing", "ation", "ness", "ed", "ies", "ly"])
            if size + len(w) + 1 > 1999:
                break
            words.append(w)
            size += len(w) + 1
        yield "ask", {"question": " ".join(words) + "?"}


# -- a small HTTP/1.1 client -----------------------------------------------------------------------

class Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        try:
            status, fields = await self._head()
            data = await self._body(fields)
        except BaseException:
            self.close()
            raise
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, data

    async def _head(self) -> tuple[int, dict]:
        status = int((await self.reader.readuntil(b"\r\n")).split()[1])
        fields = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            key, _, value = line.decode("latin-1").partition(":")
            fields[key.strip().lower()] = value.strip()
        return status, fields

    async def _body(self, fields: dict) -> bytes:
        if "content-length" in fields:
            return await self.reader.readexactly(int(fields["content-length"]))
        if fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while (size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            return b"".join(parts)
        return await self.reader.read()

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def call(conn: Connection, api: str, name: str, args: dict) -> str | None:
    """One API call; None when it succeeded, else what went wrong."""
    if api == "rest":
        status, data = await conn.request("POST", f"/api/{name}", json.dumps(args, ensure_ascii=False).encode())
        result = json.loads(data) if data.startswith(b"{") else {}
        if status != 200:
            return f"HTTP {status}: {result.get('error', data[:80])}"
    else:
        ordered = [args.get(k) for k in (("question", "doc", "year") if name == "ask" else ("query", "k", "doc", "year"))]
        status, data = await conn.request("POST", f"/gradio_api/call/{name}", json.dumps({"data": ordered}, ensure_ascii=False).encode())
        if status != 200:
            return f"HTTP {status} on call"
        status, stream = await conn.request("GET", f"/gradio_api/call/{name}/{json.loads(data)['event_id']}")
        events = stream.decode().split("\n\n")
        done = [e for e in events if e.startswith("event: complete")]
        if status != 200 or not done:
            return f"HTTP {status}: {next((e for e in events if e.startswith('event: error')), stream[:80])!s:.120}"
        result = json.loads(done[0].split("data: ", 1)[1])[0]
    wanted = "found" if name == "ask" else "hits"
    return None if isinstance(result, dict) and wanted in result else f"no {wanted!r} in the answer: {str(result)[:80]}"


# -- the server's side -----------------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- runs ------------------------------------------------------------------------------------------

async def run_load(host: str, port: int, pid: int | None, api: str, scenario: str, clients: int, seconds: float, seed: int) -> dict:
    rng = random.Random(seed)
    calls = (mixed_calls if scenario == "mix" else long_english_calls)(rng)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    samples: list[tuple[float, float]] = []
    counting = False

    async def client():
        conn = Connection(host, port)
        while time.monotonic() < stop:
            name, args = next(calls)
            started = time.perf_counter()
            try:
                problem = await asyncio.wait_for(call(conn, api, name, args), TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as e:
                conn.close()
                problem = f"{type(e).__name__}: {e}"[:120]
            if counting:
                latencies.append(time.perf_counter() - started)
                if problem:
                    errors[problem] = errors.get(problem, 0) + 1
        conn.close()

    stop = time.monotonic() + WARMUP_SECONDS + seconds
    tasks = [asyncio.create_task(client()) for _ in range(clients)]
    await asyncio.sleep(WARMUP_SECONDS)
    counting, started = True, time.monotonic()
    cpu0, own0 = cpu_seconds(pid) if pid else None, time.process_time()
    while time.monotonic() < stop:
        if pid:
            samples.append((time.monotonic() - started, rss_mb(pid)))
        await asyncio.sleep(min(SAMPLE_SECONDS, max(0.0, stop - time.monotonic())))
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(pid) - cpu0 if pid else None
    own = time.process_time() - own0
    await asyncio.gather(*tasks)
    if pid:
        samples.append((time.monotonic() - started, rss_mb(pid)))
    return summary(api, scenario, clients, elapsed, latencies, errors, samples, cpu, own)


def summary(api, scenario, clients, elapsed, latencies, errors, samples, cpu, own) -> dict:
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    out = {
        "api": api, "scenario": scenario, "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "errors": sum(errors.values()), "error_kinds": errors, "per_second": round(len(latencies) / elapsed, 1),
        "p50_s": round(q[49], 3), "p95_s": round(q[94], 3), "p99_s": round(q[98], 3), "max_s": round(max(latencies, default=0), 3),
    }
    if cpu is not None and latencies:
        out["server_cpu_ms_per_request"] = round(1000 * cpu / len(latencies), 1)
        out["server_cpu_share"] = round(cpu / elapsed, 2)  # of one core
    out["client_cpu_share"] = round(own / elapsed, 2)  # this script's own share of a core
    if samples:
        rss = [r for _, r in samples]
        late = [r for t, r in samples if t >= samples[-1][0] - 180] if samples[-1][0] >= 240 else []
        out.update(rss_start_mb=round(rss[0], 1), rss_end_mb=round(rss[-1], 1), rss_max_mb=round(max(rss), 1), rss_growth_mb=round(rss[-1] - rss[0], 1))
        if late:
            out["rss_growth_last_180s_mb"] = round(late[-1] - late[0], 1)
        out["rss_samples"] = [[round(t), round(r, 1)] for t, r in samples]
    return out


async def big_bodies(host: str, port: int, pid: int | None, count: int, size: int = 10 * 1024 * 1024) -> dict:
    """Announce `size`-byte bodies, send only their first KB, and expect a 413 at once: proof the
    server answers before reading them (it would otherwise wait for the rest)."""
    rss0 = rss_mb(pid) if pid else None
    statuses, times = [], []
    for _ in range(count):
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection(host, port)
        writer.write((f"POST /api/ask HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode() + b"{" + b" " * 1023)
        await writer.drain()
        try:
            line = await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)
            statuses.append(int(line.split()[1]))
        except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError) as e:
            statuses.append(type(e).__name__)
        times.append(time.perf_counter() - started)
        writer.close()
    out = {"big_bodies": count, "body_bytes": size, "refused_413": statuses.count(413), "other": [s for s in statuses if s != 413][:5],
           "median_s": round(statistics.median(times), 4)}
    if pid:
        await asyncio.sleep(1)
        out.update(rss_start_mb=round(rss0, 1), rss_end_mb=round(rss_mb(pid), 1), rss_growth_mb=round(rss_mb(pid) - rss0, 1))
    return out


def check(result: dict, args) -> list[str]:
    misses = []
    if args.max_errors is not None and result.get("errors", 0) > args.max_errors:
        misses.append(f"{result['errors']} errors > {args.max_errors}")
    if args.min_rps is not None and result.get("per_second", 0) < args.min_rps:
        misses.append(f"{result['per_second']} requests/s < {args.min_rps}")
    if args.max_p95 is not None and result.get("p95_s", 0) > args.max_p95:
        misses.append(f"p95 {result['p95_s']} s > {args.max_p95}")
    if args.max_rss_growth is not None and result.get("rss_growth_mb", 0) > args.max_rss_growth:
        misses.append(f"RSS grew {result['rss_growth_mb']} MB > {args.max_rss_growth}")
    if "refused_413" in result and result["refused_413"] != result["big_bodies"]:
        misses.append(f"only {result['refused_413']} of {result['big_bodies']} big bodies refused with 413")
    return misses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="load an app already running here (127.0.0.1 only) instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, to sample its memory and CPU time")
    parser.add_argument("--api", choices=["rest", "gradio"], default="rest")
    parser.add_argument("--scenario", choices=["mix", "long-english"], default="mix")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20, help="measured time, after a 5 s warm-up (at most 900)")
    parser.add_argument("--big-bodies", type=int, metavar="N", help="instead: N requests announcing 10 MB bodies")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-errors", type=int)
    parser.add_argument("--min-rps", type=float)
    parser.add_argument("--max-p95", type=float)
    parser.add_argument("--max-rss-growth", type=float, metavar="MB")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 900 or not 0 < args.clients <= 256:
        parser.error("--seconds must be in (0, 900] and --clients in [1, 256]: runs are bounded")
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        parser.error(f"--url must be on this machine (127.0.0.1, localhost or ::1), got {args.url}")

    from rag.app.process import running_server

    # the lexical channels over the seed corpus unless told otherwise; an index of its own, so that
    # a run never rebuilds (or is refused by) the one in ./index
    scratch = tempfile.TemporaryDirectory(prefix="rag-load-")
    env = {
        "RAG_MODEL": os.environ.get("RAG_MODEL", "none"), "RAG_CORPUS_DIR": os.environ.get("RAG_CORPUS_DIR", str(ROOT / "corpus")),
        "RAG_INDEX_DIR": os.environ.get("RAG_INDEX_DIR", str(Path(scratch.name) / "index")),
    }
    with scratch, nullcontext((args.url, None)) if args.url else running_server(env) as (url, proc):
        parts = urlsplit(url)
        pid = args.pid if args.url else proc.pid
        if args.big_bodies:
            result = asyncio.run(big_bodies(parts.hostname, parts.port, pid, args.big_bodies))
        else:
            result = asyncio.run(run_load(parts.hostname, parts.port, pid, args.api, args.scenario, args.clients, args.seconds, args.seed))
    misses = check(result, args)
    result["ok"] = not misses
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            if key != "rss_samples":
                print(f"{key}: {value}")
        if "rss_samples" in result:
            print("rss_samples (s, MB): " + " ".join(f"{t}:{r}" for t, r in result["rss_samples"]))
    for miss in misses:
        print(f"load: {miss}", file=sys.stderr)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
