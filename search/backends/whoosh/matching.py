"""Evaluate a parsed query over one index snapshot: which documents match, with what score.

Matching (recall) uses only the exact field: a string is one term (one or two
characters) or a join of consecutive bigrams, so a unit (title or paragraph)
matches exactly when the normalised string occurs in it. Ranking is BM25 over
those occurrences, plus:

* a whole-word bonus from the jieba word field: a unit where jieba cut the
  query string as a word (铁军 in 环卫铁军) beats one where it is only a
  substring (铁军 in 钢铁军团);
* title and author fields on the article itself (boosted);
* a togetherness bonus for units holding all the terms at once;
* (in reader.py) a title tier: articles whose title holds every term first.

Everything is a sorted array of global docnums with a score each (`Matches`):
AND is an intersection, OR a union, NOT a difference, and "each term anywhere
in the article" is the units' scores summed per parent. Exact totals and
facets are then array lengths and bincounts, whatever the result size.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, reduce

import numpy as np

from search.backends.whoosh.postings import LENGTH_FIELDS, IndexView, Segment
from search.backends.whoosh.schema import ENTITY_COLUMNS
from search.models import DayCount
from search.query import language as ql
from search.query.ranking import AUTHOR_BOOST, TITLE_BOOST, TOGETHER_BOOST, WORD_BOOST
from search.text.analysis import exact_grams

K1, B = 1.2, 0.75  # BM25, Whoosh's defaults
_PARENT_FIELD = {"title": "ptitle", "author": "pauthor", "section": "psection"}
_NO_DATE = 0


@dataclass(frozen=True, slots=True)
class Matches:
    """Global docnums (ascending, unique) and their scores."""

    docs: np.ndarray  # int64
    scores: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.docs)


NOTHING = Matches(np.zeros(0, dtype=np.int64), np.zeros(0))


def _and(a: Matches, b: Matches) -> Matches:
    docs, ia, ib = np.intersect1d(a.docs, b.docs, assume_unique=True, return_indices=True)
    return Matches(docs, a.scores[ia] + b.scores[ib])


def _or(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if len(parts) <= 1:
        return parts[0] if parts else NOTHING
    docs, inverse = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate([p.scores for p in parts]))
    return Matches(docs, scores)


def _without(a: Matches, b: Matches) -> Matches:
    keep = ~_member(a.docs, b.docs)
    return Matches(a.docs[keep], a.scores[keep])


def _plus(found: Matches, extra: Matches, weight: float = 1.0) -> Matches:
    """`found`, its docs that are also in `extra` gaining `weight` × their score there.

    A bonus never adds a document, and one for a document `found` lacks (NOT,
    a facet filter) is dropped, not given to its neighbour.
    """
    _, mine, theirs = np.intersect1d(
        found.docs, extra.docs, assume_unique=True, return_indices=True
    )
    if not len(mine):
        return found
    scores = found.scores.copy()
    scores[mine] += weight * extra.scores[theirs]
    return Matches(found.docs, scores)


def _member(needles: np.ndarray, sorted_haystack: np.ndarray) -> np.ndarray:
    """Which of `needles` occur in `sorted_haystack` (a mask over needles)."""
    if not len(sorted_haystack):
        return np.zeros(len(needles), dtype=bool)
    slot = np.searchsorted(sorted_haystack, needles)
    slot[slot == len(sorted_haystack)] = 0
    return sorted_haystack[slot] == needles


def _sum_by(owners: np.ndarray, scores: np.ndarray) -> Matches:
    """Scores summed per owner; `owners` must be non-decreasing (units are, by parent)."""
    if not len(owners):
        return NOTHING
    docs, first = np.unique(owners, return_index=True)
    return Matches(docs, np.add.reduceat(scores, first))


def _idf(df: int, total: int) -> float:
    return float(np.log(1 + (total - df + 0.5) / (df + 0.5)))


def _bm25(tf: np.ndarray, lengths: np.ndarray, average: float, idf: float) -> np.ndarray:
    norm = K1 * (1 - B + B * lengths / max(average, 1.0))
    return idf * tf * (K1 + 1) / (tf + norm)


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
        """Each parent row's date as a day ordinal (_NO_DATE when undated)."""
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
        dated = days != _NO_DATE
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
    return datetime.date.fromisoformat(date).toordinal() if date else _NO_DATE


def _coded(values: list[str]) -> Coded:
    names = sorted({v for v in values if v})
    index = {name: code for code, name in enumerate(names)}
    return Coded(names, np.array([index.get(v, -1) for v in values], dtype=np.int64))


def _lengths_of(field: str) -> Callable[[Segment, int], np.ndarray]:
    return lambda segment, _offset: segment.lengths[field]


