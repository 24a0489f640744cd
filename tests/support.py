"""Helpers the tests share: paths, real indexes, the `baoku` command, a real server.

Tests run against the installed package (`make test` installs a wheel into
.venv, not an editable checkout), so `baoku` here is the installed console
script and subprocesses never run from the checkout, where `python -m search`
would import the source tree instead of what users get.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import opencc

from search.backends import ArchiveReader, backend_for
from search.config import Settings
from search.ingest.pipeline import import_paths
from search.models import SearchResult
from search.query.request import SearchRequest
from search.text import analysis

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
SEED_PAGE = SEEDS_DIR / "000_9abfc11f84c73b14.txt"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"
CLUSTER_DIR = ROOT / ".opensearch"  # the test cluster's nodes, data and logs
# The console script installed beside this interpreter: what a user types.
BAOKU = [str(Path(sys.executable).with_name("baoku"))]


def settings_for(index_dir: Path, **overrides: object) -> Settings:
    settings = Settings(index_dir=index_dir, **overrides)  # type: ignore[arg-type]
    analysis.configure(settings.cache_dir, settings.user_dict)
    return settings


def build_index(paths: list[Path], index_dir: Path, **overrides: object) -> Settings:
    settings = settings_for(index_dir, **overrides)
    import_paths(backend_for(settings).writer(), paths)
    return settings


def write_jsonl(path: Path, records: list[dict]) -> Path:
    lines = []
    for n, record in enumerate(records):
        full = {
            "id": f"t-{n}",
            "date": "",
            "title": "",
            "section": "测试",
            "authors": [],
            "source": "test",
            "paragraphs": [],
            **record,
        }
        lines.append(json.dumps(full, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


SearchFn = Callable[..., SearchResult]


def reader_for(index_dir: Path, **overrides: object) -> ArchiveReader:
    return backend_for(settings_for(index_dir, **overrides)).reader()


def searcher_for(index_dir: Path) -> SearchFn:
    archive = reader_for(index_dir)

    def search(query: str, **options: object) -> SearchResult:
        return archive.search(SearchRequest(query=query, **options))  # type: ignore[arg-type]

    return search


def ids(result: SearchResult) -> list[str]:
    """Article ids of the hits, in rank order, without the seed page's file prefix."""
    return [h.article_id.removeprefix(SEED_PAGE.stem + "-") for h in result.hits]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen[str], seconds: float = 120) -> None:
    """Return once `url` answers with any HTTP status; raise if the server exits or never does.

    A fixture that yielded a server that never answered would turn every test
    using it into a confusing connection error (or worse, a pass on a stale one).
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if server.poll() is not None:
                output = server.stderr.read() if server.stderr else ""
                raise RuntimeError("the server exited: " + output) from None
            time.sleep(0.1)
    raise RuntimeError(f"the server never answered {url} in {seconds:.0f} s")


@contextmanager
def running_server(
    index_dir: Path,
    seeds_dir: Path = SEEDS_DIR,
    command: list[str] | None = None,
    cwd: Path | None = None,
) -> Iterator[tuple[str, list[str]]]:
    """`baoku serve` (gunicorn, 2 workers) on a free port; yields its URL and, after
    it stops, its stderr lines in the list."""
    port = free_port()
    env = {**os.environ, "BAOKU_INDEX": str(index_dir), "BAOKU_SEEDS_DIR": str(seeds_dir)}
    server = subprocess.Popen(
        [*(command or BAOKU), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    log: list[str] = []
    # Drained as it comes: a server blocked writing to a full pipe would look like a hang.
    drain = threading.Thread(target=lambda: log.extend(server.stderr or ()), daemon=True)
    try:
        wait_until_serving(base + "/api/health", server)
        drain.start()
        yield base, log
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if drain.is_alive():
            drain.join(timeout=10)
        if server.stderr:
            server.stderr.close()


class Gate:
    """Holds an import in the middle, deterministically, with no hook in baoku's code.

    Import workers load the user dictionary (`--user-dict`) when they start,
    after the import has taken its lock and begun deleting and feeding them
    articles. Here the dictionary is a named pipe nobody writes to, so every
    worker blocks opening it and the import cannot commit, however fast the
    machine, until `open()`: a fixed sleep cannot promise that.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / "gate-dict.txt"
        os.mkfifo(self.path)

    def open(self) -> None:
        """Let the import go on with an empty dictionary: workers still waiting on the pipe
        see its end; later ones open the regular file put in its place."""
        holder = os.open(self.path, os.O_RDWR)  # never blocks on Linux; releases the waiters
        replacement = self.path.with_suffix(".new")
        replacement.write_text("", "utf-8")
        os.replace(replacement, self.path)
        os.close(holder)


_S2T = opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """`text` in traditional characters, converted one character at a time.

    By character, as baoku normalises: OpenCC converts phrases too (了解 ->
    瞭解, 象 -> 像 in some words), and those variants are distinct simplified
    characters that baoku does not merge (瞭望, 图像 would then match 了, 象).
    """
    return "".join(_S2T.convert(char) for char in text)


@functools.cache
def cluster_harness() -> ModuleType:
    """tests/cluster/opensearch.py, under a name that shadows nothing (not opensearch-py).

    Loaded once: the module keeps the nodes it started, to reap them when they stop; a
    second copy would not know the first one's, and pytest would report them still running.
    """
    spec = importlib.util.spec_from_file_location(
        "baoku_cluster_harness", ROOT / "tests" / "cluster" / "opensearch.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Engine:
    """One engine under test: where an archive of some files goes, and how to search it."""

    name: str
    hosts: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)  # cluster indices to delete afterwards

    def settings(self, folder: Path) -> Settings:
        if self.name == "whoosh":
            return settings_for(folder / "index")
        prefix = f"baoku-test-{uuid.uuid4().hex[:10]}"
        self.prefixes.append(prefix)
        return settings_for(
            folder / "index",
            backend="opensearch",
            opensearch_hosts=",".join(self.hosts),
            opensearch_index=prefix,
        )

    def build(self, paths: list[Path], folder: Path) -> Settings:
        settings = self.settings(folder)
        import_paths(backend_for(settings).writer(), paths)
        return settings

    def reader(self, settings: Settings) -> ArchiveReader:
        return backend_for(settings).reader()

    def search(self, settings: Settings) -> SearchFn:
        archive = self.reader(settings)

        def search(query: str, **options: object) -> SearchResult:
            return archive.search(SearchRequest(query=query, **options))  # type: ignore[arg-type]

        return search
