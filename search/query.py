"""Run a parsed query against the index and build `SearchResult`s.

Matching (recall) uses only the exact field: a string is a term or a phrase
of consecutive bigrams, so an article matches exactly when the normalised
string occurs in it. Ranking adds, on top of BM25 over those matches:

* a title tier: articles whose title contains every positive term come first
  (a journalist who remembers a headline gets that article at the top);
* a whole-word bonus from the jieba word field: a unit where jieba cut the
  query term as a word (铁军 in 环卫铁军) beats one where it is only a
  substring (铁军 in 钢铁军团);
* a togetherness bonus for units holding all the terms at once.

Article mode lifts unit queries to their article with `ArticleOf` (nested.py), so each
term may sit in a different paragraph; paragraph mode runs them on units.
"""

from __future__ import annotations

import datetime
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh import sorting
from whoosh.index import Index
from whoosh.query.nested import NestedChildren
from whoosh.query.spans import SpanNear2
from whoosh.searching import Searcher

from search import querylang as ql
from search.analysis import exact_grams, normalize, squeeze
from search.errors import ArticleNotFound, BadParameter
from search.models import MAX_PAGE_SIZE, Facets, Hit, SearchRequest, SearchResult
from search.nested import ArticleOf
from search.schema import KIND_ARTICLE, TITLE_UNIT
from search.snippets import find, make_snippet, score

TITLE_BOOST = 4.0
AUTHOR_BOOST = 2.0
WORD_BOOST = 1.5
TOGETHER_BOOST = 2.0
MAX_PAGE = 1000
SUGGEST_LIMIT = 10
SUGGEST_SCAN = 2000
FACET_TOP = 20

PARENTS = wq.Term("kind", KIND_ARTICLE)
_PARENT_FIELD = {"title": "ptitle", "author": "pauthor", "section": "psection"}


def _exact(field: str, text: str) -> wq.Query:
    grams = exact_grams(text)
    return wq.Term(field, grams[0]) if len(grams) == 1 else wq.Phrase(field, grams)


def _span(text: str) -> wq.Query:
    """`text` as a span covering all its characters (bigrams plus the last character)."""
    if len(text) == 1:
        return wq.Term("exact", text)
    terms = [wq.Term("exact", g) for g in exact_grams(text)] + [wq.Term("exact", text[-1])]
    return SpanNear2(terms, slop=1, ordered=True)


def _unit_text(text: str) -> wq.Query:
    """A unit holding `text`, scored higher where jieba indexed `text` as one word.

    The bonus is a single word-field term, so no query ever runs jieba: the
    first search in a process does not pay the 0.4 s dictionary load, and a
    query is ranked by how jieba segmented the archive text in context.
    """
    bonus = wq.Term("words", text).with_boost(WORD_BOOST)
    return wq.AndMaybe(_exact("exact", text), bonus)


@dataclass(frozen=True)
class Compiled:
    query: wq.Query
    title_tier: wq.Query | None  # parents whose title holds every positive term


def compile_query(node: ql.Node, group: str, filters: tuple[wq.Query, ...] = ()) -> Compiled:
    """`filters` are exact parent-level conditions (facet values) added with AND."""
    if group == "paragraph":
        nested = [NestedChildren(PARENTS, wq.And(list(filters)))] if filters else []
        return Compiled(wq.And([_paragraphs(node), wq.Not(PARENTS), *nested]), None)
    texts = _top_level_texts(node)
    query = _articles(node)
    if len(texts) > 1:
        together = ArticleOf(PARENTS, wq.And([_exact("exact", t) for t in texts]))
        query = wq.AndMaybe(query, together.with_boost(TOGETHER_BOOST))
    title_tier = wq.And([_exact("ptitle", t) for t in texts]) if texts else None
    return Compiled(wq.And([PARENTS, query, *filters]), title_tier)


def _top_level_texts(node: ql.Node) -> list[str]:
    items = node.items if isinstance(node, ql.And) else (node,)
    return [i.text for i in items if isinstance(i, ql.Text) and i.field is None]


Leaf = ql.Text | ql.Near | ql.DateRange


def _walk(node: ql.Node, leaf: Callable[[Leaf], wq.Query]) -> wq.Query:
    """AND/OR/NOT map one to one; only the leaves differ between the two modes."""
    if isinstance(node, ql.And):
        return wq.And([_walk(i, leaf) for i in node.items])
    if isinstance(node, ql.Or):
        return wq.Or([_walk(i, leaf) for i in node.items])
    if isinstance(node, ql.Not):
        return wq.Not(_walk(node.item, leaf))
    return leaf(node)


def _articles(node: ql.Node) -> wq.Query:
    return _walk(node, _article_leaf)


def _paragraphs(node: ql.Node) -> wq.Query:
    return _walk(node, _paragraph_leaf)