class Evaluator:
    """Evaluates one query tree; string lookups are memoised within the query."""

    def __init__(self, snapshot: Snapshot, group: str) -> None:
        self.snap = snapshot
        self.group = group
        self._occurrences: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._units: dict[str, Matches] = {}

    # -- strings in fields ----------------------------------------------------------------

    def occurrences(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Live docs whose `field` holds `text`, and how often: (docnums, counts).

        Exact fields hold characters and bigrams, so `text` is looked up as its
        grams; the word field holds jieba words, so `text` is one term there.
        """
        key = (field, text)
        if key not in self._occurrences:
            grams = [text] if field == "words" else exact_grams(text)

            def per_segment(segment: Segment) -> tuple[np.ndarray, np.ndarray]:
                if len(grams) == 1:  # one term: its postings say it all
                    postings = segment.postings(field, grams[0])
                    return postings.docs, postings.freqs
                return _counted(_phrase_starts(segment, field, grams))

            self._occurrences[key] = self._across_segments(per_segment)
        return self._occurrences[key]

    def _across_segments(
        self, per_segment: Callable[[Segment], tuple[np.ndarray, np.ndarray]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(local docs, counts) of each segment as live global docnums and counts."""
        docs, counts = [], []
        for segment, offset in self.snap.segments:
            found, tf = per_segment(segment)
            docs.append(found + offset)
            counts.append(tf.astype(np.float64))
        all_docs = np.concatenate(docs) if docs else NOTHING.docs
        all_tf = np.concatenate(counts) if counts else NOTHING.scores
        live = self.snap.live[all_docs]
        return all_docs[live], all_tf[live]

    def field_score(self, field: str, text: str, boost: float, total: int) -> Matches:
        docs, tf = self.occurrences(field, text)
        return self._scored(field, docs, tf, boost, total)

    def _scored(
        self, field: str, docs: np.ndarray, tf: np.ndarray, boost: float, total: int
    ) -> Matches:
        if not len(docs):
            return NOTHING
        lengths = self.snap.lengths[field][docs]
        idf = _idf(len(docs), total)
        return Matches(docs, boost * _bm25(tf, lengths, self.snap.average[field], idf))

    def units(self, text: str) -> Matches:
        """Units holding `text`, scored by BM25 plus the whole-word bonus."""
        if text not in self._units:
            total = len(self.snap.units)
            found = self.field_score("exact", text, 1.0, total)
            words = self.field_score("words", text, WORD_BOOST, total)
            self._units[text] = _plus(found, words)
        return self._units[text]

    def title_holds(self, text: str) -> np.ndarray:
        return self.occurrences("ptitle", text)[0]

    # -- the tree -------------------------------------------------------------------------

    def universe(self) -> Matches:
        docs = self.snap.parents if self.group == "article" else self.snap.units
        return Matches(docs, np.zeros(len(docs)))

    def run(self, node: ql.Node) -> Matches:
        if isinstance(node, ql.And):
            negatives = [i.item for i in node.items if isinstance(i, ql.Not)]
            positives = [self.run(i) for i in node.items if not isinstance(i, ql.Not)]
            found = reduce(_and, positives) if positives else self.universe()
            for item in negatives:
                found = _without(found, self.run(item))
            return found
        if isinstance(node, ql.Or):
            return _or([self.run(i) for i in node.items])
        if isinstance(node, ql.Not):
            return _without(self.universe(), self.run(node.item))
        if isinstance(node, ql.DateRange):
            return self.lift_parents(self.date_parents(node))
        if isinstance(node, ql.Entity):  # a filter, score 0: ranking.mentioned adds the text
            rows = self.snap.rows_with(self.snap.mentions(node.kind), *node.names)
            docs = self.snap.parents_where(rows)
            return self.lift_parents(Matches(docs, np.zeros(len(docs))))
        if isinstance(node, ql.Near):
            return self.lift_units(self.near(node))
        if isinstance(node, ql.Alias):  # any of the names: matched and scored as an OR
            return _or([self.run(ql.Text(t, node.field, True)) for t in node.texts])
        if node.field is not None:
            field = _PARENT_FIELD[node.field]
            boost = TITLE_BOOST if node.field == "title" else 1.0
            return self.lift_parents(
                self.field_score(field, node.text, boost, len(self.snap.parents))
            )
        if self.group == "paragraph":
            return self.units(node.text)
        total = len(self.snap.parents)
        return _or(
            [
                self.lift_units(self.units(node.text)),
                self.field_score("ptitle", node.text, TITLE_BOOST, total),
                self.field_score("pauthor", node.text, AUTHOR_BOOST, total),
            ]
        )

    def lift_units(self, units: Matches) -> Matches:
        """Units as their articles (scores summed) in article mode; as they are otherwise."""
        if self.group == "paragraph":
            return units
        return _sum_by(self.snap.parent_of[units.docs], units.scores)

    def lift_parents(self, parents: Matches) -> Matches:
        """Parent-level matches as they are in article mode, as all their units otherwise."""
        if self.group == "article":
            return parents
        units = self.snap.children(parents.docs)
        slot = np.searchsorted(parents.docs, self.snap.parent_of[units])
        return Matches(units, parents.scores[slot])

    def date_parents(self, node: ql.DateRange) -> Matches:
        dates = self.snap.dates
        low = node.start.toordinal() if node.start else 1
        high = node.end.toordinal() if node.end else np.iinfo(np.int64).max
        docs = self.snap.parents_where((dates >= low) & (dates <= high) & (dates != _NO_DATE))
        return Matches(docs, np.zeros(len(docs)))

    def near(self, node: ql.Near) -> Matches:
        """Units where the two strings occur, either order, at most `distance` apart."""

        def per_segment(segment: Segment) -> tuple[np.ndarray, np.ndarray]:
            first = _starts(segment, node.first)
            second = _starts(segment, node.second)
            return _counted(
                np.concatenate(
                    [
                        _followed(first, len(node.first), second, node.distance),
                        _followed(second, len(node.second), first, node.distance),
                    ]
                )
            )

        docs, tf = self._across_segments(per_segment)
        return self._scored("exact", docs, tf, 1.0, len(self.snap.units))

    # -- ranking helpers ------------------------------------------------------------------

    def restrict(self, found: Matches, parents: np.ndarray) -> Matches:
        """Only the matches whose article is among `parents` (facet filters)."""
        owners = found.docs if self.group == "article" else self.snap.parent_of[found.docs]
        keep = _member(owners, parents)
        return Matches(found.docs[keep], found.scores[keep])

    def with_together(self, found: Matches, terms: Sequence[tuple[str, ...]]) -> Matches:
        """Articles gain the scores of their units that hold every term (under any of its
        names)."""
        units = reduce(_and, [_or([self.units(t) for t in names]) for names in terms])
        bonus = _sum_by(self.snap.parent_of[units.docs], units.scores)
        return _plus(found, bonus, TOGETHER_BOOST)


def _phrase_starts(segment: Segment, field: str, grams: list[str]) -> np.ndarray:
    """Keys `docnum << 32 | start` of every occurrence of a gram sequence in a segment.

    The docs holding every gram are found first (doc lists are cheap), so only
    their positions are decoded; gram i must sit at start + i, so each gram's
    keys shifted by i are intersected.
    """
    order = sorted(range(len(grams)), key=lambda i: segment.doc_frequency(field, grams[i]))
    candidates: np.ndarray | None = None
    for i in order:
        docs = segment.postings(field, grams[i]).docs
        candidates = docs if candidates is None else candidates[_member(candidates, docs)]
        if not len(candidates):
            return np.zeros(0, dtype=np.int64)
    chosen = np.zeros(segment.doccount, dtype=bool)
    chosen[candidates] = True
    keys: np.ndarray | None = None
    for i in order:
        shifted = _keys(segment, field, grams[i], chosen) - i
        keys = shifted if keys is None else keys[_member(keys, shifted)]
        if not len(keys):
            break
    return keys if keys is not None else np.zeros(0, dtype=np.int64)


def _counted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Occurrence keys as (docs, occurrences per doc)."""
    return np.unique(keys >> 32, return_counts=True)


def _keys(segment: Segment, field: str, term: str, chosen: np.ndarray | None) -> np.ndarray:
    postings = segment.postings(field, term, positions=True)
    owners = np.repeat(postings.docs, postings.freqs.astype(np.int64))
    assert postings.positions is not None  # asked for with positions=True
    positions = postings.positions.astype(np.int64)
    if chosen is not None:
        keep = chosen[owners]
        owners, positions = owners[keep], positions[keep]
    return (owners << 32) + positions


def _starts(segment: Segment, text: str) -> np.ndarray:
    """Sorted keys of every start of `text` in the exact field of a segment."""
    grams = exact_grams(text)
    if len(grams) == 1:
        return _keys(segment, "exact", grams[0], None)
    return _phrase_starts(segment, "exact", grams)


def _followed(first: np.ndarray, length: int, second: np.ndarray, distance: int) -> np.ndarray:
    """Keys of `first` occurrences followed by a `second` within `distance` characters."""
    if not len(first) or not len(second):
        return np.zeros(0, dtype=np.int64)
    low = np.searchsorted(second, first + length, side="left")
    high = np.searchsorted(second, first + length + distance, side="right")
    return first[high > low]
