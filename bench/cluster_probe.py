"""What the benchmarks measure of an OpenSearch cluster from outside baoku.

baoku's reader reports one copy of the articles index, which is what a Whoosh
directory holds; a cluster also keeps a replica of every shard and a files
index (the import manifest and JSONL line tables, which a Whoosh index keeps
in its directory), and does its share of the work in JVMs that are no
children of the import. So sizes come from the cluster's `_stats` (both
indices, primaries and with replicas), and memory and CPU from the JVMs'
processes, found by the pids the nodes report, when they run on this machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch

from search.backends.opensearch.mapping import names

DEFAULT_HOSTS = "http://127.0.0.1:9200,http://127.0.0.1:9201,http://127.0.0.1:9202"
DEFAULT_PREFIX = "baoku-bench"  # never a prefix the tests use (baoku-test-*)


def host_list(hosts: str) -> list[str]:
    """`opensearch_hosts` as baoku reads it: comma-separated URLs."""
    return [host.strip() for host in hosts.split(",") if host.strip()]


@dataclass(frozen=True)
class Node:
    name: str
    pid: int
    heap_max: int  # bytes (-Xmx)


@dataclass(frozen=True)
class StoreSize:
    primaries: int  # bytes on disk, one copy of each shard, both indices
    total: int  # bytes on disk, replicas included
    documents: int  # Lucene documents of the articles index (articles and units), one copy


class Probe:
    """The cluster at `hosts`, and the two indices of the archive named `prefix`."""

    def __init__(self, hosts: str, prefix: str) -> None:
        self.hosts = host_list(hosts)
        self.articles, self.files = names(prefix)
        self.client = OpenSearch(hosts=self.hosts, timeout=120)

    def version(self) -> str:
        info: dict[str, Any] = self.client.info()
        return str(info["version"]["number"])

    def nodes(self) -> list[Node]:
        found = self.client.nodes.info(metric="process,jvm")["nodes"].values()
        return sorted(
            (
                Node(n["name"], n["process"]["id"], n["jvm"]["mem"]["heap_max_in_bytes"])
                for n in found
            ),
            key=lambda node: node.name,
        )

    def local_jvms(self) -> list[int]:
        """The pids of the nodes' JVMs when every node runs on this machine, else none:
        a sum over some of the nodes would look like the whole cluster's."""
        pids = [node.pid for node in self.nodes()]
        return pids if all(_is_opensearch(pid) for pid in pids) else []

    def wait_ready(self) -> None:
        """Wait until a node answers at every host and the cluster is green: a node still
        starting (or recovering shards) would show in both the memory and the timings."""
        health = self.client.cluster.health(
            wait_for_nodes=f">={len(self.hosts)}", wait_for_status="green"
        )
        if health["timed_out"]:
            raise RuntimeError(
                f"cluster not ready after 30 s: {health['number_of_nodes']} of "
                f"{len(self.hosts)} nodes, {health['status']}"
            )

    def drop(self) -> None:
        """Delete the archive's indices: a fresh import every run, and nothing left behind."""
        self.client.indices.delete(
            index=f"{self.articles},{self.files}", ignore_unavailable=True, request_timeout=120
        )

    def store(self) -> StoreSize:
        """Sizes once every replica is allocated (the cluster is green for both indices)."""
        indices = f"{self.articles},{self.files}"
        # (the server waits 30 s at most; a `timeout` here would be the client's, in seconds)
        health = self.client.cluster.health(index=indices, wait_for_status="green")
        if health["timed_out"]:
            raise RuntimeError(f"{indices} not green after 30 s: {health['status']}")
        stats = self.client.indices.stats(index=indices, metric="store,docs")
        return StoreSize(
            primaries=stats["_all"]["primaries"]["store"]["size_in_bytes"],
            total=stats["_all"]["total"]["store"]["size_in_bytes"],
            documents=stats["indices"][self.articles]["primaries"]["docs"]["count"],
        )

    def close(self) -> None:
        self.client.close()


def _is_opensearch(pid: int) -> bool:
    """Whether `pid` is an OpenSearch JVM on this machine (not a remote node's number
    that happens to be some local process's)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"java" in command and b"opensearch" in command.lower()
