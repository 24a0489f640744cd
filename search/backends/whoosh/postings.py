"""Whoosh segments read as numpy arrays: posting lists, field lengths, facet columns.

Why not Whoosh's matchers: they score one posting at a time in Python (~10 µs
each), so a common character or word (中国 in 40k articles, 的 in every
paragraph) took seconds, and exact totals and facets need every match. Here a
posting list is read block by block (Whoosh's W3 blocks are a zlib'd pickle of
id deltas, weights and values) straight into arrays, and everything after
that (phrase joins, BM25, grouping by article, sorting, facets) is vectorised
in matching.py, scoring.py and collecting.py. Whoosh still owns the files:
writing, the term dictionary, deletions, stored fields and columns.

Segments never change once written (only their deletion sets do), so what is
read from one is cached by segment id: a refreshed searcher after an import
re-reads only the new segments.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.backends.whoosh.read_adapter import (
    latest_searcher,
    length_bytes,
    posting_blocks,
    segment_key,
    term_info,
)
from search.backends.whoosh.schema import KIND_ARTICLE, KIND_TITLE

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY_I64 = np.zeros(0, dtype=np.int64)
_EMPTY_F32 = np.zeros(0, dtype=np.float32)
_EMPTY_U32 = np.zeros(0, dtype=np.uint32)

LENGTH_FIELDS = ("exact", "words", "ptitle", "pauthor", "psection")
CACHE_BYTES = 192 * 1024 * 1024  # decoded postings kept per process (LRU)
FREQUENCIES_KEPT = 100_000  # document frequencies remembered per segment (then forgotten)


@dataclass(frozen=True, slots=True)
class Postings:
    """One term's postings in one segment: local docnums, frequencies, positions."""

    docs: np.ndarray  # int64, ascending
    freqs: np.ndarray  # float32, occurrences in each doc
    positions: np.ndarray | None  # uint32, all docs' positions in doc order; None if not read

    @property
    def nbytes(self) -> int:
        extra = self.positions.nbytes if self.positions is not None else 0
        return self.docs.nbytes + self.freqs.nbytes + extra


EMPTY = Postings(_EMPTY_I64, _EMPTY_F32, _EMPTY_U32)


class _LRU:
    """Decoded postings by (segment, field, term, with positions), bounded in bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[tuple, Postings] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Postings | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple, value: Postings) -> None:
        with self.lock:
            if key in self.items or value.nbytes > self.limit // 4:
                return
            self.items[key] = value
            self.size += value.nbytes
            while self.size > self.limit:
                _, dropped = self.items.popitem(last=False)
                self.size -= dropped.nbytes


_CACHE = _LRU(CACHE_BYTES)


def _read(reader: Any, field: str, term: str, positions: bool) -> Postings:
    terminfo = term_info(reader, field, term.encode("utf-8"))
    if terminfo is None:
        return EMPTY
    docs, freqs, values = [], [], []
    for ids, weights, vals in posting_blocks(reader, terminfo):
        count = len(ids)
        docs.append(np.asarray(ids, dtype=np.int64))
        if weights is None:
            freqs.append(np.ones(count, dtype=np.float32))
        elif isinstance(weights, float):
            freqs.append(np.full(count, weights, dtype=np.float32))
        else:
            freqs.append(np.asarray(weights, dtype=np.float32))
        if positions:
            values.append(b"".join(vals))
    return Postings(
        docs=np.concatenate(docs) if docs else _EMPTY_I64,
        freqs=np.concatenate(freqs) if freqs else _EMPTY_F32,
        positions=np.frombuffer(b"".join(values), dtype=np.uint32) if positions else None,
    )


class Segment:
    """What one immutable segment holds, as arrays indexed by its local docnums."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.id = segment_key(reader)
        self.doccount = reader.doc_count_all()
        self.parents = _read(reader, "kind", KIND_ARTICLE, False).docs
        self.titles = _read(reader, "kind", KIND_TITLE, False).docs
        # Groups are parent, title, paragraphs 0..n-1: the lead is the first paragraph.
        heads = np.union1d(self.parents, self.titles)
        after = heads + 1
        self.leads = np.setdiff1d(after[after < self.doccount], heads)
        slot = np.searchsorted(self.parents, np.arange(self.doccount), side="right") - 1
        # Groups are contiguous, parent first: each document's article is the last parent before it.
        self.parent_of = np.where(slot >= 0, self.parents[np.maximum(slot, 0)], -1)
        self.lengths = {f: self._lengths(f) for f in LENGTH_FIELDS}
        self._columns: dict[str, list[str]] = {}
        self._frequencies: dict[tuple[str, str], int] = {}

    def postings(self, field: str, term: str, positions: bool = False) -> Postings:
        """A term's postings, decoded once: a cached entry with positions also serves
        a later request without them (phrases read a gram's docs, then its positions)."""
        key = (self.id, field, term, positions)
        found = _CACHE.get(key) or (None if positions else _CACHE.get((*key[:3], True)))
        if found is None:
            found = _read(self.reader, field, term, positions)
            _CACHE.put(key, found)
        return found

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents of this segment holding `term`, remembered: the segment never
        changes, and Whoosh's lookup (an md5-hashed probe of the term table, about
        18 µs) was half of what a zero-hit query and its suggestions cost, since
        every phrase orders its bigrams by it in every segment."""
        key = (field, term)
        found = self._frequencies.get(key)
        if found is None:
            if len(self._frequencies) >= FREQUENCIES_KEPT:
                self._frequencies.clear()
            found = self._frequencies[key] = self.reader.doc_frequency(field, term)
        return found

    def _lengths(self, field: str) -> np.ndarray:
        lengths = np.zeros(self.doccount, dtype=np.float32)
        encoded = length_bytes(self.reader, field)
        if encoded is not None:
            raw = np.frombuffer(encoded, dtype=np.uint8)
            lengths[: len(raw)] = _LENGTH_OF_BYTE[raw]
        return lengths

    def column(self, field: str) -> list[str]:
        """The column's value for each parent ("" where none): facets, dates, ids."""
        if field not in self._columns:
            if self.reader.has_column(field):
                column = self.reader.column_reader(field)
                self._columns[field] = [column[d] or "" for d in self.parents.tolist()]
            else:
                self._columns[field] = [""] * len(self.parents)
        return self._columns[field]

    def live(self) -> np.ndarray:
        mask = np.ones(self.doccount, dtype=bool)
        deleted = list(self.reader.deleted_docs_set or ())
        if deleted:
            mask[np.asarray(deleted, dtype=np.int64)] = False
        return mask


