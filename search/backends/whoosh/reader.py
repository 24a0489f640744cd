"""Run a search request against the index and build `SearchResult`s.

`matching.py` decides which documents match and their scores over arrays;
this module runs the request's plan, orders the matches (title tier or date
first, then score), pages them, and turns the page into hits with snippets
read from the stored articles (never re-running jieba). Facets are counted
over the whole result set from column arrays.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from search.backends.hits import article_from_stored, best_unit, build_hit
from search.backends.whoosh.matching import Coded, Evaluator, Matches, Snapshot
from search.backends.whoosh.postings import IndexView
from search.backends.whoosh.store import last_commit, open_index, stats
from search.config import Settings
from search.errors import ArticleNotFound
from search.limits import DAY_ARTICLES, FACET_VALUES, SUGGEST_SCAN, SUGGESTIONS
from search.models import (
    ENTITY_KINDS,
    Article,
    Counts,
    DayCount,
    Facets,
    Hit,
    IndexStats,
    SearchResult,
    imported_stamp,
)
from search.query.request import SearchRequest
from search.text.analysis import normalize, squeeze


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


def _by_date(days: np.ndarray, newest: bool) -> np.ndarray:
    """The rank key of each day ordinal, larger first: newest or oldest first, and undated
    articles (ordinal 0) last either way."""
    if newest:
        return days
    return np.where(days == 0, -np.iinfo(np.int32).max, -days)


def _ranked(found: Matches, first: np.ndarray, limit: int) -> np.ndarray:
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


@dataclass(frozen=True)
class _Answer:
    """One query's evaluation: its matches, and the evaluator that memoised its strings."""

    request: SearchRequest
    evaluator: Evaluator
    found: Matches


def _title_tier(answer: _Answer) -> np.ndarray:
    """1 for articles whose title holds every top-level term: a remembered headline wins."""
    texts = answer.request.plan.terms
    if answer.request.group != "article" or not texts:
        return np.zeros(len(answer.found), dtype=np.int64)
    inside = np.ones(len(answer.found), dtype=bool)
    for names in texts:  # a term with aliases is in the title under any of its names
        held = np.concatenate([answer.evaluator.title_holds(n) for n in names])
        inside &= np.isin(answer.found.docs, held)
    return inside.astype(np.int64)


def _hits(answer: _Answer, docs: np.ndarray) -> Iterator[Hit]:
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


def _facets(answer: _Answer, canonical: dict[str, str]) -> Facets:
    """Facets count articles, also in paragraph mode (the articles of the paragraphs)."""
    snap, docs = answer.evaluator.snap, answer.found.docs
    if answer.request.group == "article":
        return count_facets(snap, docs, canonical)
    return count_facets(snap, np.unique(snap.parent_of[docs]), canonical)


class WhooshReader:
    """Searches one on-disk index; keeps a searcher open and refreshes it per query.

    `refresh()` is a cheap generation check, so articles committed by a
    `baoku index` in another process show up without reopening anything; the
    array snapshot is rebuilt only when the generation changes.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._index_dir = settings.index_dir
        self._snapshot = Snapshot(IndexView.open(open_index(self._index_dir)))
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
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

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        end = request.page * request.size
        answer, ranked = self._run(request, end)
        hits = _hits(answer, ranked[end - request.size : end])
        return SearchResult(
            query=request.query,
            total=len(answer.found),
            page=request.page,
            page_size=request.size,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=tuple(hits),
            facets=_facets(answer, request.alias_table.canonical) if request.facets else None,
        )

    def export(self, request: SearchRequest, cap: int) -> Iterator[Hit]:
        """The first `cap` hits in rank order, built one by one for streaming."""
        answer, ranked = self._run(request, cap)
        return _hits(answer, ranked)

    def article_ids(self, request: SearchRequest) -> set[str]:
        """Every matching article id, unranked and without snippets: checks and exports."""
        answer = self._answer(request)
        snap, found = answer.evaluator.snap, answer.found
        parents = found.docs if request.group == "article" else snap.parent_of[found.docs]
        return {snap.article_ids[r] for r in snap.rows(parents)}

    def _answer(self, request: SearchRequest) -> _Answer:
        evaluator = Evaluator(self.snapshot(), request.group)
        found = evaluator.run(request.plan.tree)
        allowed = _facet_filter(evaluator.snap, request)
        if allowed is not None:
            found = evaluator.restrict(found, allowed)
        texts = request.plan.terms
        if request.group == "article" and len(texts) > 1:
            found = evaluator.with_together(found, texts)
        return _Answer(request, evaluator, found)

    def _run(self, request: SearchRequest, limit: int) -> tuple[_Answer, np.ndarray]:
        answer = self._answer(request)
        snap, found = answer.evaluator.snap, answer.found
        if request.sort != "relevance":
            first = _by_date(snap.dates[snap.rows(found.docs)], newest=request.sort == "date")
        else:
            first = _title_tier(answer)
        return answer, _ranked(found, first, limit)

    def suggest(self, prefix: str, limit: int = SUGGESTIONS) -> list[str]:
        """Completions for a typed prefix: author names first, then frequent words.

        Reads only the term dictionaries (no postings), so it is cheap enough
        for every keystroke; at most SUGGEST_SCAN words are looked at.
        """
        key = squeeze(normalize(prefix))
        if not key:
            return []
        view = self.snapshot().view
        names = _by_frequency(view, "author_key", key, lambda name: True)
        words = _by_frequency(view, "words", key, lambda w: len(w) > len(key) and not w.isdigit())
        # Names first (a journalist types a colleague or a source), but never all ten.
        return list(dict.fromkeys(names[: limit // 2] + words + names))[:limit]

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


def _by_frequency(
    view: IndexView, field: str, prefix: str, keep: Callable[[str], bool]
) -> list[str]:
    found = view.frequent_terms(field, prefix, SUGGEST_SCAN)
    return [text for df, text in sorted(found, key=lambda f: (-f[0], f[1])) if keep(text)]


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
