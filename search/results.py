"""The one JSON shape of a search result, shared by `baoku search --json` and /api/search."""

from __future__ import annotations

from typing import Any

from search.models import Facets, Hit, SearchResult
from search.snippets import mark_all_html, to_html


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


def to_json(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "took_ms": result.took_ms,
        "hits": [hit_to_json(h) for h in result.hits],
    }


def article_to_json(stored: dict[str, Any], needles: list[str]) -> dict[str, Any]:
    """A stored article with every match marked (escaped HTML) in its title and paragraphs."""
    paragraphs = []
    for text, kind in stored["paragraphs"]:
        html = mark_all_html(text, needles)
        paragraphs.append({"kind": kind, "text": text, "html": html, "hit": "<mark>" in html})
    return {
        **stored,
        "title_html": mark_all_html(stored["title"], needles),
        "paragraphs": paragraphs,
    }


def facets_to_json(facets: Facets | None) -> dict[str, list[dict[str, Any]]]:
    if facets is None:
        return {"section": [], "author": [], "month": []}
    return {
        name: [{"value": value, "count": count} for value, count in counts]
        for name, counts in (
            ("section", facets.sections),
            ("author", facets.authors),
            ("month", facets.months),
        )
    }
