"""Scoring: how much each match weighs, and what ranks before the score.

Matching (matching.py) decides recall and picks each leaf's field and boost;
this module does the arithmetic of the ranking rules (query/ranking.py, which
the cluster engine follows too):

* BM25 over a string's occurrences in a field (Whoosh's K1 and B): per unit
  for body text, per article for the title, author and section fields;
* a whole-word bonus from the jieba word field, added by `plus`: a unit where
  jieba cut the query string as a word (铁军 in 环卫铁军) beats one where it is
  only a substring (铁军 in 钢铁军团);
* a togetherness bonus for articles with a unit holding all the terms at once;
* before any score (`precedence`): the date with sort=date, else the title
  tier, articles whose title holds every term first.

A bonus only adds to documents already matched: it never widens recall.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from search.backends.whoosh.matches import NOTHING, Matches, sum_by
from search.backends.whoosh.snapshot import Snapshot
from search.query.ranking import TOGETHER_BOOST
from search.query.request import SearchRequest

K1, B = 1.2, 0.75  # BM25, Whoosh's defaults


def _idf(df: int, total: int) -> float:
    return float(np.log(1 + (total - df + 0.5) / (df + 0.5)))


def _bm25(tf: np.ndarray, lengths: np.ndarray, average: float, idf: float) -> np.ndarray:
    norm = K1 * (1 - B + B * lengths / max(average, 1.0))
    return idf * tf * (K1 + 1) / (tf + norm)


def scored(
    snap: Snapshot, field: str, docs: np.ndarray, tf: np.ndarray, boost: float, total: int
) -> Matches:
    """BM25 × `boost` of the documents holding a string `tf` times in `field`, out of
    `total` documents of that level (units, or articles)."""
    if not len(docs):
        return NOTHING
    lengths = snap.lengths[field][docs]
    idf = _idf(len(docs), total)
    return Matches(docs, boost * _bm25(tf, lengths, snap.average[field], idf))


def plus(found: Matches, extra: Matches, weight: float = 1.0) -> Matches:
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


def together(found: Matches, units: Matches, parent_of: np.ndarray) -> Matches:
    """Articles of `found` gaining the scores of their `units` that hold every term."""
    bonus = sum_by(parent_of[units.docs], units.scores)
    return plus(found, bonus, TOGETHER_BOOST)


def precedence(
    snap: Snapshot,
    request: SearchRequest,
    found: Matches,
    title_holds: Callable[[str], np.ndarray],
) -> np.ndarray:
    """What orders `found` before the score: each match's date (sort=date newest first,
    sort=oldest oldest first; undated last either way), else its title tier
    (`title_holds(text)`: the articles whose title holds `text`)."""
    if request.sort == "relevance":
        return _title_tier(found, request, title_holds)
    days = snap.dates[snap.rows(found.docs)]
    if request.sort == "date":
        return days
    return np.where(days == 0, -np.iinfo(np.int32).max, -days)


def _title_tier(
    found: Matches, request: SearchRequest, title_holds: Callable[[str], np.ndarray]
) -> np.ndarray:
    """1 for articles whose title holds every top-level term: a remembered headline wins."""
    texts = request.plan.terms
    if request.group != "article" or not texts:
        return np.zeros(len(found), dtype=np.int64)
    inside = np.ones(len(found), dtype=bool)
    for names in texts:  # a term with aliases is in the title under any of its names
        held = np.concatenate([title_holds(n) for n in names])
        inside &= np.isin(found.docs, held)
    return inside.astype(np.int64)
