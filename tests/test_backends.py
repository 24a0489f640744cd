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
