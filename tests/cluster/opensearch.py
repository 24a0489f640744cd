#!/usr/bin/env python3
"""Start and stop a real multi-node OpenSearch cluster on 127.0.0.1 for baoku's tests.

Why this exists: the OpenSearch backend must be tested against a real cluster (shards,
replicas, a node dying), and this machine has no Docker and no access to OpenSearch's own
downloads, only package registries. So ``tests/cluster/pom.xml`` resolves OpenSearch 2.19
and its modules as Maven jars, a small launcher (``baoku.cluster.NodeMain``) starts one
node per JVM, and this script manages the JVMs. Stdlib only, so it runs before any
project dependency is installed (CI, a fresh checkout).

CLI::

    python tests/cluster/opensearch.py start [--nodes 3] [--base-port 9200] [--dir DIR]
    python tests/cluster/opensearch.py stop | status | kill-node N | start-node N

From pytest::

    from tests.cluster.opensearch import start_cluster, stop_cluster, kill_node, start_node
    urls = start_cluster(tmp_dir)          # ["http://127.0.0.1:9200", ...], green
    ...
    stop_cluster(tmp_dir)

Layout of DIR (default ``.opensearch/`` at the repository root): ``cluster.json`` (the
layout, so the other commands need no flags), ``node-N.pid``, ``node-N.log`` (the JVM's
stdout and stderr: every log line of that node) and ``node-N/`` (its config, data, tmp).
Nodes are numbered from 1; node N listens on HTTP ``base_port + N - 1`` and transport
``base_port + 100 + N - 1``. Maven's output (launcher classes, classpath.txt) always goes
to ``.opensearch/build/`` at the repository root, whatever DIR is.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_DIR = REPO_ROOT / ".opensearch"
CLUSTER_NAME = "baoku-test"
MAIN_CLASS = "baoku.cluster.NodeMain"
DEFAULT_HEAP = "512m"
START_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0

# Children started by this process, so that a killed node is reaped (a zombie still
# answers kill(pid, 0), and would look alive to a test that restarts it).
_children: dict[int, subprocess.Popen[bytes]] = {}


class ClusterError(RuntimeError):
    """The cluster could not be started, reached or stopped; the message says why."""


# --------------------------------------------------------------------------- layout


def _layout_path(root: Path) -> Path:
    return root / "cluster.json"


def _home(root: Path, n: int) -> Path:
    return root / f"node-{n}"


def _pid_file(root: Path, n: int) -> Path:
    return root / f"node-{n}.pid"


def _log_file(root: Path, n: int) -> Path:
    return root / f"node-{n}.log"


def _load_layout(root: Path) -> dict[str, Any]:
    """The layout written by start; stop/kill/start-node read it instead of taking flags."""
    try:
        layout: dict[str, Any] = json.loads(_layout_path(root).read_text())
    except FileNotFoundError:
        raise ClusterError(f"no cluster in {root} (run `start` first)") from None
    return layout


def _http_url(layout: dict[str, Any], n: int) -> str:
    return f"http://127.0.0.1:{layout['base_port'] + n - 1}"


def node_urls(root: Path | str = DEFAULT_DIR) -> list[str]:
    """HTTP URLs of every node of the cluster in ``root``, node 1 first."""
    layout = _load_layout(Path(root))
    return [_http_url(layout, n) for n in range(1, layout["nodes"] + 1)]


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Serialise start/stop on one DIR, e.g. two pytest workers starting the same cluster."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- build


BUILD_DIR = REPO_ROOT / ".opensearch" / "build"  # the pom's <directory>: git-ignored


def _maven_outputs() -> tuple[Path, Path]:
    return BUILD_DIR / "classes", BUILD_DIR / "classpath.txt"


def _build_is_current() -> bool:
    """True when the launcher is compiled and every jar of its classpath is still in ~/.m2."""
    classes, classpath = _maven_outputs()
    if not classpath.is_file() or not (classes / "baoku" / "cluster" / "NodeMain.class").is_file():
        return False
    built = classpath.stat().st_mtime
    sources = [HERE / "pom.xml", *(HERE / "src").rglob("*.java")]
    if any(source.stat().st_mtime > built for source in sources):
        return False
    return all(
        Path(jar).is_file() for jar in classpath.read_text().strip().split(os.pathsep) if jar
    )


def build(force: bool = False) -> str:
    """Compile the launcher and resolve OpenSearch with Maven if needed; return the JVM classpath.

    The first run downloads ~80 MB of jars into ~/.m2; later runs use them without the
    network. Maven runs in batch mode with no stdin because CI has none.
    """
    classes, classpath = _maven_outputs()
    if force or not _build_is_current():
        maven = os.environ.get("MVN", "mvn")
        command = [maven, "-q", "-B", "-Dstyle.color=never", "-f", str(HERE / "pom.xml"), "compile"]
        try:
            result = subprocess.run(
                command, stdin=subprocess.DEVNULL, capture_output=True, text=True
            )
        except FileNotFoundError:
            raise ClusterError(
                f"{maven} not found: install Maven (Debian package `maven`)"
            ) from None
        if result.returncode != 0 or not classpath.is_file():
            raise ClusterError(f"Maven build failed:\n{result.stdout}{result.stderr}")
    return os.pathsep.join([str(classes), classpath.read_text().strip()])


def _java() -> str:
    """The java to run nodes with: OPENSEARCH_JAVA_HOME, then JAVA_HOME, then PATH.

    OpenSearch 2.19 is built for Java 17-21; a separate variable lets a shell whose
    JAVA_HOME points at a newer JDK still run the cluster on 17.
    """
    for variable in ("OPENSEARCH_JAVA_HOME", "JAVA_HOME"):
        home = os.environ.get(variable)
        if home and (Path(home) / "bin" / "java").is_file():
            return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise ClusterError(
            "java not found: install a JDK 17 (Debian package `openjdk-17-jdk-headless`)"
        )
    return found


# --------------------------------------------------------------------------- node config


def _write_config(root: Path, layout: dict[str, Any], n: int) -> Path:
    """Write node N's opensearch.yml and log4j2.properties; return its home directory.

    Rewritten on every start so a restarted node always gets the current layout.
    Binding to 127.0.0.1 keeps OpenSearch in development mode, so production bootstrap
    checks (vm.max_map_count, file descriptors) never apply; the launcher skips them anyway.
    """
    home = _home(root, n)
    config = home / "config"
    for sub in (config, home / "data", home / "logs", home / "tmp"):
        sub.mkdir(parents=True, exist_ok=True)
    count = layout["nodes"]
    transports = [f"127.0.0.1:{layout['transport_port'] + i}" for i in range(count)]
    names = [f"node-{i}" for i in range(1, count + 1)]
    settings: dict[str, Any] = {
        "cluster.name": layout["cluster_name"],
        "node.name": f"node-{n}",
        "path.data": str(home / "data"),
        "path.logs": str(home / "logs"),
        "network.host": "127.0.0.1",
        "http.port": layout["base_port"] + n - 1,
        "transport.port": layout["transport_port"] + n - 1,
        "discovery.seed_hosts": transports,
        # Only read when the cluster forms for the first time; a restarted node with data
        # rejoins the cluster it already belongs to.
        "cluster.initial_cluster_manager_nodes": names,
        # A test machine's disk may be fuller than the 85/90/95 % watermarks; shards must
        # still be allocated.
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "bootstrap.memory_lock": False,
    }
    # JSON is valid YAML, and json.dumps quotes paths and lists correctly.
    yml = "".join(f"{key}: {json.dumps(value)}\n" for key, value in settings.items())
    (config / "opensearch.yml").write_text(
        "# Written by tests/cluster/opensearch.py on each start.\n" + yml
    )
    (config / "log4j2.properties").write_text(_LOG4J)
    return home


# Everything to stdout (redirected to node-N.log). The header_warning appender makes
# deprecations reach clients as HTTP Warning headers, as in a real distribution.
_LOG4J = """\
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
appender.header_warning.type = HeaderWarningAppender
appender.header_warning.name = header_warning
logger.deprecation.name = org.opensearch.deprecation
logger.deprecation.level = deprecation
logger.deprecation.appenderRef.console.ref = console
logger.deprecation.appenderRef.header_warning.ref = header_warning
logger.deprecation.additivity = false
"""


def _jvm_options(home: Path, heap: str) -> list[str]:
    """The JVM flags the distribution's launcher would pass (SystemJvmOptions, jvm.options).

    Left out on purpose: -XX:+AlwaysPreTouch (it would commit the whole heap of three
    JVMs at start) and heap dumps (512 MB each on a test failure).
    """
    return [
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:G1ReservePercent=25",
        "-XX:InitiatingHeapOccupancyPercent=30",
        "-Xss1m",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Djna.nosys=true",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:+ShowCodeDetailsInExceptionMessages",
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        "-Dio.netty.allocator.numDirectArenas=0",
        "-Dlog4j.shutdownHookEnabled=false",
        "-Dlog4j2.disable.jmx=true",
        # Date parsing must behave as in the distribution (its IsoCalendarDataProvider).
        "-Djava.locale.providers=SPI,COMPAT",
        f"-Djava.io.tmpdir={home / 'tmp'}",
        f"-XX:ErrorFile={home / 'logs' / 'hs_err_pid%p.log'}",
        f"-Dopensearch.path.home={home}",
    ]


# --------------------------------------------------------------------------- processes


def _read_pid(root: Path, n: int) -> int | None:
    try:
        return int(_pid_file(root, n).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int, home: Path | None = None) -> bool:
    """True if pid runs (not a zombie) and, when home is given, is that node's JVM.

    Checking the command line guards against a recycled pid after a reboot or a crash.
    """
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    if stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X"):
        return False
    if home is None:
        return True
    return MAIN_CLASS.encode() in cmdline and str(home).encode() in cmdline


def _node_pid(root: Path, n: int) -> int | None:
    """Node N's pid if it is running, else None (and a stale pid file is removed)."""
    pid = _read_pid(root, n)
    if pid is None:
        return None
    if _alive(pid, _home(root, n)):
        return pid
    _pid_file(root, n).unlink(missing_ok=True)
    return None


