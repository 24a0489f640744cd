"""One import's changes to the articles index: deletions, then analysed articles in bulk.

jieba is the slow part of an import, so worker processes analyse batches of
articles into bulk actions (documents.analyse) while this process reads the
files and talks to the cluster; at most `IN_FLIGHT` batches per worker wait,
so memory stays bounded whatever the input size, and bulk requests go out
`BULK_DOCS` documents at a time (opensearch-py retries what a busy node
refuses with 429, backing off).

Order is what keeps the index right without transactions: an article's old
copy must go before its new one is sent, so queued deletions always run
before the articles added after them are handed to the workers. Deletions
are batched (one delete-by-query per `DELETE_BATCH` ids: one per article made
re-imports take minutes) and their searches only see the index as last
refreshed, i.e. without this import's new documents; documents this import
overwrote meanwhile are skipped as version conflicts.

Nothing is visible to searches until `commit` refreshes the index (the index
never refreshes on its own, mapping.py). A cancelled or killed import leaves
what it sent invisible; the next import refreshes first and so sees, deletes
and replaces it, and ids are stable, so no article is ever duplicated.

Deleted documents are counted when their delete-by-query runs: a
`delete_article` call returns those deleted by the queue it flushed (and any
flushed by `add` since); the last queue runs in `commit`, which returns its count.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from opensearchpy.helpers import streaming_bulk

from search.backends.opensearch.client import BULK_TIMEOUT, Cluster
from search.backends.opensearch.documents import analyse
from search.backends.opensearch.mapping import ARTICLE, JOIN
from search.config import Settings
from search.models import Article
from search.text import analysis

ANALYSE_BATCH = 32  # articles per worker task
DELETE_BATCH = ANALYSE_BATCH  # ids per delete-by-query: one per analysed batch
IN_FLIGHT = 2  # analysed batches waiting per worker
BULK_DOCS = 1000  # documents per bulk request
BULK_BYTES = 20 << 20


class OpenSearchBatch:
    """`backends.base.Batch` for the articles index."""

    def __init__(self, cluster: Cluster, settings: Settings, on_commit: Callable[[], None]):
        self.cluster = cluster
        self.settings = settings
        self._on_commit = on_commit
        with cluster.errors():
            # What an import cut short sent becomes visible here, so it is replaced.
            cluster.client.indices.refresh(index=cluster.articles)
            self.fresh = self._count({"term": {JOIN: ARTICLE}}) == 0
        self._deletes: list[tuple[str | None, str]] = []  # (only from this origin, article id)
        self._waiting: list[Article] = []
        self._analysing: deque[AsyncResult[list[dict[str, Any]]]] = deque()
        self._ready: list[dict[str, Any]] = []
        self._pool: Pool | None = None
        self._unreported = 0

    def _count(self, query: dict[str, Any]) -> int:
        response = self.cluster.client.count(index=self.cluster.articles, body={"query": query})
        return int(self.cluster.complete(response)["count"])

    # -- deletions ------------------------------------------------------------------------

    def delete_origin(self, origin: str) -> int:
        return self._delete({"term": {"origin": origin}}) + self._reported()

    def delete_article(self, article_id: str, origin: str | None = None) -> int:
        self._deletes.append((origin, article_id))
        if len(self._deletes) >= DELETE_BATCH:
            self._unreported += self._flush_deletes()
        return self._reported()

    def _reported(self) -> int:
        count, self._unreported = self._unreported, 0
        return count

    def _flush_deletes(self) -> int:
        if not self._deletes:
            return 0
        by_origin: dict[str | None, list[str]] = {}
        for origin, article_id in self._deletes:
            by_origin.setdefault(origin, []).append(article_id)
        self._deletes = []
        groups = []
        for origin, ids in by_origin.items():
            group: list[dict[str, Any]] = [{"terms": {"article_id": ids}}]
            if origin is not None:
                group.append({"term": {"origin": origin}})
            groups.append({"bool": {"filter": group}})
        return self._delete({"bool": {"should": groups, "minimum_should_match": 1}})

    def _delete(self, query: dict[str, Any]) -> int:
        return self.cluster.delete_where(self.cluster.articles, query)

    # -- additions ------------------------------------------------------------------------

    def add(self, article: Article) -> None:
        self._waiting.append(article)
        if len(self._waiting) >= ANALYSE_BATCH:
            self._submit()

    def _submit(self) -> None:
        """Run the queued deletions, then hand the waiting articles to a worker."""
        self._unreported += self._flush_deletes()
        if not self._waiting:
            return
        pool = self._pool or self._start_pool()
        self._analysing.append(pool.apply_async(analyse, (self._waiting, self.cluster.articles)))
        self._waiting = []
        while len(self._analysing) > IN_FLIGHT * self.settings.index_workers:
            self._collect()

    def _start_pool(self) -> Pool:
        # Loaded before the fork, so every worker starts with jieba's dictionary in memory.
        analysis.configure(self.settings.cache_dir, self.settings.user_dict)
        analysis.segmenter()
        context = multiprocessing.get_context("fork")
        pool = context.Pool(self.settings.index_workers, _watch_parent, (os.getpid(),))
        self._pool = pool
        return pool

    def _collect(self) -> None:
        """Wait for the oldest analysed batch; send what is ready."""
        self._ready += self._analysing.popleft().get()
        if len(self._ready) >= BULK_DOCS:
            self._send()

    def _send(self) -> None:
        actions, self._ready = self._ready, []
        with self.cluster.errors():
            for _ in streaming_bulk(
                self.cluster.client,
                actions,
                chunk_size=BULK_DOCS,
                max_chunk_bytes=BULK_BYTES,
                max_retries=5,
                initial_backoff=1,
                request_timeout=BULK_TIMEOUT,
            ):
                pass

    # -- end ------------------------------------------------------------------------------

    def commit(self) -> int:
        self._submit()
        while self._analysing:
            self._collect()
        self._send()
        removed = self._reported()
        self._close_pool()
        with self.cluster.errors():
            self.cluster.client.indices.refresh(index=self.cluster.articles)
        self._on_commit()
        return removed

    def cancel(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def _watch_parent(parent: int) -> None:
    """End this worker when the import's process is gone.

    A worker waits on its task pipe forever: when the import is killed
    (kill -9, the OOM killer) nothing else would end it, and it would keep
    jieba's dictionary in memory, and the killed command's output pipes open.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
