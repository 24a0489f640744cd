"""Shared fixtures: real indexes on disk, built once per session where tests only read."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import analysis
from search.config import Settings
from search.index import import_paths
from search.models import SearchRequest, SearchResult
from search.query import Archive

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
SEED_PAGE = SEEDS_DIR / "000_9abfc11f84c73b14.txt"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"


def settings_for(index_dir: Path, **overrides: object) -> Settings:
    settings = Settings(index_dir=index_dir, **overrides)  # type: ignore[arg-type]
    analysis.configure(settings.cache_dir, settings.user_dict)
    return settings


def build_index(paths: list[Path], index_dir: Path, **overrides: object) -> Settings:
    settings = settings_for(index_dir, **overrides)
    import_paths(paths, settings)
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


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: tests only read it; indexing costs seconds."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index([SEEDS_DIR], index_dir)
    return index_dir


SearchFn = Callable[..., SearchResult]


def searcher_for(index_dir: Path) -> SearchFn:
    archive = Archive(index_dir)

    def search(query: str, **options: object) -> SearchResult:
        return archive.search(SearchRequest(query=query, **options))  # type: ignore[arg-type]

    return search


@pytest.fixture(scope="session")
def seed_search(seed_index: Path) -> SearchFn:
    return searcher_for(seed_index)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def ids(result: SearchResult) -> list[str]:
    """Article ids of the hits, in rank order, without the seed page's file prefix."""
    return [h.article_id.removeprefix(SEED_PAGE.stem + "-") for h in result.hits]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(index_dir: Path, seeds_dir: Path = SEEDS_DIR) -> Iterator[tuple[str, list[str]]]:
    """`baoku serve` (gunicorn, 2 workers) on a free port; yields its URL and, after
    it stops, its stderr lines in the list."""
    port = free_port()
    env = {**os.environ, "BAOKU_INDEX": str(index_dir), "BAOKU_SEEDS_DIR": str(seeds_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    log: list[str] = []
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("baoku serve exited: " + server.stderr.read()) from None
                time.sleep(0.1)
        yield base, log
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
        log.extend(stderr.splitlines())