def _spawn(root: Path, layout: dict[str, Any], n: int, classpath: str, java: str) -> int:
    """Start node N's JVM detached from our session; record its pid; return it."""
    home = _write_config(root, layout, n)
    command = [java, *_jvm_options(home, layout["heap"]), "-cp", classpath, MAIN_CLASS, str(home)]
    log = _log_file(root, n)
    with open(log, "ab") as out:
        out.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} starting node-{n}\n".encode())
        out.flush()
        # A new session: Ctrl-C in the starting terminal must not take the cluster down,
        # and the CLI can exit while the nodes keep running.
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=home,
            start_new_session=True,
        )
    _children[child.pid] = child
    _pid_file(root, n).write_text(f"{child.pid}\n")
    return child.pid


def _forget(pid: int) -> None:
    """Reap an exited child of ours, so no zombie and no "still running" ResourceWarning
    (which pytest's filterwarnings=error would turn into a failure) is left behind."""
    child = _children.pop(pid, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return not _alive(pid)


def _terminate(pids: Sequence[int], timeout: float) -> None:
    """SIGTERM (the node flushes and closes), then SIGKILL whatever is left after timeout."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in pids:
        if not _wait_gone(pid, max(0.0, deadline - time.monotonic())):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 10.0)
    for pid in pids:
        _forget(pid)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return f"({path} does not exist)"
    return "\n".join(text[-lines:])


def _logs_tail(root: Path, numbers: Sequence[int], lines: int = 40) -> str:
    return "\n".join(
        f"---- {_log_file(root, n)} (last {lines} lines)\n{_tail(_log_file(root, n), lines)}"
        for n in numbers
    )


# --------------------------------------------------------------------------- health


def cluster_health(url: str, timeout: float = 10.0) -> dict[str, Any]:
    """GET url/_cluster/health; raises OSError (URLError, HTTPError) if the node cannot answer."""
    with urllib.request.urlopen(f"{url}/_cluster/health", timeout=timeout) as response:
        health: dict[str, Any] = json.load(response)
    return health


def _healthy(health: dict[str, Any], status: str, nodes: int) -> bool:
    order = {"red": 0, "yellow": 1, "green": 2}
    return (
        health.get("number_of_nodes") == nodes
        and order.get(health.get("status", "red"), 0) >= order[status]
        and not health.get("timed_out", False)
    )


def wait_for_health(
    urls: Sequence[str],
    status: str = "green",
    nodes: int = 3,
    timeout: float = START_TIMEOUT,
    check: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Poll until the cluster is at least ``status`` with exactly ``nodes`` nodes; return health.

    Asks each URL in turn, because the node behind the first one may be the one that is
    down. ``check`` runs between polls so a caller can fail fast (e.g. a JVM exited).
    Raises TimeoutError with the last answer seen.
    """
    deadline = time.monotonic() + timeout
    last: object = "no answer"
    while True:
        for url in urls:
            if check is not None:
                check()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"cluster not {status} with {nodes} nodes after {timeout:.0f} s; last: {last}"
                )
            wait = max(1, min(5, int(remaining)))
            try:
                health = _health_poll(url, status, nodes, wait)
            except urllib.error.HTTPError as error:
                # 408: the health call timed out waiting (body is still the health);
                # 503: no cluster manager elected yet.
                try:
                    body = json.loads(error.read())
                except ValueError:
                    body = None
                if not isinstance(body, dict):
                    last = f"{url}: HTTP {error.code}"
                    time.sleep(0.5)
                    continue
                health = body
            except (OSError, ValueError) as error:
                last = f"{url}: {error}"
                time.sleep(0.5)
                continue
            last = health
            if _healthy(health, status, nodes):
                return health