def _article_leaf(node: Leaf) -> wq.Query:
    if isinstance(node, ql.DateRange):
        return _dates(node)
    if isinstance(node, ql.Near):
        return ArticleOf(PARENTS, _paragraph_leaf(node))
    if node.field is not None:
        boost = TITLE_BOOST if node.field == "title" else 1.0
        return _exact(_PARENT_FIELD[node.field], node.text).with_boost(boost)
    return wq.Or(
        [
            ArticleOf(PARENTS, _unit_text(node.text)),
            _exact("ptitle", node.text).with_boost(TITLE_BOOST),
            _exact("pauthor", node.text).with_boost(AUTHOR_BOOST),
        ]
    )


def _paragraph_leaf(node: Leaf) -> wq.Query:
    if isinstance(node, ql.DateRange):
        return _dates(node)
    if isinstance(node, ql.Near):
        # Two ordered spans, not ordered=False: Whoosh's unordered SpanNear2 bisects
        # on span starts and misses a second term that begins before the first.
        first, second = _span(node.first), _span(node.second)
        return wq.Or(
            [
                SpanNear2(pair, slop=node.distance + 1, ordered=True, mindist=0)
                for pair in ([first, second], [second, first])
            ]
        )
    if node.field is not None:
        return NestedChildren(PARENTS, _exact(_PARENT_FIELD[node.field], node.text))
    return _unit_text(node.text)


def _dates(node: ql.DateRange) -> wq.Query:
    start = node.start.isoformat() if node.start else None
    end = node.end.isoformat() if node.end else None
    return wq.TermRange("date", start, end)


def validate(request: SearchRequest) -> None:
    if not 1 <= request.size <= MAX_PAGE_SIZE:
        raise BadParameter(f"page size must be 1..{MAX_PAGE_SIZE}, got {request.size}")
    if not 1 <= request.page <= MAX_PAGE:
        raise BadParameter(f"page must be 1..{MAX_PAGE}, got {request.page}")
    if request.page * request.size > 10 * MAX_PAGE_SIZE * 10:
        raise BadParameter("page × size goes past the first 100,000 hits; narrow the query")
    if request.group not in ("article", "paragraph"):
        raise BadParameter(f"group must be article or paragraph, got {request.group!r}")
    if request.sort not in ("relevance", "date"):
        raise BadParameter(f"sort must be relevance or date, got {request.sort!r}")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise BadParameter("the date range ends before it starts")


def facet_filters(request: SearchRequest) -> tuple[wq.Query, ...]:
    filters = []
    if request.section:
        filters.append(wq.Term("section_key", request.section))
    if request.author:
        filters.append(wq.Term("author_key", request.author))
    return tuple(filters)


def column_lookup(searcher: Searcher, field: str) -> Callable[[int], str]:
    """Global docnum -> the field's column value ("" where a segment has none).

    Whoosh's MultiColumnReader skips segments that lack the column but keeps
    bisecting over all documents, so after an import that added a segment
    without, say, any author, it raises IndexError or returns a neighbour's
    value. This keeps one entry per segment.
    """
    readers, offsets = [], []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        readers.append(reader.column_reader(field) if reader.has_column(field) else None)
        offsets.append(offset)

    def value(docnum: int) -> str:
        segment = bisect_right(offsets, docnum) - 1
        column = readers[segment]
        return column[docnum - offsets[segment]] if column is not None else ""

    return value


def count_facets(searcher: Searcher, docnums: Iterable[int], top: int = FACET_TOP) -> Facets:
    """Sections, authors and months of every matching article, from column values."""
    columns = [column_lookup(searcher, f) for f in ("section_key", "author_key", "date")]
    sections: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for docnum in docnums:
        section, names, date = (column(docnum) for column in columns)
        if section:
            sections[section] += 1
        authors.update(name for name in names.split(",") if name)
        if date:
            months[date[:7]] += 1
    return Facets(
        sections=tuple(sections.most_common(top)),
        authors=tuple(authors.most_common(top)),
        months=tuple(sorted(months.items())),
    )


def with_dates(node: ql.Node, request: SearchRequest) -> ql.Node:
    if request.date_from or request.date_to:
        return ql.And((node, ql.DateRange(request.date_from, request.date_to)))
    return node


