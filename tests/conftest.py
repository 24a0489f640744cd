"""Shared fixtures: real indexes on disk, built once per session where tests only read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import ROOT, SEEDS_DIR, SearchFn, build_index, searcher_for

import search


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: tests only read it; indexing costs seconds."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index([SEEDS_DIR], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def seed_search(seed_index: Path) -> SearchFn:
    return searcher_for(seed_index)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def pytest_report_header() -> str:
    return f"baoku under test: {Path(search.__file__).parent}"


def pytest_configure(config: pytest.Config) -> None:
    """Under CI the suite must test the installed package, as users get it, not the source."""
    if os.environ.get("CI") == "true" and Path(search.__file__).resolve().is_relative_to(ROOT):
        raise pytest.UsageError(f"search is imported from the checkout ({search.__file__})")
