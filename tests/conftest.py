"""Shared fixtures: real indexes on disk, built once per session where tests only read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import analysis
from search.config import Settings
from search.index import import_paths, open_index
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
    archive = Archive(open_index(index_dir))

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