class Archive:
    """Searches one on-disk index; keeps a searcher open and refreshes it per query.

    `refresh()` is a cheap generation check, so articles committed by a
    `baoku index` in another process show up without reopening anything.
    """

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._searcher: Searcher = ix.searcher()

    def searcher(self) -> Searcher:
        self._searcher = self._searcher.refresh()
        return self._searcher

    def close(self) -> None:
        self._searcher.close()

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        end = request.page * request.size
        searcher, node, results = self._run(request, end)
        hits = self._hits(searcher, node, request, results[end - request.size : end])
        return SearchResult(
            query=request.query,
            total=len(results),
            page=request.page,
            page_size=request.size,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=tuple(hits),
            facets=self._facets(searcher, node, request, results) if request.facets else None,
        )

    def export(self, request: SearchRequest, cap: int) -> Iterator[Hit]:
        """The first `cap` hits in rank order, built one by one for streaming."""
        searcher, node, results = self._run(request, cap)
        return self._hits(searcher, node, request, results)

    def article_ids(self, request: SearchRequest) -> set[str]:
        """Every matching article id, unranked and without snippets: checks and exports."""
        validate(request)
        node = with_dates(ql.parse(request.query), request)
        query = compile_query(node, "article", facet_filters(request)).query
        searcher = self.searcher()
        ids = column_lookup(searcher, "article_id")
        return {ids(docnum) for docnum in searcher.docs_for_query(query)}

    def _run(self, request: SearchRequest, limit: int) -> tuple[Searcher, ql.Node, Any]:
        validate(request)
        node = with_dates(ql.parse(request.query), request)
        compiled = compile_query(node, request.group, facet_filters(request))
        searcher = self.searcher()
        facets: list[sorting.FacetType] = []
        if request.sort == "date":
            facets.append(sorting.FieldFacet("date", reverse=True))
        elif compiled.title_tier is not None:
            facets.append(sorting.QueryFacet({0: compiled.title_tier}, other=1))
        if not facets:
            return searcher, node, searcher.search(compiled.query, limit=limit)
        facets.append(sorting.ScoreFacet())
        sortedby = sorting.MultiFacet(facets)
        return searcher, node, searcher.search(compiled.query, limit=limit, sortedby=sortedby)

    def _hits(
        self, searcher: Searcher, node: ql.Node, request: SearchRequest, found: Iterable[Any]
    ) -> Iterator[Hit]:
        needles = ql.positive_texts(node)
        for hit in found:
            # With a MultiFacet the sort key stands in for the score: its last part is -score.
            yield self._hit(searcher, hit.docnum, _score(hit.score), needles, request.group)

    def _facets(
        self, searcher: Searcher, node: ql.Node, request: SearchRequest, results: Any
    ) -> Facets:
        """Facets count articles, also in paragraph mode (the articles of the query)."""
        if request.group == "article":
            return count_facets(searcher, results.docs())
        articles = compile_query(node, "article", facet_filters(request)).query
        return count_facets(searcher, searcher.docs_for_query(articles))

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """Completions for a typed prefix: author names first, then frequent words.

        Reads only the term dictionaries (no postings), so it is cheap enough
        for every keystroke; at most SUGGEST_SCAN words are looked at.
        """
        key = squeeze(normalize(prefix))
        if not key:
            return []
        reader = self.searcher().reader()
        names = _by_frequency(reader, "author_key", key, lambda name: True)
        words = _by_frequency(reader, "words", key, lambda w: len(w) > len(key) and not w.isdigit())
        # Names first (a journalist types a colleague or a source), but never all ten.
        return list(dict.fromkeys(names[: limit // 2] + words + names))[:limit]

    def _hit(
        self, searcher: Searcher, docnum: int, hit_score: float, needles: list[str], group: str
    ) -> Hit:
        fields = searcher.stored_fields(docnum)
        if group == "paragraph":
            article = self._stored_article(searcher, fields["article_id"])
            unit = fields["unit"]
        else:
            article, unit = fields["article"], None
        return build_hit(article, needles, hit_score, unit)

    def _stored_article(self, searcher: Searcher, article_id: str) -> dict[str, Any]:
        docnums = list(searcher.document_numbers(article_id=article_id, kind=KIND_ARTICLE))
        if not docnums:
            raise ArticleNotFound(f"no article with id {article_id!r}")
        return searcher.stored_fields(docnums[0])["article"]

    def article(self, article_id: str) -> dict[str, Any]:
        return self._stored_article(self.searcher(), article_id)


def _by_frequency(reader: Any, field: str, prefix: str, keep: Callable[[str], bool]) -> list[str]:
    found = []
    for term in islice(reader.expand_prefix(field, prefix), SUGGEST_SCAN):
        text = term.decode() if isinstance(term, bytes) else term
        if keep(text):
            found.append((-reader.doc_frequency(field, term), text))
    return [text for _, text in sorted(found)]


def _score(key: float | tuple) -> float:
    return -key[-1] if isinstance(key, tuple) else key


def build_hit(
    article: dict[str, Any], needles: list[str], hit_score: float, unit: int | None
) -> Hit:
    """One hit: best paragraph (or the given unit), its snippet, matching paragraph count."""
    texts = [p[0] for p in article["paragraphs"]]
    found = [find(t, needles) for t in texts]
    matches = sum(1 for f in found if f)
    if unit is None:
        unit = max(range(len(texts)), key=lambda i: (score(found[i]), -i)) if texts else TITLE_UNIT
    text = article["title"] if unit == TITLE_UNIT else texts[unit]
    return Hit(
        article_id=article["id"],
        title=article["title"],
        section=article["section"],
        date=datetime.date.fromisoformat(article["date"]) if article["date"] else None,
        authors=tuple(article["authors"]),
        source=article["source"],
        paragraph=unit,
        text=text,
        snippet=make_snippet(text, needles),
        score=round(hit_score, 4),
        matches=matches,
    )
