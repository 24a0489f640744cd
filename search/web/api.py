"""/api/*: the JSON face of query.py; the result shape comes from results.py."""

from __future__ import annotations

import datetime

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from search.config import Settings
from search.errors import BadParameter
from search.index import open_index, stats
from search.models import SearchRequest
from search.query import Archive
from search.querylang import parse, positive_texts
from search.results import article_to_json, facets_to_json, to_json

MAX_API_PAGE_SIZE = 100

api = Blueprint("api", __name__, url_prefix="/api")


def _settings() -> Settings:
    return current_app.config["BAOKU_SETTINGS"]


def archive() -> Archive:
    """One Archive per process, opened on first use, refreshed per query."""
    ext = current_app.extensions
    if "baoku_archive" not in ext:
        ext["baoku_archive"] = Archive(open_index(_settings().index_dir))
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


@api.get("/articles/<article_id>")
def article(article_id: str) -> ResponseReturnValue:
    return jsonify(article_to_json(archive().article(article_id), query_needles()))


def query_needles() -> list[str]:
    """The strings to mark for ?q= (an article view's highlights); none without q."""
    query = request.args.get("q", "")
    return positive_texts(parse(query)) if query.strip() else []


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
