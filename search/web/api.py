"""/api/*: the JSON face of the engines and the newsroom; the result shape comes from output/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import quote

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

from search.backends import ArchiveReader, backend_for
from search.config import Settings
from search.limits import EXPORT_ARTICLES
from search.models import Hit
from search.newsroom import browse, trends
from search.newsroom.citations import (
    CITATION_FORMATS,
    MEDIA_TYPES,
    SUFFIXES,
    Reference,
    citation,
    citation_lines,
)
from search.newsroom.completions import completions
from search.newsroom.hints import search_with_hints
from search.newsroom.related import related
from search.output.results import (
    TREND_FIELDS,
    article_to_json,
    csv_lines,
    dates_to_json,
    export_row,
    issue_to_json,
    jsonl_lines,
    related_to_json,
    stats_to_json,
    to_json,
    trend_csv_rows,
    trend_to_json,
)
from search.query import params
from search.query.aliases import AliasTable, alias_table
from search.query.language import highlight_texts
from search.query.request import SearchRequest
from search.web.endpoints import (
    CITATION,
    DATES_BY,
    EXPORT_FORMAT,
    MARKED_QUERY,
    PAPER,
    SUGGEST_PREFIX,
    TREND_FORMAT,
)
from search.web.openapi import openapi_spec

api = Blueprint("api", __name__, url_prefix="/api")


def _settings() -> Settings:
    return current_app.config["BAOKU_SETTINGS"]


def aliases() -> AliasTable:
    """The alias table (the shipped one and the user's), read again when the file changes."""
    return alias_table(_settings().aliases_file)


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
    return params.search_request(args, facets=True, aliases=aliases())


@api.get("/search")
def search() -> ResponseReturnValue:
    wanted = search_request()
    result, hints = search_with_hints(archive(), wanted)
    return jsonify(to_json(result, wanted, hints))


@api.get("/export")
def export() -> ResponseReturnValue:
    """Every matching article (up to EXPORT_ARTICLES), streamed as CSV, JSONL, RIS or
    CSL-JSON."""
    kind = EXPORT_FORMAT.read(request.args)
    search = replace(search_request(), group="article", page=1, size=1, facets=False)
    hits = archive().export(search, EXPORT_ARTICLES)  # errors surface here, before streaming

    def linked() -> Iterator[tuple[Hit, str]]:
        for hit in hits:
            yield hit, permalink(hit.article_id, search.query)

    if kind in CITATION_FORMATS:
        refs = ((Reference.of(hit), link) for hit, link in linked())
        lines = citation_lines(kind, refs)
        mimetype, suffix = MEDIA_TYPES[kind], SUFFIXES[kind]
    else:
        rows = (export_row(hit, link) for hit, link in linked())
        lines = csv_lines(rows) if kind == "csv" else jsonl_lines(rows)
        mimetype = f"{'text/csv' if kind == 'csv' else 'application/x-ndjson'}; charset=utf-8"
        suffix = kind
    response = Response(stream_with_context(lines), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="baoku-export.{suffix}"'
    return response


def permalink(article_id: str, query: str = "") -> str:
    """The article view's absolute URL (the query's matches marked when one is given)."""
    return url_for("views.article_page", article_id=article_id, q=query or None, _external=True)


@api.get("/articles/<article_id>")
def article(article_id: str) -> ResponseReturnValue:
    """The article as JSON, or its citation (`format=gbt7714|ris|csl`) as a download."""
    kind = CITATION.read(request.args)
    found = archive().article(article_id)
    if kind is None:
        return jsonify(article_to_json(found, query_needles()))
    body = citation(Reference.of(found), kind, permalink(article_id))
    response = Response(body, mimetype=MEDIA_TYPES[kind])
    name = f"{article_id}.{SUFFIXES[kind]}"
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@api.get("/articles/<article_id>/related")
def related_articles(article_id: str) -> ResponseReturnValue:
    """相关报道: the most similar articles, and the same list by date (the story over time)."""
    reader = archive()
    return jsonify(related_to_json(related(reader, reader.article(article_id))))


@api.get("/dates")
def dates() -> ResponseReturnValue:
    """Articles per day, month or year (`by`), for one paper or all, and each paper's span."""
    by, paper = DATES_BY.read(request.args), PAPER.read(request.args)
    calendar = browse.of_paper(archive().calendar(), paper)
    return jsonify(dates_to_json(calendar, browse.coverage(calendar), by, paper))


@api.get("/trend")
def trend() -> ResponseReturnValue:
    """Each query's matching articles per month or year and their share (`format=csv`)."""
    kind = TREND_FORMAT.read(request.args)
    found = trends.trend(
        archive(), *trends.trend_params(request.args.getlist("q"), request.args, aliases())
    )
    if kind == "json":
        return jsonify(trend_to_json(found))
    lines = csv_lines(trend_csv_rows(found), TREND_FIELDS)
    response = Response(lines, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="baoku-trend.csv"'
    return response


@api.get("/issues/<day>")
def issue(day: str) -> ResponseReturnValue:
    """One day's papers, pages (in order) and articles (in page order)."""
    paper = PAPER.read(request.args)
    when = browse.parse_day(day)
    return jsonify(issue_to_json(browse.read_issue(archive(), when, paper)))


def query_needles() -> list[str]:
    """The strings to mark for ?q= (an article view's highlights); none without q."""
    return highlight_texts(MARKED_QUERY.read(request.args))


@api.get("/suggest")
def suggest() -> ResponseReturnValue:
    prefix = SUGGEST_PREFIX.read(request.args)
    return jsonify({"query": prefix, "suggestions": completions(archive(), prefix)})


@api.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_spec())


@api.get("/health")
def health() -> ResponseReturnValue:
    return jsonify(stats_to_json(archive().stats()))
