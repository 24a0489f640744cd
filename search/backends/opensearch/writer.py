"""`ArchiveWriter` for a cluster: imports (through search/ingest/pipeline.py), removals, merges.

Each runs under the import lock (store.py), as the Whoosh engine's do: one
writer at a time, so a removal never races an import's deletions.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from search.backends.base import files_under
from search.backends.opensearch.client import LONG_TIMEOUT, Cluster
from search.backends.opensearch.mapping import ARTICLE, JOIN
from search.backends.opensearch.reader import OpenSearchReader
from search.backends.opensearch.store import OpenSearchStore
from search.models import IndexStats


class OpenSearchWriter:
    """Changes one archive on a cluster."""

    def __init__(self, cluster: Cluster, store: OpenSearchStore, shards: int) -> None:
        self.cluster = cluster
        self._store = store
        self.shards = shards

    def store(self) -> OpenSearchStore:
        return self._store

    def remove(self, paths: Iterable[Path] = (), ids: Iterable[str] = ()) -> int:
        """Drop the articles of imported files (or folders of them) and/or ids; returns
        the articles removed (their units go with them: they carry the same fields)."""
        self._require_index()
        with self._store.lock():
            manifest = self._store.manifest()
            targets = files_under(manifest, paths)
            clauses: list[dict[str, Any]] = []
            if targets:
                clauses.append({"terms": {"origin": targets}})
            if ids := list(ids):
                clauses.append({"terms": {"article_id": ids}})
            if not clauses:
                return 0
            query = {"bool": {"should": clauses, "minimum_should_match": 1}}
            counted = {"bool": {"filter": [query, {"term": {JOIN: ARTICLE}}]}}
            with self.cluster.errors():
                articles = self.cluster.client.count(
                    index=self.cluster.articles, body={"query": counted}
                )
            self.cluster.delete_where(self.cluster.articles, query, refresh=True)
            self._store.forget(targets)
            self._store.touch()
        return int(self.cluster.complete(articles)["count"])

    def optimize(self) -> IndexStats:
        """Merge the index into one segment, dropping deleted documents."""
        self._require_index()
        with self._store.lock():
            with self.cluster.errors():
                self.cluster.client.indices.forcemerge(
                    index=self.cluster.articles, max_num_segments=1, request_timeout=LONG_TIMEOUT
                )
                self.cluster.client.indices.refresh(index=self.cluster.articles)
            self._store.touch()
        return OpenSearchReader(self.cluster, self._store, self.shards).stats()

    def _require_index(self) -> None:
        """`IndexMissing` naming the index: removing from nothing is not creating it."""
        with self.cluster.errors():
            self.cluster.client.indices.get(index=self.cluster.articles)
