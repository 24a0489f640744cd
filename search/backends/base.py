"""What `cli.py` and `web/` may ask of an engine, and what the import pipeline asks of its store.

Two engines implement these: the embedded Whoosh index (`backends/whoosh/`)
and an OpenSearch cluster (`backends/opensearch/`). Both answer the same
behavioural suite (tests/backend_tests.py), so a newsroom that moves its
archive to a cluster gets the same hits, totals, facets and snippets.

Callers get an engine from `backend_for(settings)` (backends/__init__.py)
and never import an engine module; engines never import Flask or click.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from search.models import (
    Article,
    DayCount,
    Hit,
    IndexStats,
    SearchResult,
    TermField,
)
from search.query.request import SearchRequest

Progress = Callable[[int, int, int], None]  # (bytes done, bytes total, articles sent)
Manifest = dict[str, dict[str, Any]]  # file key -> {"sha256", "articles"[, "jumps"]}
MANIFEST_KEYS = ("sha256", "articles", "jumps")  # "jumps": a page file's `JumpPart`s
LineTable = dict[str, str]  # JSONL line digest -> article id


def files_under(manifest: Manifest, paths: Iterable[Path]) -> list[str]:
    """The imported files (manifest keys) that are `paths` or inside them: what `remove` drops."""
    targets = []
    for path in paths:
        resolved = str(path.resolve())
        targets += [k for k in manifest if k == resolved or k.startswith(resolved + os.sep)]
    return targets


class ArchiveReader(Protocol):
    """Searches one archive; a long-lived reader sees later imports without reopening."""

    def search(self, request: SearchRequest) -> SearchResult:
        """Ranked hits with snippets, the exact `total`, and facets when `request.facets`."""
        ...

    def count(self, request: SearchRequest) -> int:
        """The exact `total` a search would give, with nothing ranked, built or counted
        beside it: what hints ask of variants of a query (newsroom/hints.py)."""
        ...

    def export(self, request: SearchRequest, cap: int) -> Iterator[Hit]:
        """The first `cap` hits in rank order, built one at a time for streaming."""
        ...

    def article_ids(self, request: SearchRequest) -> set[str]:
        """Every matching article id (unranked): exactness checks."""
        ...

    def article(self, article_id: str) -> Article:
        """The stored article; `ArticleNotFound` when there is none."""
        ...

    def calendar(self) -> tuple[DayCount, ...]:
        """Articles per (day, `Article.issue_paper`) over the dated articles, date order."""
        ...

    def day(self, day: datetime.date, paper: str | None = None) -> tuple[Article, ...]:
        """The articles of one day (of one paper), at most `limits.DAY_ARTICLES`, any order."""
        ...

    def word_frequencies(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        """(units in the archive, how many units hold each jieba word): IDF for 相关报道."""
        ...

    def vocabulary(self) -> frozenset[str]:
        """Every distinct indexed jieba word (the `words` field) and every person, place
        and organisation name: what 你是不是要找 draws its suggestions from
        (`newsroom/hints.py`). It reads the whole term dictionary (seconds on a large
        archive), so callers keep it per `updated()`."""
        ...

    def prefixed_terms(self, field: TermField, prefix: str) -> list[tuple[str, int]]:
        """(term, documents holding it) for at most `limits.SUGGEST_SCAN` terms of the
        author-name or word dictionary that start with `prefix`, in dictionary order.
        It reads term dictionaries only, cheap enough for every keystroke; what to
        offer from them is `newsroom/completions.py`'s choice, the same for both engines."""
        ...

    def stats(self) -> IndexStats: ...

    def updated(self) -> datetime.datetime | None:
        """When an import last committed (`stats().updated`, without counting anything)."""
        ...

    def close(self) -> None: ...


class ArchiveWriter(Protocol):
    """Changes one archive; one writer at a time (`IndexBusy` for a second)."""

    def store(self) -> Store:
        """Where the import pipeline (search/ingest/pipeline.py) writes: the engine stores
        what it is sent and never reads a file itself."""
        ...

    def remove(self, paths: Iterable[Path] = (), ids: Iterable[str] = ()) -> int:
        """Drop the articles of files (as imported) and/or by id; returns articles removed."""
        ...

    def optimize(self) -> IndexStats: ...


class Backend(Protocol):
    """One archive in one engine."""

    name: str
    location: str  # what messages name: the index directory, or the cluster and index

    def exists(self) -> bool:
        """Whether anything was ever imported here (a damaged index exists too)."""
        ...

    def reader(self) -> ArchiveReader:
        """`IndexMissing` or `IndexUnavailable` (naming the place) when it cannot be read."""
        ...

    def writer(self) -> ArchiveWriter: ...


class Batch(Protocol):
    """One import's changes to an engine, invisible to searches until `commit`."""

    fresh: bool  # the archive had no articles: no old copies to delete

    def delete_origin(self, origin: str) -> int:
        """Delete every article imported from this file; returns documents deleted."""
        ...

    def delete_article(self, article_id: str, origin: str | None = None) -> int:
        """Delete an article by id (only from `origin` when given)."""
        ...

    def add(self, article: Article) -> None: ...

    def commit(self) -> int:
        """Make the whole import visible at once; returns documents deleted only now (an
        engine may batch deletions until the commit)."""
        ...

    def cancel(self) -> None: ...


class Store(Protocol):
    """What the shared import pipeline (search/ingest/pipeline.py) needs of an engine."""

    def lock(self) -> AbstractContextManager[None]:
        """Held for a whole import: a second one is refused with `IndexBusy`."""
        ...

    def manifest(self) -> Manifest: ...

    def known_lines(self, key: str, sha256: str | None) -> LineTable | None:
        """What the last import indexed from this JSONL file, if it describes that version."""
        ...

    def save(self, manifest: Manifest, tables: dict[str, LineTable]) -> None:
        """Record the files of a committed import (after `Batch.commit`)."""
        ...

    def batch(self) -> Batch: ...
