"""The OpenSearch engine: the same answers as the embedded Whoosh index, from a cluster.

    mapping     index settings and mappings (why a join, why these analyzers)
    documents   Article -> bulk actions (parent + units), in worker processes
    translate   query tree -> query DSL, sort, facets (and where scores differ)
    reader      ArchiveReader: search, export, article_ids, article, suggest, stats
    batch       one import's deletions and bulk indexing
    store       manifest, line tables, import lock and last update (files index)
    writer      ArchiveWriter: import (search/ingest/pipeline.py), remove, optimize
    client      the connection, and the one place client errors become baoku's

Text is normalised in Python with `analysis.normalize` (the function the
Whoosh engine uses) and hits are built by `hits`, so matching, best
paragraphs and snippets are the same in both engines; only scores differ
(translate.py). Needs OpenSearch 2.x with the parent-join, analysis-common
and lang-painless modules (every distribution ships them) and reindex (for
delete-by-query).
"""

from __future__ import annotations

from search.backends.opensearch.client import Cluster, location
from search.backends.opensearch.mapping import SHARDS, names
from search.backends.opensearch.reader import OpenSearchReader
from search.backends.opensearch.store import OpenSearchStore
from search.backends.opensearch.writer import OpenSearchWriter
from search.config import Settings
from search.errors import IndexMissing, IndexUnavailable


class OpenSearchBackend:
    """One archive (`{index}-articles`, `{index}-files`) on the cluster at `hosts`."""

    name = "opensearch"

    def __init__(
        self, hosts: list[str], index: str, settings: Settings, shards: int = SHARDS
    ) -> None:
        self.hosts = hosts
        self.index = index
        self.settings = settings
        self.shards = shards  # used when the first import creates the index
        self.location = location(hosts, names(index)[0])

    def _cluster(self) -> Cluster:
        return Cluster(self.hosts, self.index)

    def exists(self) -> bool:
        """Whether the articles index exists; `IndexUnavailable` when the cluster cannot
        say (an unreachable cluster is not an empty archive)."""
        cluster = self._cluster()
        try:
            with cluster.errors():
                return bool(cluster.client.indices.exists(index=cluster.articles))
        finally:
            cluster.close()

    def reader(self) -> OpenSearchReader:
        """A reader, once the index exists and every shard has a copy that can answer."""
        cluster = self._cluster()
        try:
            with cluster.errors():
                if not cluster.client.indices.exists(index=cluster.articles):
                    raise IndexMissing(f"no {cluster.where}: run `baoku index` first")
                health = cluster.client.cluster.health(index=cluster.articles)
                settings = cluster.client.indices.get_settings(index=cluster.articles)
        except BaseException:
            cluster.close()
            raise
        if health["status"] == "red":
            cluster.close()
            raise IndexUnavailable(
                f"the {cluster.where} is red: {health['unassigned_shards']} shard(s) have no "
                "copy on a running node"
            )
        shards = int(settings[cluster.articles]["settings"]["index"]["number_of_shards"])
        store = self._store(cluster)
        try:
            store.check_format()
        except BaseException:
            cluster.close()
            raise
        return OpenSearchReader(cluster, store, shards)

    def writer(self) -> OpenSearchWriter:
        cluster = self._cluster()
        return OpenSearchWriter(cluster, self._store(cluster), self.shards)

    def _store(self, cluster: Cluster) -> OpenSearchStore:
        return OpenSearchStore(cluster, self.settings, self.shards)
