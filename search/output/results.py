"""The one JSON shape of a search result, shared by `baoku search --json` and /api/search."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from search.backends.hits import stored_article
from search.ingest.pages import ParsedPage
from search.models import Article, DayCount, Facets, Hit, IndexStats, SearchResult
from search.newsroom.browse import Issue, PaperCoverage, Period, period_counts
from search.newsroom.hints import NO_HINTS, Hints
from search.newsroom.related import Related
from search.newsroom.trends import Trend, TrendPoint
from search.query.explain import explain
from search.query.request import SearchRequest
from search.text.snippets import mark_all_html, to_html


def hit_to_json(hit: Hit) -> dict[str, Any]:
    return {
        "article_id": hit.article_id,
        "title": hit.title,
        "section": hit.section,
        "date": hit.date.isoformat() if hit.date else None,
        "authors": list(hit.authors),
        "source": hit.source,
        "paragraph": hit.paragraph,
        "text": hit.text,
        "snippet": to_html(hit.snippet),
        "score": hit.score,
        "matches": hit.matches,
    }


def to_json(
    result: SearchResult, request: SearchRequest, hints: Hints = NO_HINTS
) -> dict[str, Any]:
    """The one shape of a search's answer: `baoku search --json`, /api/search and the
    search page all call this, so they name the same things with the same keys. `facets`
    is null when they were not counted (the CLI without --facets); `suggestions` and
    `not_found` are empty unless the search found at most `limits.FEW_HITS` articles."""
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "took_ms": result.took_ms,
        "explain": explain(request),
        "hits": [hit_to_json(h) for h in result.hits],
        "facets": None if result.facets is None else facets_to_json(result.facets),
        "suggestions": [asdict(s) for s in hints.suggestions],
        "not_found": list(hints.not_found),
    }


def article_to_json(article: Article, needles: list[str]) -> dict[str, Any]:
    """An article with every match marked (escaped HTML) in its title and paragraphs."""
    paragraphs = []
    for paragraph in article.paragraphs:
        html = mark_all_html(paragraph.text, needles)
        hit = "<mark>" in html
        paragraphs.append(
            {"kind": paragraph.kind, "text": paragraph.text, "html": html, "hit": hit}
        )
    stored = stored_article(article)
    del stored["original"]  # a path on the server: the API names whether there is one
    return {
        **stored,
        "has_original": article.original is not None,
        "title_html": mark_all_html(article.title, needles),
        "paragraphs": paragraphs,
        "mentions": mentions_to_json(article),
    }


def mentions_to_json(article: Article) -> list[dict[str, Any]]:
    return [{"kind": m.kind, "name": m.name, "count": m.count} for m in article.mentions]


def coverage_to_json(papers: Iterable[PaperCoverage]) -> list[dict[str, Any]]:
    return [
        {
            "paper": p.paper,
            "first": p.first.isoformat(),
            "last": p.last.isoformat(),
            "articles": p.articles,
            "days": p.days,
        }
        for p in papers
    ]


def dates_to_json(
    calendar: list[DayCount], papers: Iterable[PaperCoverage], by: Period, paper: str | None
) -> dict[str, Any]:
    """/api/dates and `baoku browse --json` without a day: counts per day, month or year."""
    return {
        "by": by,
        "paper": paper,
        "papers": coverage_to_json(papers),
        "counts": [{"period": k, "articles": n} for k, n in period_counts(calendar, by)],
    }


BRIEF_FIELDS = (
    "id",
    "title",
    "kicker",
    "subtitle",
    "section",
    "authors",
    "paper",
    "page",
    "page_name",
    "continued_on",
    "continued_from",
)


def brief_article(article: Article) -> dict[str, Any]:
    """What a day or page listing shows of an article (the article view has the rest)."""
    stored = stored_article(article)
    return {**{k: stored[k] for k in BRIEF_FIELDS}, "paragraphs": len(article.paragraphs)}


def issue_to_json(issue: Issue) -> dict[str, Any]:
    """/api/issues/<date>: the day's papers, their pages in order, each page's articles."""
    return {
        "date": issue.date.isoformat(),
        "paper": issue.paper,
        "previous_day": issue.previous_day.isoformat() if issue.previous_day else None,
        "next_day": issue.next_day.isoformat() if issue.next_day else None,
        "truncated": issue.truncated,
        "papers": [
            {
                "paper": paper,
                "pages": [
                    {
                        "page": page.page,
                        "page_name": page.page_name,
                        "articles": [brief_article(a) for a in page.articles],
                    }
                    for page in issue.pages
                    if page.paper == paper
                ],
            }
            for paper in issue.papers
        ],
    }


def related_to_json(found: Related) -> dict[str, Any]:
    """/api/articles/<id>/related and `baoku related --json`."""
    return {
        "article_id": found.article.id,
        "words": list(found.words),
        "related": [hit_to_json(h) for h in found.similar],
        "over_time": [hit_to_json(h) for h in found.over_time],
    }


def trend_to_json(found: Trend) -> dict[str, Any]:
    """/api/trend and `baoku trend --json`: each query's points, counts and shares."""
    return {
        "by": found.by,
        "periods": list(found.periods),
        "series": [
            {
                "query": s.query,
                "explain": explain(s.request),
                "articles": s.articles,
                "points": [_trend_point(p) for p in s.points],
            }
            for s in found.series
        ],
    }


