"""Matching: which documents a query tree finds in a snapshot, each with its score.

Recall uses only the exact field: a string is one term (one or two characters)
or a join of consecutive bigrams, so a unit (title or paragraph) matches
exactly when the normalised string occurs in it. The word, title and author
fields only add score (scoring.py weighs every leaf; `Evaluator.run` picks the
field and boost of each, from query/ranking.py).

Everything is `Matches` (matches.py): AND is an intersection, OR a union, NOT a
difference, and "each term anywhere in the article" is the units' scores
summed per parent. `evaluate` runs a request: its tree, its facet filters, and
the togetherness bonus; collecting.py ranks, pages and counts the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np

from search.backends.whoosh.matches import (
    NOTHING,
    Matches,
    difference,
    intersection,
    member,
    sum_by,
    union,
)
from search.backends.whoosh.postings import Segment
from search.backends.whoosh.scoring import plus, scored, together
from search.backends.whoosh.snapshot import NO_DATE, Snapshot
from search.models import imported_stamp
from search.query import language as ql
from search.query.ranking import AUTHOR_BOOST, TITLE_BOOST, WORD_BOOST
from search.query.request import SearchRequest
from search.text.analysis import exact_grams

_PARENT_FIELD = {"title": "ptitle", "author": "pauthor", "section": "psection"}


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
        return scored(self.snap, field, docs, tf, boost, total)

    def units(self, text: str) -> Matches:
        """Units holding `text`, scored by BM25 plus the whole-word bonus."""
        if text not in self._units:
            total = len(self.snap.units)
            found = self.field_score("exact", text, 1.0, total)
            words = self.field_score("words", text, WORD_BOOST, total)
            self._units[text] = plus(found, words)
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
            found = reduce(intersection, positives) if positives else self.universe()
            for item in negatives:
                found = difference(found, self.run(item))
            return found
        if isinstance(node, ql.Or):
            return union([self.run(i) for i in node.items])
        if isinstance(node, ql.Not):
            return difference(self.universe(), self.run(node.item))
        if isinstance(node, ql.DateRange):
            return self.lift_parents(self.date_parents(node))
        if isinstance(node, ql.Entity):  # a filter, score 0: ranking.mentioned adds the text
            rows = self.snap.rows_with(self.snap.mentions(node.kind), *node.names)
            docs = self.snap.parents_where(rows)
            return self.lift_parents(Matches(docs, np.zeros(len(docs))))
        if isinstance(node, ql.Near):
            return self.lift_units(self.near(node))
        if isinstance(node, ql.Alias):  # any of the names: matched and scored as an OR
            return union([self.run(ql.Text(t, node.field, True)) for t in node.texts])
        if node.field is not None:
            field = _PARENT_FIELD[node.field]
            boost = TITLE_BOOST if node.field == "title" else 1.0
            return self.lift_parents(
                self.field_score(field, node.text, boost, len(self.snap.parents))
            )
        if self.group == "paragraph":
            return self.units(node.text)
        total = len(self.snap.parents)
        return union(
            [
                self.lift_units(self.units(node.text)),
                self.field_score("ptitle", node.text, TITLE_BOOST, total),
                self.field_score("pauthor", node.text, AUTHOR_BOOST, total),
            ]
        )

    def lift_units(self, units: Matches) -> Matches:
        """Units as their articles (scores summed, a lead's weighted by LEAD_BOOST) in
        article mode; as they are otherwise."""
        if self.group == "paragraph":
            return units
        weighted = units.scores * self.snap.unit_weight[units.docs]
        return sum_by(self.snap.parent_of[units.docs], weighted)

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
        docs = self.snap.parents_where((dates >= low) & (dates <= high) & (dates != NO_DATE))
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
        return scored(self.snap, "exact", docs, tf, 1.0, len(self.snap.units))

    # -- filters and bonuses --------------------------------------------------------------

    def restrict(self, found: Matches, parents: np.ndarray) -> Matches:
        """Only the matches whose article is among `parents` (facet filters)."""
        owners = found.docs if self.group == "article" else self.snap.parent_of[found.docs]
        keep = member(owners, parents)
        return Matches(found.docs[keep], found.scores[keep])

    def with_together(self, found: Matches, terms: Sequence[tuple[str, ...]]) -> Matches:
        """Articles gain the scores of their units that hold every term (under any of its
        names)."""
        units = reduce(intersection, [union([self.units(t) for t in names]) for names in terms])
        return together(found, units, self.snap.parent_of)


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
        candidates = docs if candidates is None else candidates[member(candidates, docs)]
        if not len(candidates):
            return np.zeros(0, dtype=np.int64)
    chosen = np.zeros(segment.doccount, dtype=bool)
    chosen[candidates] = True
    keys: np.ndarray | None = None
    for i in order:
        shifted = _keys(segment, field, grams[i], chosen) - i
        keys = shifted if keys is None else keys[member(keys, shifted)]
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


def _facet_filter(snap: Snapshot, request: SearchRequest) -> np.ndarray | None:
    """Parents with the requested exact section and/or author, imported since the given
    time, or None for no filter."""
    if not (request.section or request.author or request.imported_since):
        return None
    rows = np.ones(snap.row_count, dtype=bool)
    if request.section:
        rows &= snap.rows_with(snap.sections, request.section)
    if request.author:
        rows &= snap.rows_with(snap.authors, request.author)
    if request.imported_since:
        rows &= snap.imported >= imported_stamp(request.imported_since)
    return snap.parents_where(rows)


@dataclass(frozen=True)
class Answer:
    """One request's evaluation: its matches, and the evaluator that memoised its strings
    (collecting reads their occurrences again for the paragraphs each hit shows)."""

    request: SearchRequest
    evaluator: Evaluator
    found: Matches


def evaluate(snap: Snapshot, request: SearchRequest) -> Answer:
    """Every match of `request`: its query tree, only the articles its facet filters allow,
    and, grouped by article with several terms, the togetherness bonus."""
    evaluator = Evaluator(snap, request.group)
    found = evaluator.run(request.plan.tree)
    allowed = _facet_filter(snap, request)
    if allowed is not None:
        found = evaluator.restrict(found, allowed)
    texts = request.plan.terms
    if request.group == "article" and len(texts) > 1:
        found = evaluator.with_together(found, texts)
    return Answer(request, evaluator, found)
