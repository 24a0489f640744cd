"""HTTP load benchmark: `baoku serve` (gunicorn) under a bounded concurrent load.

    python bench/load.py --index DIR [--workers 2] [--clients 8] [--requests 3000] [--wrk 20]
    python bench/load.py --backend opensearch [--opensearch-hosts URL,URL,...]
                         [--opensearch-index PREFIX] [...]

Starts `baoku serve` on a free 127.0.0.1 port over an existing archive (a
Whoosh index directory, or an archive on an OpenSearch cluster: the flags,
else the BAOKU_* environment, as `baoku` itself reads them), warms it with
every query once, then sends a fixed number of /api/search requests from a
few client threads (the realistic queries of bench/queries.txt, in a fixed
shuffled order) and prints requests/s and latency percentiles. Loopback only,
bounded in count, stops by itself.

`--wrk SECONDS` uses Debian's wrk instead of Python threads, for that many
seconds: on a 2-core machine the Python client takes CPU the server would
otherwise have, so wrk shows what the server itself can do.

Besides latency it reports the CPU time per request of the server (gunicorn
and its workers) and, for a cluster on this machine, of its JVMs: on a
shared machine that, not the request rate, says what a core is worth; and
the server's memory (PSS summed) after the load.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from opensearchpy.exceptions import TransportError

from search.backends import backend_for
from search.config import Settings
from search.errors import BaokuError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cluster_probe import Probe  # noqa: E402
from memory import cpu_seconds, process_tree, pss, summed  # noqa: E402


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


def timing_row(name: str, get: Callable[[str], object], urls: list[str], repeats: int) -> str:
    """A markdown row (n, p50, p95, max ms) for `repeats` warm rounds of GETs of `urls`."""
    times = []
    for _ in range(repeats):
        for url in urls:
            started = time.perf_counter()
            get(url)
            times.append((time.perf_counter() - started) * 1000)
    return (
        f"| {name} | {len(times)} | {statistics.median(times):.1f} | "
        f"{percentile(times, 95):.1f} | {max(times):.1f} |"
    )


# ------------------------------------------------------------------- the archive


# Settings this script passes on to `baoku serve`: flag name -> BAOKU_* variable.
ARCHIVE_FLAGS = {
    "index": "BAOKU_INDEX",
    "backend": "BAOKU_BACKEND",
    "opensearch_hosts": "BAOKU_OPENSEARCH_HOSTS",
    "opensearch_index": "BAOKU_OPENSEARCH_INDEX",
}


def add_archive_arguments(parser: argparse.ArgumentParser) -> None:
    """`ARCHIVE_FLAGS` as options: which archive a benchmark reads."""
    parser.add_argument("--index", type=Path, help="Whoosh index directory (BAOKU_INDEX)")
    parser.add_argument("--backend", choices=["whoosh", "opensearch"], help="(BAOKU_BACKEND)")
    parser.add_argument("--opensearch-hosts", help="node URLs, comma-separated")
    parser.add_argument("--opensearch-index", help="name prefix of the archive on the cluster")


def server_env(args: argparse.Namespace) -> dict[str, str]:
    """The environment of `baoku serve`: ours, with the archive flags given on top."""
    given = {
        variable: str(value)
        for name, variable in ARCHIVE_FLAGS.items()
        if (value := getattr(args, name)) is not None
    }
    return {**os.environ, **given}


def archive_settings(env: dict[str, str]) -> Settings:
    """What the server will read, resolved here the same way (config file, environment)."""
    return Settings.load(environ=env)


def require_archive(settings: Settings) -> str:
    """Where the archive is; exit when there is none, rather than let `baoku serve` build
    one from seeds/ (it does, for a first start) and benchmark that."""
    backend = backend_for(settings)
    try:
        exists = backend.exists()
    except BaokuError as exc:  # an unreachable cluster: one line, as `baoku` says it
        sys.exit(str(exc))
    if not exists:
        sys.exit(
            f"no archive at {backend.location}: build one first (`baoku index`, or "
            "`bench/run.py --keep DIR`)"
        )
    return backend.location


def cluster_jvms(settings: Settings) -> list[int]:
    """The cluster's JVM pids when the server searches a cluster on this machine."""
    if settings.backend != "opensearch":
        return []
    probe = Probe(settings.opensearch_hosts, settings.opensearch_index)
    try:
        return probe.local_jvms()
    except TransportError:  # unreachable just now: no JVM figures
        return []
    finally:
        probe.close()


# --------------------------------------------------------------------- the run


@dataclass(frozen=True)
class Summary:
    requests: int
    failed: int
    p50: float
    p95: float
    p99: float


