"""HTTP load benchmark: `baoku serve` (gunicorn) under a bounded concurrent load.

    python bench/load.py --index DIR [--workers 2] [--clients 8] [--requests 3000] [--wrk 20]

Starts `baoku serve` on a free 127.0.0.1 port over an existing index, warms it
with every query once, then sends a fixed number of /api/search requests from
a few client threads (the realistic queries of bench/queries.txt, in a fixed
shuffled order) and prints requests/s and latency percentiles. Loopback only,
bounded in count, stops by itself.

`--wrk SECONDS` uses Debian's wrk instead of Python threads, for that many
seconds: on a 2-core machine the Python client takes CPU the server would
otherwise have, so wrk shows what the server itself can do.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def load_queries(path: Path) -> list[str]:
    lines = path.read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--queries", type=Path, default=HERE / "queries.txt")
    parser.add_argument("--wrk", type=int, metavar="SECONDS", help="load with wrk instead")
    args = parser.parse_args()

    queries = load_queries(args.queries)
    port = free_port()
    env = {**os.environ, "BAOKU_INDEX": str(args.index)}
    command = [
        sys.executable,
        "-m",
        "search",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
    ]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}/api/search?q="
    try:
        for _ in range(600):
            if fetch(base + "x")[0] == 200:
                break
            time.sleep(0.1)
        urls = [base + urllib.parse.quote(q) for q in queries]
        for url in urls:  # warm: every query once, on whichever worker takes it
            fetch(url)
        rng = random.Random(2026)
        if args.wrk:
            results, elapsed = run_wrk(urls, rng, args.clients, args.wrk)
        else:
            results, elapsed = run_threads([rng.choice(urls) for _ in range(args.requests)], args)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if isinstance(results, Summary):
        summary = results
    else:
        latencies = [ms for status, ms in results if status == 200]
        summary = Summary(
            requests=len(results),
            failed=sum(1 for status, _ in results if status != 200),
            p50=percentile(latencies, 50),
            p95=percentile(latencies, 95),
            p99=percentile(latencies, 99),
        )
    print(f"`{' '.join(['python', 'bench/load.py', *sys.argv[1:]])}`\n")
    print(
        "| client | gunicorn workers | connections | requests | failed | req/s "
        "| p50 ms | p95 ms | p99 ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {'wrk' if args.wrk else 'python'} | {args.workers} | {args.clients} | "
        f"{summary.requests} | {summary.failed} | {summary.requests / elapsed:.0f} | "
        f"{summary.p50:.1f} | {summary.p95:.1f} | {summary.p99:.1f} |"
    )


@dataclass(frozen=True)
class Summary:
    requests: int
    failed: int
    p50: float
    p95: float
    p99: float


def run_threads(plan: list[str], args: argparse.Namespace) -> tuple[Any, float]:
    """Every URL of `plan` once, from `args.clients` threads; (status, ms) each."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    cursor = iter(plan)

    def client() -> None:
        while True:
            with lock:
                url = next(cursor, None)
            if url is None:
                return
            outcome = fetch(url)
            with lock:
                results.append(outcome)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%.2f %%.2f %%.2f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(
    urls: list[str], rng: random.Random, clients: int, seconds: int
) -> tuple[Summary, float]:
    """wrk on the same URLs in a shuffled cycle, for `seconds`; non-2xx count as failed."""
    order = urls[:]
    rng.shuffle(order)
    server, _, _ = order[0].partition("/api/")
    paths = ",".join(f'"{url[len(server) :]}"' for url in order)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % paths)
    done = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "-s", script.name, server],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    fields = next(line for line in done.stdout.splitlines() if line.startswith("RESULT")).split()
    requests, failed, micros = int(fields[1]), int(fields[2]), int(fields[3])
    summary = Summary(requests, failed, float(fields[4]), float(fields[5]), float(fields[6]))
    return summary, micros / 1e6


if __name__ == "__main__":
    main()