def _health_poll(url: str, status: str, nodes: int, wait: int) -> dict[str, Any]:
    """One long-poll: the server answers as soon as the condition holds, or after ``wait`` s."""
    query = (
        f"wait_for_status={status}&wait_for_nodes={nodes}"
        f"&timeout={wait}s&cluster_manager_timeout={wait}s"
    )
    with urllib.request.urlopen(f"{url}/_cluster/health?{query}", timeout=wait + 10) as response:
        health: dict[str, Any] = json.load(response)
    return health


def _port_answers(port: int) -> bool:
    """True if something accepts connections on 127.0.0.1:port (so a node could not bind it)."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --------------------------------------------------------------------------- public API


def start_cluster(
    root: Path | str = DEFAULT_DIR,
    nodes: int = 3,
    base_port: int = 9200,
    *,
    heap: str = DEFAULT_HEAP,
    timeout: float = START_TIMEOUT,
    fresh: bool = False,
    quiet: bool = True,
) -> list[str]:
    """Start (or find running) an N-node cluster in ``root``; return its HTTP URLs once green.

    Idempotent: nodes already running from ``root`` are kept, and a green cluster of the
    right size answering on base_port is accepted as is. ``fresh`` wipes the nodes' data
    first (only allowed while none runs). On timeout or a JVM exiting, stops the nodes this
    call started and raises ClusterError with the tail of each node's log.
    """
    root = Path(root).resolve()
    layout: dict[str, Any] = {
        "cluster_name": CLUSTER_NAME,
        "nodes": nodes,
        "base_port": base_port,
        "transport_port": base_port + 100,
        "heap": heap,
    }
    urls = [_http_url(layout, n) for n in range(1, nodes + 1)]

    def say(message: str) -> None:
        if not quiet:
            print(message, flush=True)

    with _locked(root):
        with contextlib.suppress(OSError, ValueError):
            health = _health_poll(urls[0], "green", nodes, 1)
            if health.get("cluster_name") == CLUSTER_NAME and _healthy(health, "green", nodes):
                say(f"already running: {CLUSTER_NAME}, {nodes} nodes, green at {urls[0]}")
                return urls

        running = {n: pid for n in range(1, nodes + 1) if (pid := _node_pid(root, n)) is not None}
        if fresh:
            if running:
                raise ClusterError(f"--fresh needs a stopped cluster; running: {sorted(running)}")
            for n in range(1, 100):
                shutil.rmtree(_home(root, n), ignore_errors=True)
                _log_file(root, n).unlink(missing_ok=True)
        old = None
        with contextlib.suppress(ClusterError, ValueError):
            old = _load_layout(root)
        if (
            old is not None
            and old != layout
            and any(_home(root, n).exists() for n in range(1, 100))
        ):
            if running:
                raise ClusterError(f"{root} runs another layout {old}; stop it first")
            if old["nodes"] != nodes:
                raise ClusterError(
                    f"{root} holds data of a {old['nodes']}-node cluster;"
                    " use --fresh or another --dir"
                )
        for n in range(1, nodes + 1):
            if n not in running:
                for port in (layout["base_port"] + n - 1, layout["transport_port"] + n - 1):
                    if _port_answers(port):
                        raise ClusterError(
                            f"port {port} is taken by another process (not node-{n} of {root})"
                        )
        _layout_path(root).write_text(json.dumps(layout, indent=2) + "\n")

        classpath = build()
        java = _java()
        started = time.monotonic()
        spawned: dict[int, int] = {}
        for n in range(1, nodes + 1):
            if n in running:
                say(f"node-{n} already running (pid {running[n]})")
            else:
                running[n] = spawned[n] = _spawn(root, layout, n, classpath, java)
                say(f"node-{n} started (pid {running[n]}), log {_log_file(root, n)}")

        def check() -> None:
            dead = [n for n, pid in running.items() if not _alive(pid)]
            if dead:
                raise ClusterError(f"node(s) {dead} exited during start\n{_logs_tail(root, dead)}")

        try:
            wait_for_health(urls, "green", nodes, timeout, check)
        except (TimeoutError, ClusterError) as error:
            # Leave no half-started JVMs behind (CI would keep them until the machine is
            # cleaned); the logs stay for the post-mortem.
            _terminate(list(spawned.values()), STOP_TIMEOUT)
            for n in spawned:
                _pid_file(root, n).unlink(missing_ok=True)
            if isinstance(error, ClusterError):
                raise
            tails = _logs_tail(root, list(range(1, nodes + 1)))
            raise ClusterError(f"{error}\n{tails}") from None
        say(f"green: {nodes} nodes in {time.monotonic() - started:.1f} s; {', '.join(urls)}")
        return urls


def stop_cluster(root: Path | str = DEFAULT_DIR, timeout: float = STOP_TIMEOUT) -> list[int]:
    """Stop every node recorded in ``root`` (SIGTERM, then SIGKILL); return the pids stopped.

    Only pids from our own pid files are signalled, and only if they still are that
    node's JVM. Data is kept, so a later start resumes the same cluster.
    """
    root = Path(root).resolve()
    with _locked(root):
        numbers = sorted(
            int(p.stem.split("-")[1])
            for p in root.glob("node-*.pid")
            if p.stem.split("-")[1].isdigit()
        )
        pids = [pid for n in numbers if (pid := _node_pid(root, n)) is not None]
        _terminate(pids, timeout)
        for n in numbers:
            _pid_file(root, n).unlink(missing_ok=True)
        return pids


def kill_node(root: Path | str, n: int) -> int:
    """SIGKILL node N (a crash, no clean shutdown) and wait until it is gone; return its pid."""
    root = Path(root).resolve()
    _load_layout(root)
    with _locked(root):
        pid = _node_pid(root, n)
        if pid is None:
            raise ClusterError(f"node-{n} is not running")
        os.kill(pid, signal.SIGKILL)
        if not _wait_gone(pid, 10.0):
            raise ClusterError(f"node-{n} (pid {pid}) survived SIGKILL")
        _forget(pid)
        _pid_file(root, n).unlink(missing_ok=True)
        return pid


def start_node(
    root: Path | str,
    n: int,
    *,
    wait: bool = True,
    status: str = "green",
    timeout: float = START_TIMEOUT,
) -> str:
    """(Re)start node N with its existing data and config; return its URL.

    With ``wait``, returns once the whole cluster is back to ``status`` with every node,
    i.e. the node rejoined and its shards recovered.
    """
    root = Path(root).resolve()
    layout = _load_layout(root)
    if not 1 <= n <= layout["nodes"]:
        raise ClusterError(f"node must be 1..{layout['nodes']}, got {n}")
    with _locked(root):
        pid = _node_pid(root, n)
        spawned = pid is None
        if pid is None:
            pid = _spawn(root, layout, n, build(), _java())
    url = _http_url(layout, n)
    if wait:

        def check() -> None:
            if not _alive(pid):
                raise ClusterError(f"node-{n} exited during start\n{_logs_tail(root, [n])}")

        try:
            wait_for_health(node_urls(root), status, layout["nodes"], timeout, check)
        except (TimeoutError, ClusterError) as error:
            if spawned:
                _terminate([pid], STOP_TIMEOUT)
                _pid_file(root, n).unlink(missing_ok=True)
            if isinstance(error, ClusterError):
                raise
            raise ClusterError(f"{error}\n{_logs_tail(root, [n])}") from None
    return url


def cluster_status(root: Path | str = DEFAULT_DIR, base_port: int | None = None) -> dict[str, Any]:
    """Cluster health from the first node of ``root`` (or of ``base_port``) that answers.

    Raises ClusterError if none does.
    """
    if base_port is not None:
        urls = [f"http://127.0.0.1:{base_port}"]
    else:
        try:
            urls = node_urls(root)
        except ClusterError:
            urls = ["http://127.0.0.1:9200"]
    errors = []
    for url in urls:
        try:
            return cluster_health(url, timeout=10.0)
        except (OSError, ValueError) as error:
            errors.append(f"{url}: {error}")
    raise ClusterError("no node answers: " + "; ".join(errors))


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit status (0 ok, 1 failure)."""
    parser = argparse.ArgumentParser(
        description="Real OpenSearch test cluster on 127.0.0.1 (baoku)."
    )
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, help=f"state directory (default {DEFAULT_DIR})"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start the cluster and wait for green")
    start.add_argument("--nodes", type=int, default=3)
    start.add_argument(
        "--base-port", type=int, default=9200, help="HTTP port of node 1; transport is +100"
    )
    start.add_argument("--heap", default=DEFAULT_HEAP, help="JVM heap per node (default 512m)")
    start.add_argument("--timeout", type=float, default=START_TIMEOUT)
    start.add_argument("--fresh", action="store_true", help="wipe the nodes' data first")
    commands.add_parser("stop", help="stop every node recorded in --dir")
    stat = commands.add_parser("status", help="print cluster health JSON")
    stat.add_argument("--base-port", type=int, default=None)
    kill = commands.add_parser("kill-node", help="kill -9 node N (1-based)")
    kill.add_argument("n", type=int)
    restart = commands.add_parser("start-node", help="start node N again and wait for green")
    restart.add_argument("n", type=int)
    restart.add_argument("--timeout", type=float, default=START_TIMEOUT)
    commands.add_parser("build", help="only compile the launcher / resolve jars with Maven")
    # Options such as --dir are accepted after the command too.
    for sub in commands.choices.values():
        sub.add_argument("--dir", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        if args.command == "start":
            start_cluster(
                args.dir,
                args.nodes,
                args.base_port,
                heap=args.heap,
                timeout=args.timeout,
                fresh=args.fresh,
                quiet=False,
            )
        elif args.command == "stop":
            pids = stop_cluster(args.dir)
            print(f"stopped pids {pids}" if pids else "no node was running")
        elif args.command == "status":
            print(json.dumps(cluster_status(args.dir, args.base_port), indent=2))
        elif args.command == "kill-node":
            print(f"killed node-{args.n} (pid {kill_node(args.dir, args.n)})")
        elif args.command == "start-node":
            began = time.monotonic()
            url = start_node(args.dir, args.n, timeout=args.timeout)
            print(f"node-{args.n} back at {url}; cluster green in {time.monotonic() - began:.1f} s")
        elif args.command == "build":
            build(force=True)
            print(f"built {BUILD_DIR}")
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
