"""/api/*: the JSON face of query.py; the result shape comes from results.py."""

from __future__ import annotations

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

from search import params
from search.backends import ArchiveReader, backend_for
from search.config import Settings
from search.errors import BadParameter
from search.limits import EXPORT_ARTICLES, SUGGEST_PREFIX_CHARS
from search.models import SearchRequest
from search.querylang import highlight_texts
from search.results import (
    EXPORT_FORMATS,
    article_to_json,
    csv_lines,
    export_row,
    facets_to_json,
    jsonl_lines,
    stats_to_json,
    to_json,
)
from search.web.openapi import openapi_spec

api = Blueprint("api", __name__, url_prefix="/api")


def _settings() -> Settings:
    return current_app.config["BAOKU_SETTINGS"]


def archive() -> ArchiveReader:
    """One reader per process, opened on first use; it sees later imports by itself."""
    ext = current_app.extensions
    if "baoku_archive" not in ext:
        ext["baoku_archive"] = backend_for(_settings()).reader()
    return ext["baoku_archive"]


def search_request(size: int | None = None) -> SearchRequest:
    """The query string's search, as the API and the search page both read it."""
    args = request.args.to_dict()
    if size is not None:
        args["size"] = str(size)
    return params.search_request(args, facets=True)


@api.get("/search")
def search() -> ResponseReturnValue:
    result = archive().search(search_request())
    return jsonify({**to_json(result), "facets": facets_to_json(result.facets)})


@api.get("/export")
def export() -> ResponseReturnValue:
    """Every matching article (up to EXPORT_ARTICLES), streamed as CSV or JSONL."""
    kind = params.choice(request.args.get("format"), EXPORT_FORMATS, "format")
    search = replace(search_request(), group="article", page=1, size=1, facets=False)
    hits = archive().export(search, EXPORT_ARTICLES)  # errors surface here, before streaming

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
    return highlight_texts(request.args.get("q", ""))


@api.get("/suggest")
def suggest() -> ResponseReturnValue:
    prefix = request.args.get("q", "")
    if len(prefix) > SUGGEST_PREFIX_CHARS:
        raise BadParameter(f"a suggestion prefix is at most {SUGGEST_PREFIX_CHARS} characters")
    return jsonify({"query": prefix, "suggestions": archive().suggest(prefix)})


@api.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_spec())


@api.get("/health")
def health() -> ResponseReturnValue:
    return jsonify(stats_to_json(archive().stats()))
