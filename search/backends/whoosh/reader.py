"""`WhooshReader`, the embedded engine's `ArchiveReader`: each question to its job.

A search takes the latest snapshot (snapshot.py), finds and scores its
matches (matching.py, scoring.py), then ranks, pages and counts them
(collecting.py). Browsing, articles and suggestions read the snapshot or its
term dictionaries directly.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator, Sequence

from search.backends.hits import article_from_stored
from search.backends.whoosh import collecting
from search.backends.whoosh.matching import evaluate
from search.backends.whoosh.snapshot import LatestSnapshot, Snapshot
from search.backends.whoosh.store import last_commit, stats
from search.config import Settings
from search.errors import ArticleNotFound
from search.limits import DAY_ARTICLES, SUGGEST_SCAN
from search.models import (
    ENTITY_KINDS,
    Article,
    DayCount,
    Hit,
    IndexStats,
    SearchResult,
    TermField,
)
from search.query.request import SearchRequest


class WhooshReader:
    """Searches one on-disk index; keeps a searcher open and refreshes it per query, so
    articles committed by a `baoku index` in another process show up (`LatestSnapshot`)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._latest = LatestSnapshot(settings.index_dir)

    def snapshot(self) -> Snapshot:
        return self._latest.get()

    def close(self) -> None:
        self._latest.close()

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        end = request.page * request.size
        answer = evaluate(self.snapshot(), request)
        ranked = collecting.ranked(answer, end)
        hits = collecting.hits(answer, ranked[end - request.size : end])
        canonical = request.alias_table.canonical
        return SearchResult(
            query=request.query,
            total=len(answer.found),
            page=request.page,
            page_size=request.size,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=tuple(hits),
            facets=collecting.facets(answer, canonical) if request.facets else None,
        )

    def count(self, request: SearchRequest) -> int:
        return len(evaluate(self.snapshot(), request).found)

    def export(self, request: SearchRequest, cap: int) -> Iterator[Hit]:
        """The first `cap` hits in rank order, built one by one for streaming."""
        answer = evaluate(self.snapshot(), request)
        return collecting.hits(answer, collecting.ranked(answer, cap))

    def article_ids(self, request: SearchRequest) -> set[str]:
        """Every matching article id, unranked and without snippets: checks and exports."""
        return collecting.article_ids(evaluate(self.snapshot(), request))

    def prefixed_terms(self, field: TermField, prefix: str) -> list[tuple[str, int]]:
        name = "author_key" if field == "authors" else "words"
        return self.snapshot().view.frequent_terms(name, prefix, SUGGEST_SCAN)

    def vocabulary(self) -> frozenset[str]:
        snap = self.snapshot()
        names = (name for kind in ENTITY_KINDS for name in snap.mentions(kind).names)
        return frozenset(snap.view.lexicon("words")).union(names)

    def word_frequencies(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        snap = self.snapshot()
        return len(snap.units), {w: snap.view.doc_frequency("words", w) for w in words}

    def calendar(self) -> tuple[DayCount, ...]:
        return self.snapshot().calendar

    def day(self, day: datetime.date, paper: str | None = None) -> tuple[Article, ...]:
        """Every article of the day (of one paper), unordered: `browse.py` orders them."""
        snap = self.snapshot()
        rows = snap.dates == day.toordinal()
        if paper:
            rows &= snap.rows_with(snap.papers, paper)
        parents = snap.parents_where(rows)[:DAY_ARTICLES]
        return tuple(article_from_stored(snap.view.stored(int(d))["article"]) for d in parents)

    def article(self, article_id: str) -> Article:
        snap = self.snapshot()
        docnum = snap.docnum_of.get(article_id)
        if docnum is None:
            raise ArticleNotFound(f"no article with id {article_id!r}")
        return article_from_stored(snap.view.stored(docnum)["article"])

    def stats(self) -> IndexStats:
        return stats(self._settings)

    def updated(self) -> datetime.datetime | None:
        return last_commit(self._settings.index_dir)
