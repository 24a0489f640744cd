"""The snapshot: one index generation loaded as arrays, and the latest one kept open.

A `Snapshot` is what matching, scoring and collecting read: which documents
are live, each unit's article, field lengths (BM25), and the article-level
columns (ids, dates, sections, authors, papers, entities) as coded arrays.
It is built once per index generation from postings.py's segments (cached
per segment), so a query pays only for its own postings; columns are read on
first use. `LatestSnapshot` holds the snapshot a reader answers from and
moves to a new one when another process commits.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from search.backends.whoosh.postings import LENGTH_FIELDS, IndexView, Segment
from search.backends.whoosh.schema import ENTITY_COLUMNS
from search.backends.whoosh.store import open_index
from search.models import DayCount
from search.query.ranking import LEAD_BOOST

NO_DATE = 0  # a parent row's date ordinal when the article is undated


class Snapshot:
    """One searcher generation as arrays: which docs are live, parents, lengths, columns.

    Built once per index generation (segments are reused from postings.py's
    cache), so a query pays only for its own postings.
    """

    def __init__(self, view: IndexView) -> None:
        self.view = view
        self.segments = view.segments
        self.size = view.size

        def joined(part: Callable[[Segment, int], np.ndarray]) -> np.ndarray:
            arrays = [part(s, offset) for s, offset in self.segments]
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)

        live = joined(lambda s, _: s.live()).astype(bool)
        self.parent_of = joined(lambda s, o: np.where(s.parent_of >= 0, s.parent_of + o, -1))
        all_parents = joined(lambda s, o: s.parents + o)
        is_parent = np.zeros(self.size, dtype=bool)
        is_parent[all_parents] = True
        self.parents = np.flatnonzero(live & is_parent)
        self.units = np.flatnonzero(live & ~is_parent & (self.parent_of >= 0))
        self.live = live
        self.lengths = {field: joined(_lengths_of(field)) for field in LENGTH_FIELDS}
        self.average = {
            field: float(self.lengths[field][docs].mean()) if len(docs) else 1.0
            for field, docs in (
                ("exact", self.units),
                ("words", self.units),
                ("ptitle", self.parents),
                ("pauthor", self.parents),
                ("psection", self.parents),
            )
        }
        # Parent rows: article-level columns, indexed by `row[docnum]`.
        self.row = np.full(self.size, -1, dtype=np.int64)
        self.row[all_parents] = np.arange(len(all_parents))
        self.row_count = len(all_parents)
        self.all_parents = all_parents
        self.is_title = np.zeros(self.size, dtype=bool)
        self.is_title[joined(lambda s, o: s.titles + o)] = True
        self.unit_weight = np.ones(self.size, dtype=np.float32)  # LEAD_BOOST for leads
        self.unit_weight[joined(lambda s, o: s.leads + o)] = LEAD_BOOST
        self._mentions: dict[str, Coded] = {}

    # Columns are read on first use: a CLI search that neither sorts by date nor
    # counts facets never pays for them (0.1-0.2 s each on the full corpus).

    def _column(self, name: str) -> list[str]:
        return [v for s, _ in self.segments for v in s.column(name)]

    @cached_property
    def article_ids(self) -> list[str]:
        return self._column("article_id")

    @cached_property
    def docnum_of(self) -> dict[str, int]:
        """Each live article's parent docnum by id: the article view's lookup, built once
        per index version (a Whoosh term query for the id took 90 ms on the full corpus)."""
        ids = self.article_ids
        return {
            ids[row]: docnum
            for docnum, row in zip(
                self.parents.tolist(), self.row[self.parents].tolist(), strict=True
            )
        }

    @cached_property
    def dates(self) -> np.ndarray:
        """Each parent row's date as a day ordinal (NO_DATE when undated)."""
        return np.array([_ordinal(d) for d in self._column("date")], dtype=np.int64)

    @cached_property
    def imported(self) -> np.ndarray:
        """Each parent row's import time (`imported_stamp` text; "" before 0.3.0)."""
        return np.array(self._column("imported"), dtype=object)

    @cached_property
    def papers(self) -> Coded:
        """Each parent row's `Article.issue_paper`: what /browse groups by."""
        return _coded(self._column("paper_key"))

    @cached_property
    def months(self) -> Coded:
        return _coded([d[:7] for d in self._column("date")])

    @cached_property
    def sections(self) -> Coded:
        return _coded(self._column("section_key"))

    def _names(self, column: str) -> Coded:
        """A comma-joined names column as codes of all rows end to end; row r's are
        codes[start[r]:start[r + 1]]."""
        # Each name once per article: a byline that lists a name twice is one article.
        names = [list(dict.fromkeys(n for n in v.split(",") if n)) for v in self._column(column)]
        coded = _coded([n for row in names for n in row])
        start = np.concatenate([[0], np.cumsum([len(r) for r in names])]).astype(np.int64)
        return Coded(coded.names, coded.codes, start)

    @cached_property
    def authors(self) -> Coded:
        return self._names("author_key")

    def mentions(self, kind: str) -> Coded:
        """The names of an entity kind per row (`schema.ENTITY_COLUMNS`), read on first use."""
        if kind not in self._mentions:
            self._mentions[kind] = self._names(ENTITY_COLUMNS[kind])
        return self._mentions[kind]

    @cached_property
    def calendar(self) -> tuple[DayCount, ...]:
        """Articles per (day, paper) over the live dated articles, in date order: computed
        once per index version, so /browse costs a lookup."""
        rows = self.row[self.parents]
        days, papers = self.dates[rows], self.papers.codes[rows]
        dated = days != NO_DATE
        pairs, counts = np.unique(
            np.stack([days[dated], papers[dated]]), axis=1, return_counts=True
        )
        names = self.papers.names
        return tuple(
            DayCount(
                datetime.date.fromordinal(int(day)), names[int(code)] if code >= 0 else "", int(n)
            )
            for (day, code), n in zip(pairs.T.tolist(), counts.tolist(), strict=True)
        )

    def rows(self, docs: np.ndarray) -> np.ndarray:
        """Parent rows of documents (parents or units)."""
        return self.row[np.where(self.row[docs] >= 0, docs, self.parent_of[docs])]

    def parents_where(self, row_mask: np.ndarray) -> np.ndarray:
        return self.parents[row_mask[self.row[self.parents]]]

    def paragraph_range(self, parent: int) -> tuple[int, int]:
        """Docnums [first, end) of an article's paragraphs: they follow its title unit."""
        row = self.row[parent]
        end = int(self.all_parents[row + 1]) if row + 1 < self.row_count else self.size
        first = parent + 1
        if first < end and self.is_title[first]:
            first += 1
        return first, end

    def children(self, parents: np.ndarray) -> np.ndarray:
        """The live units of the given parents."""
        chosen = np.zeros(self.size, dtype=bool)
        chosen[parents] = True
        return self.units[chosen[self.parent_of[self.units]]]

    def rows_with(self, coded: Coded, *names: str) -> np.ndarray:
        """Row mask: articles whose column (section, author, entity) holds exactly one of
        `names`."""
        mask = np.zeros(self.row_count, dtype=bool)
        codes = [coded.index[name] for name in names if name in coded.index]
        if codes:
            hits = np.flatnonzero(np.isin(coded.codes, codes))
            mask[hits if coded.start is None else coded.row_of(hits)] = True
        return mask