TREND_FIELDS = ("query", "period", "articles", "total", "share")


def trend_csv_rows(found: Trend) -> Iterator[dict[str, Any]]:
    """One row per query and period: what a spreadsheet charts."""
    for series in found.series:
        for p in series.points:
            yield {"query": series.query, **_trend_point(p)}


def _trend_point(p: TrendPoint) -> dict[str, Any]:
    return {
        "period": p.period,
        "articles": p.articles,
        "total": p.total,
        "share": round(p.share, 6),
    }


def parsed_page_to_json(page: ParsedPage) -> dict[str, Any]:
    """`baoku parse --json`: one file as read, its articles as stored, and its notes."""
    meta = page.meta
    return {
        "path": page.path,
        "format": page.format,
        "meta": {
            "date": meta.date.isoformat() if meta.date else None,
            "paper": meta.paper,
            "page": meta.page,
            "page_name": meta.page_name,
        },
        "meta_from": page.meta_from,
        "articles": [
            {
                **stored_article(article),
                "paragraphs": [{"kind": p.kind, "text": p.text} for p in article.paragraphs],
                "mentions": mentions_to_json(article),
            }
            for article in page.articles
        ],
        "notes": [
            {"line": n.line or None, "kind": n.kind, "detail": n.detail, "text": n.text}
            for n in page.notes
        ],
    }


def stats_to_json(stats: IndexStats) -> dict[str, Any]:
    """`baoku stats --json` and /api/health: "empty" until the first article is indexed
    (a folder with no pages, or a first import killed before it committed)."""
    return {
        "status": "ok" if stats.articles else "empty",
        "index": stats.path,
        "articles": stats.articles,
        "paragraphs": stats.paragraphs,
        "files": stats.files,
        "size_mb": round(stats.size_bytes / 1e6, 1),
        "segments": stats.segments,
        "updated": stats.updated.isoformat(timespec="seconds") if stats.updated else None,
    }


def facets_to_json(facets: Facets) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [{"value": value, "count": count} for value, count in counts]
        for name, counts in facets.named()
    }


# What /api/export streams: `csv_lines`, `jsonl_lines`, and the citation formats.
EXPORT_FORMATS = ("csv", "jsonl", "ris", "csl", "gbt7714")
EXPORT_FIELDS = ("id", "date", "title", "section", "authors", "matches", "permalink")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_row(hit: Hit, permalink: str) -> dict[str, Any]:
    return {
        "id": hit.article_id,
        "date": hit.date.isoformat() if hit.date else "",
        "title": hit.title,
        "section": hit.section or "",
        "authors": "、".join(hit.authors),
        "matches": hit.matches,
        "permalink": permalink,
    }


def _csv_cell(value: object) -> str:
    """Archive text that Excel would run as a formula (=, +, -, @) is quoted with '."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(
    rows: Iterable[dict[str, Any]], fields: tuple[str, ...] = EXPORT_FIELDS
) -> Iterator[str]:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly; one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_cell(row[f]) for f in fields])
        yield buffer.getvalue()


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"