_SEGMENTS: dict[str, Segment] = {}


class IndexView:
    """One generation of the on-disk index, and all the query layer reads through it.

    The only door from the query path (snapshot.py and what reads it) to Whoosh:
    segments as arrays, stored articles and the term dictionary (ids are a column:
    `Snapshot.docnum_of`).
    """

    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher
        self.size = searcher.doc_count_all()
        self.segments = _segments_of(searcher)

    @classmethod
    def open(cls, ix: Index) -> IndexView:
        return cls(ix.searcher())

    def refreshed(self) -> IndexView:
        """This view while the index is unchanged, else one of its latest commit."""
        if self._searcher.up_to_date():
            return self
        return IndexView(latest_searcher(self._searcher))

    def close(self) -> None:
        self._searcher.close()

    def stored(self, docnum: int) -> dict[str, Any]:
        return self._searcher.stored_fields(docnum)

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents holding `term` over every segment (deleted ones until a merge)."""
        return sum(segment.doc_frequency(field, term) for segment, _ in self.segments)

    def lexicon(self, field: str) -> set[str]:
        """Every term of `field` (the term dictionary's keys only, no postings)."""
        terms = self._searcher.reader().lexicon(field)
        return {t.decode() if isinstance(t, bytes) else t for t in terms}

    def frequent_terms(self, field: str, prefix: str, scan: int) -> list[tuple[str, int]]:
        """(term, document frequency) of at most `scan` terms of `field` starting with `prefix`."""
        reader = self._searcher.reader()
        found = []
        for term in islice(reader.expand_prefix(field, prefix), scan):
            text = term.decode() if isinstance(term, bytes) else term
            found.append((text, reader.doc_frequency(field, term)))
        return found


def _segments_of(searcher: Searcher) -> list[tuple[Segment, int]]:
    """The searcher's segments with their docnum offsets, reusing ones read before."""
    found = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        key = segment_key(reader)
        if key is None:  # an index with no segment yet: nothing to read
            continue
        segment = _SEGMENTS.get(key)
        if segment is None:
            segment = _SEGMENTS[key] = Segment(reader)
        segment.reader = reader  # the refreshed searcher's open reader of the same files
        found.append((segment, offset))
    current = {s.id for s, _ in found}
    for key in [k for k in _SEGMENTS if k not in current]:
        del _SEGMENTS[key]
    return found


def clear_cache() -> None:
    """Forget decoded postings (benchmarks measure the cold path with it)."""
    with _CACHE.lock:
        _CACHE.items.clear()
        _CACHE.size = 0