@dataclass(frozen=True)
class Usage:
    """CPU seconds used while the load ran, and the server's memory once it is over."""

    server_cpu: float  # gunicorn's master and workers
    jvm_cpu: float | None  # the cluster's JVMs, when on this machine
    server_pss_mb: float


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """`baoku serve` on a free port; (process, the search API's base URL)."""
    port = free_port()
    # -P: the installed baoku, as bench/run.py measures it, not a checkout next to the cwd.
    command = [sys.executable, "-P", "-m", "search", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return server, f"http://127.0.0.1:{port}/api/search?q="


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if fetch(base + "x")[0] == 200:
            return
        if server.poll() is not None:
            sys.exit(f"baoku serve exited with {server.returncode}")
        time.sleep(0.1)
    sys.exit("baoku serve did not answer within 60 s")


def run_load(
    args: argparse.Namespace, urls: list[str], server: int, jvms: Sequence[int]
) -> tuple[Summary, float, Usage]:
    """The load itself, with the CPU the server's processes and the JVMs used meanwhile."""
    pids = process_tree(server)
    server_before, jvm_before = summed_cpu(pids), summed_cpu(jvms)
    rng = random.Random(2026)
    if args.wrk:
        summary, elapsed = run_wrk(urls, rng, args.clients, args.wrk)
    else:
        plan = [rng.choice(urls) for _ in range(args.requests)]
        summary, elapsed = summarise(*run_threads(plan, args.clients))
    usage = Usage(
        server_cpu=summed_cpu(pids) - server_before,
        jvm_cpu=summed_cpu(jvms) - jvm_before if jvms else None,
        server_pss_mb=summed(pss, process_tree(server)) / 2**20,
    )
    return summary, elapsed, usage


def summed_cpu(pids: Sequence[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def summarise(results: list[tuple[int, float]], elapsed: float) -> tuple[Summary, float]:
    latencies = [ms for status, ms in results if status == 200]
    summary = Summary(
        requests=len(results),
        failed=sum(1 for status, _ in results if status != 200),
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        p99=percentile(latencies, 99),
    )
    return summary, elapsed


def run_threads(plan: list[str], clients: int) -> tuple[list[tuple[int, float]], float]:
    """Every URL of `plan` once, from `clients` threads; (status, ms) each, and seconds."""
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
    threads = [threading.Thread(target=client) for _ in range(clients)]
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


# ---------------------------------------------------------------------- report


def _per_request(seconds: float | None, requests: int) -> str:
    return "–" if seconds is None else f"{seconds * 1000 / requests:.1f}"


def report(
    args: argparse.Namespace, engine: str, summary: Summary, elapsed: float, usage: Usage
) -> str:
    header = (
        "| engine | client | gunicorn workers | connections | requests | failed | req/s "
        "| p50 ms | p95 ms | p99 ms | server CPU ms/req | JVM CPU ms/req | server PSS MB |"
    )
    row = (
        f"| {engine} | {'wrk' if args.wrk else 'python'} | {args.workers} | {args.clients} | "
        f"{summary.requests} | {summary.failed} | {summary.requests / elapsed:.0f} | "
        f"{summary.p50:.1f} | {summary.p95:.1f} | {summary.p99:.1f} | "
        f"{_per_request(usage.server_cpu, summary.requests)} | "
        f"{_per_request(usage.jvm_cpu, summary.requests)} | {usage.server_pss_mb:.0f} |"
    )
    separator = "| --- | --- |" + " ---: |" * 11
    return "\n".join([header, separator, row])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_archive_arguments(parser)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--queries", type=Path, default=HERE / "queries.txt")
    parser.add_argument("--wrk", type=int, metavar="SECONDS", help="load with wrk instead")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    env = server_env(args)
    settings = archive_settings(env)
    location = require_archive(settings)
    jvms = cluster_jvms(settings)
    queries = load_queries(args.queries)
    server, base = start_server(env, args.workers)
    try:
        wait_until_up(base, server)
        urls = [base + urllib.parse.quote(q) for q in queries]
        for url in urls:  # warm: every query once, on whichever worker takes it
            fetch(url)
        summary, elapsed, usage = run_load(args, urls, server.pid, jvms)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"`{' '.join(['python', 'bench/load.py', *sys.argv[1:]])}` ({location})\n")
    if jvms and cluster_jvms(settings) != jvms:
        usage = dataclasses.replace(usage, jvm_cpu=None)
        print("(JVM CPU left out: a node left, joined or restarted during the load)\n")
    print(report(args, settings.backend, summary, elapsed, usage))


if __name__ == "__main__":
    main()
