"""The connection to the cluster, and the one place where opensearch-py's errors become baoku's.

Every call to the cluster runs inside `Cluster.errors()`, so the CLI and the
web layer only ever see `IndexMissing`, `IndexUnavailable` (503, exit 1) with
the cluster's URLs and the index named, never a client traceback: a
connection refused, a timeout, a red index (no copy of a shard can answer),
an overloaded node (429) or a request the index refuses (a mapping from
another baoku version).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as Unreachable
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, TransportError
from opensearchpy.helpers import BulkIndexError

from search.backends.opensearch.mapping import names
from search.errors import IndexMissing, IndexUnavailable

TIMEOUT = 30  # seconds for a search or a small write; long jobs pass their own
LONG_TIMEOUT = 3600  # force merge, delete by query over a whole file
# A bulk request of BULK_DOCS documents: minutes would mean the cluster has lost its
# quorum; an import then stops with an error instead of waiting for hours.
BULK_TIMEOUT = 120


class Cluster:
    """An opensearch-py client for the baoku indices under one name prefix."""

    def __init__(self, hosts: list[str], prefix: str) -> None:
        self.hosts = hosts
        self.articles, self.files = names(prefix)
        # Retries go to the other nodes: a dead node costs one failed attempt.
        self.client = OpenSearch(hosts=hosts, timeout=TIMEOUT, max_retries=2, retry_on_timeout=True)

    @property
    def location(self) -> str:
        return location(self.hosts, self.articles)

    @property
    def where(self) -> str:
        return f"index {self.articles} on the OpenSearch cluster at {', '.join(self.hosts)}"

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Map whatever the client raises to a `BaokuError` naming the cluster and index."""
        try:
            yield
        except ConnectionTimeout as exc:
            raise IndexUnavailable(f"{self.where} did not answer in time ({exc.info})") from exc
        except Unreachable as exc:
            raise IndexUnavailable(f"cannot reach the {self.where} ({exc.info})") from exc
        except NotFoundError as exc:
            if exc.error == "index_not_found_exception":
                raise IndexMissing(f"no {self.where}: run `baoku index` first") from exc
            raise IndexUnavailable(f"{self.where}: {_reason(exc)}") from exc
        except TransportError as exc:
            raise IndexUnavailable(f"{self.where} cannot answer: {_reason(exc)}") from exc
        except BulkIndexError as exc:
            first = exc.errors[0] if exc.errors else {}
            raise IndexUnavailable(
                f"{self.where} refused {len(exc.errors)} document(s), e.g. {first}"
            ) from exc

    def complete(self, response: Mapping[str, Any]) -> Mapping[str, Any]:
        """`response`, unless a shard did not answer: totals and facets must be exact."""
        shards = response.get("_shards", {})
        if shards.get("failed") or response.get("timed_out"):
            failures = shards.get("failures") or "timed out"
            raise IndexUnavailable(f"{self.where} answered only in part: {failures}")
        return response

    def delete_where(self, index: str, query: Mapping[str, Any], refresh: bool = False) -> int:
        """Delete the documents of `index` matching `query`; how many were deleted.

        Documents changed since the deletion's search are left (version
        conflicts): an import overwrites before it refreshes, never the reverse.
        """
        with self.errors():
            response = self.client.delete_by_query(
                index=index,
                body={"query": query},
                conflicts="proceed",
                refresh=refresh,
                request_timeout=LONG_TIMEOUT,
            )
        if response.get("failures"):
            raise IndexUnavailable(
                f"deleting from the {self.where} failed: {response['failures'][0]}"
            )
        return int(response["deleted"])

    def close(self) -> None:
        self.client.close()


def location(hosts: list[str], articles: str) -> str:
    """What messages name (`Backend.location`): the articles index and the cluster's URLs."""
    return f"OpenSearch index {articles} at {', '.join(hosts)}"


def _reason(exc: TransportError) -> str:
    """The server's own explanation, without the client's framing."""
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        cause = (error.get("root_cause") or [error])[0]
        return f"{cause.get('type')}: {cause.get('reason')} (HTTP {exc.status_code})"
    return f"{exc.error} (HTTP {exc.status_code})"
