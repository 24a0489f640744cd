"""`Matches`, the currency of the query path: sorted docnums, each with a score.

Matching combines them (AND an intersection, OR a union, NOT a difference,
units summed into their articles), scoring produces and adds to them, and
collecting reads them; the set algebra lives here so that each of those
modules uses one definition of it. Scores ride along every operation: a
document matched by two terms scores the sum of both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Matches:
    """Global docnums (ascending, unique) and their scores."""

    docs: np.ndarray  # int64
    scores: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.docs)


NOTHING = Matches(np.zeros(0, dtype=np.int64), np.zeros(0))


def intersection(a: Matches, b: Matches) -> Matches:
    docs, ia, ib = np.intersect1d(a.docs, b.docs, assume_unique=True, return_indices=True)
    return Matches(docs, a.scores[ia] + b.scores[ib])


def union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if len(parts) <= 1:
        return parts[0] if parts else NOTHING
    docs, inverse = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate([p.scores for p in parts]))
    return Matches(docs, scores)


def difference(a: Matches, b: Matches) -> Matches:
    keep = ~member(a.docs, b.docs)
    return Matches(a.docs[keep], a.scores[keep])


def member(needles: np.ndarray, sorted_haystack: np.ndarray) -> np.ndarray:
    """Which of `needles` occur in `sorted_haystack` (a mask over needles)."""
    if not len(sorted_haystack):
        return np.zeros(len(needles), dtype=bool)
    slot = np.searchsorted(sorted_haystack, needles)
    slot[slot == len(sorted_haystack)] = 0
    return sorted_haystack[slot] == needles


def sum_by(owners: np.ndarray, scores: np.ndarray) -> Matches:
    """Scores summed per owner; `owners` must be non-decreasing (units are, by parent)."""
    if not len(owners):
        return NOTHING
    docs, first = np.unique(owners, return_index=True)
    return Matches(docs, np.add.reduceat(scores, first))
