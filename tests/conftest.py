"""Shared fixtures: real indexes on disk, built once per session where tests only read."""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import (
    CLUSTER_DIR,
    ROOT,
    SEEDS_DIR,
    SearchFn,
    build_index,
    cluster_harness,
    searcher_for,
)

import search


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: tests only read it; indexing costs seconds."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index([SEEDS_DIR], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def seed_whoosh(seed_index: Path) -> SearchFn:
    """Search the seeds with the default engine; the backend suite's `seed_search` is
    per engine (named apart so neither shadows the other)."""
    return searcher_for(seed_index)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _unavailable(reason: str) -> None:
    """Skip where a developer lacks Java or Maven; under CI=true, fail: CI tests the cluster."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def opensearch_hosts() -> Iterator[list[str]]:
    """The 3-node test cluster (tests/cluster/opensearch.py, OpenSearch 2.19 from Maven jars
    on 127.0.0.1:9200-9202): started once per session, stopped again only if started here."""
    harness = cluster_harness()
    try:
        harness.cluster_status(CLUSTER_DIR)
        running = True
    except harness.ClusterError:
        running = False
        java = os.environ.get("JAVA_HOME") or shutil.which("java")
        if not java or not shutil.which(os.environ.get("MVN", "mvn")):
            _unavailable("the OpenSearch test cluster needs Java 17 and Maven")
    urls = harness.start_cluster(CLUSTER_DIR)
    yield urls
    if not running:
        harness.stop_cluster(CLUSTER_DIR)


@pytest.fixture(scope="session")
def cluster_prefixes(opensearch_hosts: list[str]) -> Iterator[list[str]]:
    """Index prefixes tests created on the cluster; all deleted at the end of the session."""
    created: list[str] = []
    yield created
    for prefix in created:
        request = urllib.request.Request(f"{opensearch_hosts[0]}/{prefix}-*", method="DELETE")
        urllib.request.urlopen(request).close()


def pytest_report_header() -> str:
    return f"baoku under test: {Path(search.__file__).parent}"


def pytest_configure(config: pytest.Config) -> None:
    """Under CI the suite must test the installed package, as users get it, not the source."""
    if os.environ.get("CI") == "true" and Path(search.__file__).resolve().parent == ROOT / "search":
        raise pytest.UsageError(f"search is imported from the checkout ({search.__file__})")
