"""HTTP load benchmark: `baoku serve` (gunicorn) under a bounded concurrent load.

    python bench/load.py --index DIR [--workers 2] [--clients 8] [--requests 3000]

Starts `baoku serve` on a free 127.0.0.1 port over an existing index, warms it
with every query once, then sends a fixed number of /api/search requests from
a few client threads (the realistic queries of bench/queries.txt, in a fixed
shuffled order) and prints requests/s and latency percentiles. Loopback only,
bounded in count, stops by itself.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

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
        plan = [rng.choice(urls) for _ in range(args.requests)]
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
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    latencies = [ms for status, ms in results if status == 200]
    failed = sum(1 for status, _ in results if status != 200)
    print(f"`{' '.join(['python', 'bench/load.py', *sys.argv[1:]])}`\n")
    print("| gunicorn workers | clients | requests | failed | req/s | p50 ms | p95 ms | p99 ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {args.workers} | {args.clients} | {len(results)} | {failed} | "
        f"{len(results) / elapsed:.0f} | {percentile(latencies, 50):.1f} | "
        f"{percentile(latencies, 95):.1f} | {percentile(latencies, 99):.1f} |"
    )


if __name__ == "__main__":
    main()
