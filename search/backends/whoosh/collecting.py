"""Collecting: from an answer to what a caller sees, whatever the number of matches.

The top k in rank order (a partition, then a sort of the few that can still
make it), the page's hits with their best paragraph and snippet (read from
the stored articles and the query's decoded postings, never re-running
jieba), facets counted over every matching article from column arrays, and
every matching article's id. The total is the answer's length: exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from search.backends.hits import article_from_stored, best_unit, build_hit
from search.backends.whoosh.matches import Matches
from search.backends.whoosh.matching import Answer, Evaluator
from search.backends.whoosh.scoring import precedence
from search.backends.whoosh.snapshot import Coded, Snapshot
from search.limits import FACET_VALUES
from search.models import Counts, Facets, Hit


def ranked(answer: Answer, limit: int) -> np.ndarray:
    """The first `limit` matching docnums in rank order."""
    evaluator, found = answer.evaluator, answer.found
    first = precedence(evaluator.snap, answer.request, found, evaluator.title_holds)
    return _top(found, first, limit)


def _top(found: Matches, first: np.ndarray, limit: int) -> np.ndarray:
    """The first `limit` docnums by (`first` desc, score desc, docnum): exact, then top-k.

    Only candidates that can still reach the top `limit` are fully sorted, so
    a 70k-article result costs a partition, not a sort.
    """
    docs, scores = found.docs, found.scores
    if len(docs) > 4 * limit:
        spread = float(scores.max() - scores.min()) + 1.0
        key = first.astype(np.float64) * spread + (scores - scores.min())
        threshold = np.partition(key, len(key) - limit)[len(key) - limit]
        keep = key >= threshold
        docs, scores, first = docs[keep], scores[keep], first[keep]
    order = np.lexsort((docs, -scores, -first))
    return docs[order[:limit]]


def hits(answer: Answer, docs: np.ndarray) -> Iterator[Hit]:
    """The hits of `docs` (a page of `ranked`), built one at a time: an export streams them."""
    snap, found = answer.evaluator.snap, answer.found
    needles = answer.request.plan.needles
    scores = found.scores[np.searchsorted(found.docs, docs)]
    for docnum, hit_score in zip(docs.tolist(), scores.tolist(), strict=True):
        if answer.request.group == "paragraph":
            parent = int(snap.parent_of[docnum])
            unit = snap.view.stored(docnum)["unit"]
        else:
            parent, unit = docnum, None
        article = article_from_stored(snap.view.stored(parent)["article"])
        shown = _paragraphs_shown(answer.evaluator, needles, parent)
        if unit is None:
            unit = best_unit(article, shown)
        yield build_hit(article, needles, hit_score, unit, len(shown))


def facets(answer: Answer, canonical: dict[str, str]) -> Facets:
    """Facets count articles, also in paragraph mode (the articles of the paragraphs)."""
    snap, docs = answer.evaluator.snap, answer.found.docs
    if answer.request.group == "article":
        return count_facets(snap, docs, canonical)
    return count_facets(snap, np.unique(snap.parent_of[docs]), canonical)


def count_facets(
    snap: Snapshot, parents: np.ndarray, canonical: dict[str, str], top: int = FACET_VALUES
) -> Facets:
    """Sections, authors, months and the entities of every matching article, from column
    arrays; an entity's names are merged by `canonical` (alias -> its group's first name)."""
    rows = snap.rows(parents)

    def counted(coded: Coded, codes: np.ndarray) -> list[tuple[str, int]]:
        counts = np.bincount(codes[codes >= 0], minlength=len(coded.names))
        return [(coded.names[c], int(counts[c])) for c in np.flatnonzero(counts)]

    def most(pairs: list[tuple[str, int]]) -> Counts:
        return tuple(sorted(pairs, key=lambda p: (-p[1], p[0]))[:top])

    return Facets(
        sections=most(counted(snap.sections, snap.sections.codes[rows])),
        authors=_top_names(snap.authors, rows, {}, top),
        months=tuple(counted(snap.months, snap.months.codes[rows])),
        persons=_top_names(snap.mentions("person"), rows, canonical, top),
        places=_top_names(snap.mentions("place"), rows, canonical, top),
        orgs=_top_names(snap.mentions("org"), rows, canonical, top),
    )


def _top_names(coded: Coded, rows: np.ndarray, canonical: dict[str, str], top: int) -> Counts:
    """The `top` names of a multi-valued column over `rows` by articles (then name), the
    names of one alias group counted as its first name, an article once per group."""
    assert coded.start is not None  # multi-valued: each row's run of codes
    starts, spans = coded.start[rows], coded.start[rows + 1] - coded.start[rows]
    # Every code of every row: each row's run of positions, laid end to end.
    positions = np.repeat(starts - np.cumsum(spans) + spans, spans) + np.arange(spans.sum())
    names = list(coded.names)
    group = np.arange(len(names))  # code -> its group (an index into `names`)
    index = dict(coded.index)
    for name, first in canonical.items():
        if name != first and name in coded.index:
            if first not in index:  # the full name occurs in no article: count under it
                index[first] = len(names)
                names.append(first)
            group[coded.index[name]] = index[first]
    groups = group[coded.codes[positions]]
    counts = np.bincount(groups, minlength=len(names))
    merged = np.flatnonzero(np.bincount(group, minlength=len(names)) > 1)
    if len(merged):  # an article naming two forms of one group counts once
        owner = np.repeat(np.arange(len(rows)), spans)
        chosen = np.isin(groups, merged)
        pairs = np.unique(owner[chosen] * len(names) + groups[chosen])
        counts[merged] = np.bincount(pairs % len(names), minlength=len(names))[merged]
    if np.count_nonzero(counts) > top:  # only names that can still make the top sorted
        threshold = np.partition(counts, len(counts) - top)[len(counts) - top]
        counts[counts < max(threshold, 1)] = 0
    found = [(names[c], int(counts[c])) for c in np.flatnonzero(counts)]
    return tuple(sorted(found, key=lambda p: (-p[1], p[0]))[:top])


def article_ids(answer: Answer) -> set[str]:
    """Every matching article's id (a paragraph's article's in paragraph mode)."""
    snap, found = answer.evaluator.snap, answer.found
    parents = found.docs if answer.request.group == "article" else snap.parent_of[found.docs]
    return {snap.article_ids[r] for r in snap.rows(parents)}


def _paragraphs_shown(
    evaluator: Evaluator, needles: Sequence[str], parent: int
) -> dict[int, tuple[int, int]]:
    """Paragraph index -> (distinct needles, occurrences) for an article's matching paragraphs.

    Read from the index (the needles' unit postings, already decoded for the
    query), not by scanning every paragraph's text: only the paragraph shown
    is searched for its snippet.
    """
    first, end = evaluator.snap.paragraph_range(parent)
    shown: dict[int, tuple[int, int]] = {}
    for needle in needles:
        docs, counts = evaluator.occurrences("exact", needle)
        low, high = np.searchsorted(docs, [first, end])
        for docnum, count in zip(docs[low:high].tolist(), counts[low:high].tolist(), strict=True):
            distinct, total = shown.get(docnum - first, (0, 0))
            shown[docnum - first] = (distinct + 1, total + int(count))
    return shown
