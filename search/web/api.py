"""/api/*: the JSON face of query.py; the result shape comes from results.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue

from search.config import Settings
from search.errors import BadParameter
from search.index import stats
from search.models import SearchRequest
from search.query import Archive
from search.querylang import parse, positive_texts
from search.results import (
    article_to_json,
    csv_lines,
    export_row,
    facets_to_json,
    jsonl_lines,
    to_json,
)
from search.web.openapi import openapi_spec

MAX_API_PAGE_SIZE = 100
EXPORT_CAP = 10_000  # articles per export; documented in the README

api = Blueprint("api", __name__, url_prefix="/api")


def _settings() -> Settings:
    return current_app.config["BAOKU_SETTINGS"]


def archive() -> Archive:
    """One Archive per process, opened on first use, refreshed per query."""
    ext = current_app.extensions
    if "baoku_archive" not in ext:
        ext["baoku_archive"] = Archive(_settings().index_dir)
    return ext["baoku_archive"]


def parse_int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be {low}..{high}, got {value}")
    return value


def parse_date(name: str) -> datetime.date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None


def search_request(size: int | None = None) -> SearchRequest:
    """The query string's search, as the API and the search page both read it."""
    return SearchRequest(
        query=request.args.get("q", ""),
        group=request.args.get("group") or "article",  # type: ignore[arg-type]
        sort=request.args.get("sort") or "relevance",  # type: ignore[arg-type]
        page=parse_int("page", 1, 1, 1000),
        size=size or parse_int("size", 10, 1, MAX_API_PAGE_SIZE),
        date_from=parse_date("from"),
        date_to=parse_date("to"),
        section=request.args.get("section") or None,
        author=request.args.get("author") or None,
        facets=True,
    )


@api.get("/search")
def search() -> ResponseReturnValue:
    result = archive().search(search_request())
    return jsonify({**to_json(result), "facets": facets_to_json(result.facets)})


@api.get("/export")
def export() -> ResponseReturnValue:
    """Every matching article (up to EXPORT_CAP), streamed as CSV or JSONL."""
    kind = request.args.get("format", "csv")
    if kind not in ("csv", "jsonl"):
        raise BadParameter(f"format must be csv or jsonl, got {kind!r}")
    search = replace(search_request(), group="article", page=1, size=1, facets=False)
    hits = archive().export(search, EXPORT_CAP)  # errors surface here, before streaming

    def rows() -> Iterator[dict[str, Any]]:
        for hit in hits:
            link = url_for(
                "views.article_page", article_id=hit.article_id, q=search.query, _external=True
            )
            yield export_row(hit, link)

    lines = csv_lines(rows()) if kind == "csv" else jsonl_lines(rows())
    mimetype = "text/csv" if kind == "csv" else "application/x-ndjson"
    response = Response(stream_with_context(lines), mimetype=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="baoku-export.{kind}"'
    return response


@api.get("/articles/<article_id>")
def article(article_id: str) -> ResponseReturnValue:
    return jsonify(article_to_json(archive().article(article_id), query_needles()))


def query_needles() -> list[str]:
    """The strings to mark for ?q= (an article view's highlights); none without q."""
    query = request.args.get("q", "")
    return positive_texts(parse(query)) if query.strip() else []


@api.get("/suggest")
def suggest() -> ResponseReturnValue:
    prefix = request.args.get("q", "")
    if len(prefix) > 50:
        raise BadParameter("a suggestion prefix is at most 50 characters")
    return jsonify({"query": prefix, "suggestions": archive().suggest(prefix)})


@api.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_spec())


@api.get("/health")
def health() -> ResponseReturnValue:
    s = stats(_settings())
    return jsonify(
        {
            "status": "ok",
            "index": s.path,
            "articles": s.articles,
            "paragraphs": s.paragraphs,
            "updated": s.updated.isoformat(timespec="seconds") if s.updated else None,
        }
    )
