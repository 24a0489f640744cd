"""`BackendTests` on each engine: the embedded Whoosh index and the 3-node OpenSearch cluster."""

from __future__ import annotations

import pytest
from backend_tests import BackendTests
from support import Engine


class TestWhoosh(BackendTests):
    @pytest.fixture(scope="class")
    @classmethod
    def engine(cls) -> Engine:
        return Engine("whoosh")


class TestOpenSearch(BackendTests):
    @pytest.fixture(scope="class")
    @classmethod
    def engine(cls, opensearch_hosts: list[str], cluster_prefixes: list[str]) -> Engine:
        return Engine("opensearch", opensearch_hosts, cluster_prefixes)


def test_an_unreachable_cluster_is_one_clear_error_on_cli_and_http(runner, monkeypatch):
    """No traceback and no 500: exit 1 with the URL named, HTTP 503 in the API's shape."""
    from search.cli import cli
    from search.config import Settings
    from search.web import create_app

    url = "http://127.0.0.1:1"
    monkeypatch.setenv("BAOKU_BACKEND", "opensearch")
    monkeypatch.setenv("BAOKU_OPENSEARCH_HOSTS", url)
    for command in (["search", "郑州"], ["stats"], ["index", "--prune"]):
        out = runner.invoke(cli, command)
        lines = [line for line in out.output.splitlines() if line != "indexing"]  # progress label
        assert out.exit_code == 1 and len(lines) == 1, out.output
        assert lines[0].startswith("Error: ") and url in lines[0], out.output
    client = create_app(Settings.load()).test_client()
    for path in ("/api/search?q=郑州", "/api/health", "/api/articles/x"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert url in response.get_json()["error"]["message"]
    assert client.get("/?q=郑州").status_code == 503
