"""The OpenAPI 3 description of /api/*, served at /api/openapi.json (fuzzed in tests).

Generated, not written out: each route's parameters are the table the route
reads (web/endpoints.py, query/params.py), with the limits and choices it
checks; the response shapes name the keys of the JSON builders' own field
tuples (output/results.py) where the builders have one. What is left here is
what only a reader needs: the summaries and the types of the answers' keys.
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any, get_args

from search import __version__
from search.limits import EXPORT_ARTICLES, SUGGESTIONS, TREND_QUERIES
from search.models import ENTITY_KINDS, Facets, ParagraphKind
from search.newsroom.browse import PERIODS
from search.newsroom.citations import CITATION_FORMATS, MEDIA_TYPES
from search.newsroom.hints import Suggestion
from search.newsroom.trends import TREND_BY
from search.output.results import BRIEF_FIELDS, EXPORT_FIELDS, TREND_FIELDS
from search.query.params import Param
from search.web.endpoints import QUERY_PARAMS

Schema = dict[str, Any]

_STRING: Schema = {"type": "string"}
_NULLABLE_STRING: Schema = {"type": "string", "nullable": True}
_INTEGER: Schema = {"type": "integer"}
_NUMBER: Schema = {"type": "number"}
_BOOLEAN: Schema = {"type": "boolean"}
# The form `language.parse_date` reads; a path's day (an issue) is a whole date.
_DAY_PATTERN = r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"
_PATH_SCHEMAS = {"day": {"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}$"}}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _object(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    found: Schema = {"type": "object", "properties": properties}
    return {**found, "required": list(required)} if required else found


def _enum(values: tuple[str, ...]) -> Schema:
    return {"type": "string", "enum": list(values)}


def _value_schema(param: Param) -> Schema:
    """One value of `param`: the limit, choices or length it is checked against."""
    if param.kind == "whole":
        assert param.limit is not None
        found = {"type": "integer", "minimum": param.limit.low, "maximum": param.limit.high}
    elif param.kind == "choice":
        found = _enum(param.choices)
    elif param.kind == "switch":
        found = dict(_BOOLEAN)
    elif param.kind == "day":
        found = {"type": "string", "pattern": _DAY_PATTERN}
    else:
        found = dict(_STRING)
    if param.max_chars is not None:
        found["maxLength"] = param.max_chars
    if param.default not in (None, ""):
        found["default"] = param.default
    return found


def _parameter(param: Param) -> Schema:
    """A query parameter; an optional one may be sent empty (`size=`), meaning absent: the
    search form submits its empty fields."""
    found: Schema = {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description,
        "schema": _value_schema(param),
    }
    if param.at_most > 1:
        found["schema"] = {
            **_array(found["schema"]),
            "minItems": 1 if param.required else 0,
            "maxItems": param.at_most,
        }
        found.update(style="form", explode=True)
    return found if param.required else {**found, "allowEmptyValue": True}


def _parameters(path: str) -> list[Schema]:
    """The path's own (`{article_id}`), then the query string's, as the route reads them."""
    in_path = [
        {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS.get(name, _STRING)}
        for name in re.findall(r"\{(\w+)\}", path)
    ]
    return [*in_path, *(_parameter(p) for p in QUERY_PARAMS[path])]


# The keys of an article as the API gives it (`article_to_json`: the stored article, its
# paragraphs and mentions); a day's listing shows BRIEF_FIELDS of them.
_ARTICLE_FIELDS: dict[str, Schema] = {
    "id": _STRING,
    "title": _STRING,
    "title_html": _STRING,
    "subtitle": _NULLABLE_STRING,
    "section": _NULLABLE_STRING,
    "date": _NULLABLE_STRING,
    "authors": _array(_STRING),
    "photographers": {
        **_array(_STRING),
        "description": "Photo credits of the article's captions; never authors.",
    },
    "ocr": {
        "type": "number",
        "nullable": True,
        "description": "Text recognised from a scanned page: the OCR's mean confidence, 0..1.",
    },
    "has_original": {
        "type": "boolean",
        "description": "The scanned page the text was recognised from is at /a/{id}/original.",
    },
    "source": _STRING,
    "dateline": _NULLABLE_STRING,
    "paper": _NULLABLE_STRING,
    "page": _NULLABLE_STRING,
    "page_name": _NULLABLE_STRING,
    "kicker": _NULLABLE_STRING,
    "continued_on": {
        **_NULLABLE_STRING,
        "description": "The page a `（下转第N版）` sends the reader to.",
    },
    "continued_from": {
        **_NULLABLE_STRING,
        "description": "A continuation whose first part is not imported.",
    },
    "continuation_at": {
        "type": "integer",
        "nullable": True,
        "description": "Joined jump: index of the first paragraph printed on `continued_on`.",
    },
    "imported": {**_NULLABLE_STRING, "description": "When imported: UTC, ISO 8601"},
    "mentions": {
        **_array(
            _object(
                {"kind": _enum(ENTITY_KINDS), "name": _STRING, "count": _INTEGER},
                ("kind", "name", "count"),
            )
        ),
        "description": "The people, places and organisations it mentions",
    },
    "paragraphs": _array(
        _object(
            {
                "kind": _enum(get_args(ParagraphKind)),
                "text": _STRING,
                "html": _STRING,
                "hit": _BOOLEAN,
            }
        )
    ),
}
_BRIEF = _object(
    {**{k: _ARTICLE_FIELDS[k] for k in BRIEF_FIELDS}, "paragraphs": _INTEGER},
    ("id", "title", "authors"),
)
_HIT = _object(
    {
        "article_id": _STRING,
        "title": _STRING,
        "section": _NULLABLE_STRING,
        "date": _NULLABLE_STRING,
        "authors": _array(_STRING),
        "source": _STRING,
        "paragraph": {"type": "integer", "description": "best paragraph; -1: title"},
        "text": _STRING,
        "snippet": {"type": "string", "description": "escaped HTML, <mark> only"},
        "score": _NUMBER,
        "matches": _INTEGER,
    }
)
_COUNTS = _array(_object({"value": _STRING, "count": _INTEGER}, ("value", "count")))
_SEARCH_RESULT = _object(
    {
        "query": _STRING,
        "total": _INTEGER,
        "page": _INTEGER,
        "page_size": _INTEGER,
        "took_ms": _NUMBER,
        "explain": {"type": "string", "description": "The query stated back in plain Chinese"},
        "hits": _array(_ref("Hit")),
        "facets": _object({name: _COUNTS for name, _ in Facets((), (), ()).named()}),
        "suggestions": _array(
            _object({f.name: _INTEGER if f.type == "int" else _STRING for f in fields(Suggestion)})
        ),
        "not_found": _array(_STRING),
    }
)
# A trend's point and its CSV row (TREND_FIELDS: the query, then the point's keys).
_TREND_KEYS: dict[str, Schema] = {
    "query": _STRING,
    "period": _STRING,
    "articles": _INTEGER,
    "total": _INTEGER,
    "share": _NUMBER,
}
_TREND = _object(
    {
        "by": _enum(TREND_BY),
        "periods": _array(_STRING),
        "series": _array(
            _object(
                {
                    "query": _STRING,
                    "explain": _STRING,
                    "articles": _INTEGER,
                    "points": _array(_object({k: _TREND_KEYS[k] for k in TREND_FIELDS[1:]})),
                }
            )
        ),
    },
    ("by", "periods", "series"),
)
_DATES = _object(
    {
        "by": _enum(PERIODS),
        "paper": _NULLABLE_STRING,
        "papers": _array(
            _object(
                {
                    "paper": _STRING,
                    "first": _STRING,
                    "last": _STRING,
                    "articles": _INTEGER,
                    "days": _INTEGER,
                }
            )
        ),
        "counts": _array(
            _object({"period": _STRING, "articles": _INTEGER}, ("period", "articles"))
        ),
    },
    ("by", "papers", "counts"),
)
_ISSUE = _object(
    {
        "date": _STRING,
        "paper": _NULLABLE_STRING,
        "previous_day": _NULLABLE_STRING,
        "next_day": _NULLABLE_STRING,
        "truncated": _BOOLEAN,
        "papers": _array(
            _object(
                {
                    "paper": _STRING,
                    "pages": _array(
                        _object(
                            {
                                "page": _STRING,
                                "page_name": _NULLABLE_STRING,
                                "articles": _array(_BRIEF),
                            }
                        )
                    ),
                }
            )
        ),
    },
    ("date", "papers"),
)
_ERROR = _object(
    {"error": _object({"code": _STRING, "message": _STRING}, ("code", "message"))}, ("error",)
)
_SCHEMAS = {
    "Error": _ERROR,
    "Hit": _HIT,
    "SearchResult": _SEARCH_RESULT,
    "Article": _object(_ARTICLE_FIELDS),
    "Dates": _DATES,
    "Trend": _TREND,
    "Issue": _ISSUE,
}

_CITATIONS: dict[str, Schema] = {
    MEDIA_TYPES[kind].split(";")[0]: {
        "schema": _array({"type": "object"}) if kind == "csl" else _STRING
    }
    for kind in CITATION_FORMATS
}
_ROWS = ", ".join(EXPORT_FIELDS)
_EXPORTS: dict[str, Schema] = {
    "text/csv": {"schema": {"type": "string", "description": f"columns: {_ROWS}"}},
    "application/x-ndjson": {
        "schema": {"type": "string", "description": f"one object a line: {_ROWS}"}
    },
    **_CITATIONS,
}


def _answers(content: dict[str, Schema], description: str = "OK", *errors: str) -> Schema:
    """200 with `content`, and the errors every route may give: a bad parameter (400), no
    index (503), and `errors`."""
    failed = {"content": {"application/json": {"schema": _ref("Error")}}}
    return {
        "200": {"description": description, "content": content},
        **{status: {"description": "Error", **failed} for status in ("400", *errors, "503")},
    }


def _json(schema: Schema) -> dict[str, Schema]:
    return {"application/json": {"schema": schema}}


# Per route: its summary and its answers.
_OPERATIONS: dict[str, tuple[str, Schema]] = {
    "/api/search": (
        "Search articles (or paragraphs), ranked, with snippets and facets",
        _answers(_json(_ref("SearchResult"))),
    ),
    "/api/articles/{article_id}": (
        "One full article; with q, every match marked",
        _answers(
            {**_json(_ref("Article")), **_CITATIONS},
            "OK: the article, or its citation with `format`",
            "404",
        ),
    ),
    "/api/articles/{article_id}/related": (
        "相关报道: the most similar articles, and the same by date",
        _answers(
            _json(
                _object(
                    {
                        "article_id": _STRING,
                        "words": _array(_STRING),
                        "related": _array(_ref("Hit")),
                        "over_time": _array(_ref("Hit")),
                    },
                    ("article_id", "words", "related", "over_time"),
                )
            ),
            "OK",
            "404",
        ),
    ),
    "/api/dates": (
        "Articles per day, month or year, and each paper's date range",
        _answers(_json(_ref("Dates"))),
    ),
    "/api/trend": (
        f"Matching articles per year or month for up to {TREND_QUERIES} queries, with each "
        "period's share of all articles",
        _answers(
            {
                **_json(_ref("Trend")),
                "text/csv": {
                    "schema": {
                        "type": "string",
                        "description": f"columns: {', '.join(TREND_FIELDS)}",
                    }
                },
            }
        ),
    ),
    "/api/issues/{day}": (
        "One day: its papers, their pages in order, each page's articles",
        _answers(_json(_ref("Issue"))),
    ),
    "/api/export": (
        f"Every matching article (at most {EXPORT_ARTICLES:,}), streamed",
        _answers(_EXPORTS),
    ),
    "/api/suggest": (
        f"Up to {SUGGESTIONS} completions of a prefix (names, words)",
        _answers(_json(_object({"query": _STRING, "suggestions": _array(_STRING)}))),
    ),
    "/api/health": (
        "Index location, counts and last update",
        _answers(
            _json(
                _object(
                    {
                        "status": _enum(("ok", "empty")),
                        "index": _STRING,
                        "articles": _INTEGER,
                        "paragraphs": _INTEGER,
                        "files": _INTEGER,
                        "size_mb": _NUMBER,
                        "segments": _INTEGER,
                        "updated": _NULLABLE_STRING,
                    },
                    ("status", "index", "articles", "paragraphs"),
                )
            )
        ),
    ),
    "/api/openapi.json": (
        "This description",
        {"200": {"description": "OK", "content": _json({"type": "object"})}},
    ),
}


def openapi_spec() -> dict[str, Any]:
    """Every route that reads QUERY_PARAMS, in its order (test_api.py checks that every
    /api route is one)."""
    paths = {}
    for path in QUERY_PARAMS:
        summary, responses = _OPERATIONS[path]
        operation = {"summary": summary, "responses": responses}
        parameters = _parameters(path)
        paths[path] = {"get": {**operation, "parameters": parameters} if parameters else operation}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "baoku (报库) search API",
            "version": __version__,
            "description": "Read-only full-text search over a Chinese newspaper archive.",
        },
        "paths": paths,
        "components": {"schemas": _SCHEMAS},
    }