@dataclass(frozen=True)
class Coded:
    """A string column as codes: `names[codes[i]]` ("" where the code is -1)."""

    names: list[str]
    codes: np.ndarray
    start: np.ndarray | None = None  # multi-valued: row r owns codes[start[r]:start[r + 1]]

    @cached_property
    def index(self) -> dict[str, int]:
        return {name: code for code, name in enumerate(self.names)}

    def row_of(self, positions: np.ndarray) -> np.ndarray:
        assert self.start is not None, "a single-valued column has one code per row"
        return np.searchsorted(self.start, positions, side="right") - 1


def _ordinal(date: str) -> int:
    return datetime.date.fromisoformat(date).toordinal() if date else NO_DATE


def _coded(values: list[str]) -> Coded:
    names = sorted({v for v in values if v})
    index = {name: code for code, name in enumerate(names)}
    return Coded(names, np.array([index.get(v, -1) for v in values], dtype=np.int64))


def _lengths_of(field: str) -> Callable[[Segment, int], np.ndarray]:
    return lambda segment, _offset: segment.lengths[field]


class LatestSnapshot:
    """The snapshot of an index directory's latest commit, checked before each query.

    The check is a cheap generation test, so articles committed by a `baoku index`
    in another process show up without reopening anything; the arrays are rebuilt
    only when the generation changes.
    """

    def __init__(self, index_dir: Path) -> None:
        self._index_dir = index_dir
        self._snapshot = Snapshot(IndexView.open(open_index(index_dir)))
        self._lock = threading.Lock()

    def get(self) -> Snapshot:
        with self._lock:
            try:
                view = self._snapshot.view.refreshed()
            except Exception:  # a damaged file can raise nearly anything
                # The index was removed, replaced or damaged under a running
                # server: reopening names the path and the problem (IndexMissing,
                # IndexUnavailable: a 503, not a 500), or recovers from a race.
                view = IndexView.open(open_index(self._index_dir))
            if view is not self._snapshot.view:
                self._snapshot = Snapshot(view)
            return self._snapshot

    def close(self) -> None:
        self._snapshot.view.close()
