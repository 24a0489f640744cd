"""Lift unit (title/paragraph) matches to their article: a fixed `NestedParent`.

Whoosh's own `NestedParent` breaks in two ways this index hits: its matcher
calls `skip_to` on an exhausted child (ReadTooFar inside AND/AND-MAYBE), and
`with_boost` rebuilds it with the wrong arguments. It also rebuilds the
parent bitset for every query node. This version keeps the sorted parent
docnums per segment searcher and finds a child's parent by bisection.
"""

from __future__ import annotations

import weakref
from array import array
from bisect import bisect_right
from typing import Any

from whoosh import matching
from whoosh.query import Query, Term
from whoosh.query.wrappers import WrappingQuery
from whoosh.searching import Searcher

_PARENTS: weakref.WeakKeyDictionary[Any, array] = weakref.WeakKeyDictionary()


def parent_docnums(searcher: Searcher, parents: Query) -> array:
    """Sorted docnums of the parent documents in one (segment) searcher, cached."""
    cached = _PARENTS.get(searcher.reader())
    if cached is None:
        cached = array("l", sorted(parents.docs(searcher)))
        _PARENTS[searcher.reader()] = cached
    return cached


class ArticleOf(WrappingQuery):
    """Matches the parent of every child document that `child` matches; score = sum."""

    def __init__(self, parents: Term, child: Query, boost: float = 1.0) -> None:
        self.parents = parents
        self.child = child
        self.boost = boost

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArticleOf) and (self.parents, self.child, self.boost) == (
            other.parents,
            other.child,
            other.boost,
        )

    def __hash__(self) -> int:
        return hash((ArticleOf, self.parents, self.child, self.boost))

    def _rewrap(self, child: Query) -> ArticleOf:
        return ArticleOf(self.parents, child, self.boost)

    def with_boost(self, boost: float) -> ArticleOf:
        return ArticleOf(self.parents, self.child, boost)

    def normalize(self) -> Query:
        child = self.child.normalize()
        return ArticleOf(self.parents, child, self.boost)

    def matcher(self, searcher: Searcher, context: Any = None) -> matching.Matcher:
        child = self.child.matcher(searcher, context)
        if not child.is_active():
            return matching.NullMatcher()
        return _ParentMatcher(parent_docnums(searcher, self.parents), child, self.boost)


class _ParentMatcher(matching.Matcher):
    def __init__(self, parents: array, child: matching.Matcher, boost: float) -> None:
        self.parents = parents
        self.child = child
        self.boost = boost
        self._id: int | None = None
        self._score = 0.0
        self._gather()

    def _gather(self) -> None:
        child = self.child
        if not child.is_active():
            self._id = None
            return
        slot = bisect_right(self.parents, child.id()) - 1
        self._id = self.parents[slot]
        following = self.parents[slot + 1] if slot + 1 < len(self.parents) else None
        total = 0.0
        while child.is_active() and (following is None or child.id() < following):
            total += child.score()
            child.next()
        self._score = total * self.boost

    def is_active(self) -> bool:
        return self._id is not None

    def id(self) -> int:
        return self._id  # type: ignore[return-value]

    def score(self) -> float:
        return self._score

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        # Whoosh's union/and-maybe matchers ask every child for an upper bound
        # once the top-k heap is full; "unbounded" means never pruned, so the
        # hits and counts stay exact.
        return float("inf")

    block_quality = max_quality

    def reset(self) -> None:
        self.child.reset()
        self._gather()

    def next(self) -> None:
        if self._id is None:
            raise matching.ReadTooFar
        self._gather()

    def skip_to(self, target: int) -> None:
        if self._id is None:
            raise matching.ReadTooFar
        if target <= self._id:
            return
        if self.child.is_active() and self.child.id() < target:
            self.child.skip_to(target)
        self._gather()

    def copy(self) -> _ParentMatcher:
        return _ParentMatcher(self.parents, self.child.copy(), self.boost)

    def spans(self) -> list:
        return []
