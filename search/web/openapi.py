"""The OpenAPI 3 description of /api/*, served at /api/openapi.json (validated in tests)."""

from __future__ import annotations

from typing import Any

from search import __version__
from search.limits import (
    DEEPEST_HIT,
    EXPORT_ARTICLES,
    FILTER_CHARS,
    PAGE,
    PAGE_SIZE,
    QUERY_CHARS,
    SUGGEST_PREFIX_CHARS,
    SUGGESTIONS,
    TREND_QUERIES,
    Limit,
)
from search.models import ENTITY_KINDS
from search.newsroom.citations import CITATION_FORMATS, MEDIA_TYPES
from search.newsroom.trends import TREND_BY
from search.output.results import EXPORT_FORMATS
from search.query.params import GROUPS, SORTS


def _param(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict:
    """A query parameter; an optional one may be sent empty (`size=`), meaning absent:
    the search form submits its empty fields."""
    parameter = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    return parameter if required else {**parameter, "allowEmptyValue": True}


_ERROR = {
    "description": "Error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _integer(limit: Limit) -> dict[str, Any]:
    return {
        "type": "integer",
        "minimum": limit.low,
        "maximum": limit.high,
        "default": limit.default,
    }


_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"}
_FILTER = {"type": "string", "maxLength": FILTER_CHARS}
_SEARCH_PARAMS = [
    _param(
        "q",
        'Query: terms (AND), "phrase", "a b"~N, OR, NOT/-x, ( ), title: author: section: '
        "date: person: place: org:",
        {"type": "string", "maxLength": QUERY_CHARS},
        True,
    ),
    _param("page", "Page number", _integer(PAGE)),
    _param("size", f"Hits per page (page × size ≤ {DEEPEST_HIT})", _integer(PAGE_SIZE)),
    _param("from", "Earliest date: YYYY, YYYY-MM or YYYY-MM-DD", _DATE),
    _param("to", "Latest date: YYYY, YYYY-MM (its last day) or YYYY-MM-DD", _DATE),
    _param(
        "section", "Exact section (a facet value)", {"type": "string", "maxLength": FILTER_CHARS}
    ),
    _param("author", "Exact author (a facet value)", _FILTER),
    *(
        _param(kind, f"Articles mentioning this {noun} (a facet value; aliases too)", _FILTER)
        for kind, noun in (("person", "person"), ("place", "place"), ("org", "organisation"))
    ),
    _param(
        "imported_since",
        "Only articles imported at or after this time (ISO 8601; local time without a zone)",
        {"type": "string", "maxLength": 40},
    ),
    _param("sort", "Order", {"type": "string", "enum": list(SORTS)}),
    _param(
        "group", "One hit per article or per paragraph", {"type": "string", "enum": list(GROUPS)}
    ),
]
_COUNT = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
    },
}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_CITATION_CONTENT = {
    MEDIA_TYPES[kind].split(";")[0]: {
        "schema": {"type": "array", "items": {"type": "object"}}
        if kind == "csl"
        else {"type": "string"}
    }
    for kind in CITATION_FORMATS
}
_STRING = {"type": "string"}
_PAPER = _param(
    "paper", "Only this paper (or JSONL source)", {"type": "string", "maxLength": FILTER_CHARS}
)
_INTEGER = {"type": "integer"}


def _object(required: tuple[str, ...] = (), **properties: Any) -> dict[str, Any]:
    found = {"type": "object", "properties": properties}
    return {**found, "required": list(required)} if required else found


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


_BRIEF = _object(
    ("id", "title", "authors"),
    id=_STRING,
    title=_STRING,
    authors=_array(_STRING),
    paragraphs=_INTEGER,
    **dict.fromkeys(
        ("kicker", "subtitle", "section", "paper", "page", "page_name", "continued_on"),
        _NULLABLE_STRING,
    ),
    continued_from=_NULLABLE_STRING,
)
_SCHEMAS_BROWSE = {
    "Dates": _object(
        ("by", "papers", "counts"),
        by={"type": "string", "enum": ["day", "month", "year"]},
        paper=_NULLABLE_STRING,
        papers=_array(
            _object(paper=_STRING, first=_STRING, last=_STRING, articles=_INTEGER, days=_INTEGER)
        ),
        counts=_array(_object(("period", "articles"), period=_STRING, articles=_INTEGER)),
    ),
    "Trend": _object(
        ("by", "periods", "series"),
        by={"type": "string", "enum": ["year", "month"]},
        periods=_array(_STRING),
        series=_array(
            _object(
                query=_STRING,
                explain=_STRING,
                articles=_INTEGER,
                points=_array(
                    _object(
                        period=_STRING, articles=_INTEGER, total=_INTEGER, share={"type": "number"}
                    )
                ),
            )
        ),
    ),
    "Issue": _object(
        ("date", "papers"),
        date=_STRING,
        paper=_NULLABLE_STRING,
        previous_day=_NULLABLE_STRING,
        next_day=_NULLABLE_STRING,
        truncated={"type": "boolean"},
        papers=_array(
            _object(
                paper=_STRING,
                pages=_array(
                    _object(page=_STRING, page_name=_NULLABLE_STRING, articles=_array(_BRIEF))
                ),
            )
        ),
    ),
}


def _ok(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {
        "200": {"description": "OK", "content": {media: {"schema": schema}}},
        "400": _ERROR,
        "503": _ERROR,
    }


def openapi_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "baoku (报库) search API",
            "version": __version__,
            "description": "Read-only full-text search over a Chinese newspaper archive.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search articles (or paragraphs), ranked, with snippets and facets",
                    "parameters": _SEARCH_PARAMS,
                    "responses": _ok({"$ref": "#/components/schemas/SearchResult"}),
                }
            },
            "/api/articles/{article_id}": {
                "get": {
                    "summary": "One full article; with q, every match marked",
                    "parameters": [
                        {
                            "name": "article_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _param("q", "Query whose matches to mark", {"type": "string"}),
                        _param(
                            "format",
                            "Instead of JSON, the citation: gbt7714 (GB/T 7714-2015 text), "
                            "ris (TY  - NEWS) or csl (CSL-JSON, article-newspaper)",
                            {"type": "string", "enum": list(CITATION_FORMATS)},
                        ),
                    ],
                    "responses": {
                        **_ok({"$ref": "#/components/schemas/Article"}),
                        "200": {
                            "description": "OK: the article, or its citation with `format`",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Article"}
                                },
                                **_CITATION_CONTENT,
                            },
                        },
                        "404": _ERROR,
                    },
                }
            },
            "/api/articles/{article_id}/related": {
                "get": {
                    "summary": "相关报道: the most similar articles, and the same by date",
                    "parameters": [
                        {
                            "name": "article_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        **_ok(
                            _object(
                                ("article_id", "words", "related", "over_time"),
                                article_id=_STRING,
                                words=_array(_STRING),
                                related=_array({"$ref": "#/components/schemas/Hit"}),
                                over_time=_array({"$ref": "#/components/schemas/Hit"}),
                            )
                        ),
                        "404": _ERROR,
                    },
                }
            },
            "/api/dates": {
                "get": {
                    "summary": "Articles per day, month or year, and each paper's date range",
                    "parameters": [
                        _param(
                            "by", "Period", {"type": "string", "enum": ["month", "day", "year"]}
                        ),
                        _PAPER,
                    ],
                    "responses": _ok({"$ref": "#/components/schemas/Dates"}),
                }
            },
            "/api/trend": {
                "get": {
                    "summary": f"Matching articles per year or month for up to {TREND_QUERIES} "
                    "queries, with each period's share of all articles",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "description": "A query (repeat for up to six)",
                            "schema": {
                                "type": "array",
                                "items": {"type": "string", "maxLength": QUERY_CHARS},
                                "minItems": 1,
                                "maxItems": TREND_QUERIES,
                            },
                            "style": "form",
                            "explode": True,
                        },
                        _param("by", "Period", {"type": "string", "enum": list(TREND_BY)}),
                        *(
                            p
                            for p in _SEARCH_PARAMS
                            if p["name"] in ("from", "to", "section", "author")
                        ),
                        _param(
                            "format", "json or csv", {"type": "string", "enum": ["json", "csv"]}
                        ),
                    ],
                    "responses": {
                        **_ok({"$ref": "#/components/schemas/Trend"}),
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Trend"}
                                },
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                    },
                }
            },
            "/api/issues/{day}": {
                "get": {
                    "summary": "One day: its papers, their pages in order, each page's articles",
                    "parameters": [
                        {
                            "name": "day",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}$"},
                        },
                        _PAPER,
                    ],
                    "responses": _ok({"$ref": "#/components/schemas/Issue"}),
                }
            },
            "/api/export": {
                "get": {
                    "summary": f"Every matching article (at most {EXPORT_ARTICLES:,}), streamed",
                    "parameters": [
                        *_SEARCH_PARAMS,
                        _param(
                            "format",
                            "csv (UTF-8 with BOM), jsonl, or citations: ris, csl (CSL-JSON), "
                            "gbt7714 (one per line)",
                            {"type": "string", "enum": list(EXPORT_FORMATS)},
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "text/csv": {"schema": {"type": "string"}},
                                "application/x-ndjson": {"schema": {"type": "string"}},
                                **_CITATION_CONTENT,
                            },
                        },
                        "400": _ERROR,
                        "503": _ERROR,
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": f"Up to {SUGGESTIONS} completions of a prefix (names, words)",
                    "parameters": [
                        _param("q", "Prefix", {"type": "string", "maxLength": SUGGEST_PREFIX_CHARS})
                    ],
                    "responses": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "query": {"type": "string"},
                                "suggestions": {"type": "array", "items": {"type": "string"}},
                            },
                        }
                    ),
                }
            },
            "/api/health": {
                "get": {
                    "summary": "Index location, counts and last update",
                    "responses": _ok(
                        {
                            "type": "object",
                            "required": ["status", "index", "articles", "paragraphs"],
                            "properties": {
                                "status": {"type": "string", "enum": ["ok", "empty"]},
                                "index": {"type": "string"},
                                "articles": {"type": "integer"},
                                "paragraphs": {"type": "integer"},
                                "files": {"type": "integer"},
                                "size_mb": {"type": "number"},
                                "segments": {"type": "integer"},
                                "updated": _NULLABLE_STRING,
                            },
                        }
                    ),
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                **_SCHEMAS_BROWSE,
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "Hit": {
                    "type": "object",
                    "properties": {
                        "article_id": {"type": "string"},
                        "title": {"type": "string"},
                        "section": _NULLABLE_STRING,
                        "date": _NULLABLE_STRING,
                        "authors": {"type": "array", "items": {"type": "string"}},
                        "source": {"type": "string"},
                        "paragraph": {
                            "type": "integer",
                            "description": "best paragraph; -1: title",
                        },
                        "text": {"type": "string"},
                        "snippet": {"type": "string", "description": "escaped HTML, <mark> only"},
                        "score": {"type": "number"},
                        "matches": {"type": "integer"},
                    },
                },
                "SearchResult": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "page_size": {"type": "integer"},
                        "took_ms": {"type": "number"},
                        "explain": {
                            "type": "string",
                            "description": "The query stated back in plain Chinese",
                        },
                        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "facets": {
                            "type": "object",
                            "properties": {
                                name: _COUNT
                                for name in ("section", "author", "month", "person", "place", "org")
                            },
                        },
                    },
                },
                "Article": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "title_html": {"type": "string"},
                        "subtitle": _NULLABLE_STRING,
                        "section": _NULLABLE_STRING,
                        "date": _NULLABLE_STRING,
                        "authors": {"type": "array", "items": {"type": "string"}},
                        "source": {"type": "string"},
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
                            "description": "Joined jump: index of the first paragraph "
                            "printed on `continued_on`.",
                        },
                        "mentions": {
                            "type": "array",
                            "description": "The people, places and organisations it mentions",
                            "items": _object(
                                ("kind", "name", "count"),
                                kind={"type": "string", "enum": list(ENTITY_KINDS)},
                                name=_STRING,
                                count=_INTEGER,
                            ),
                        },
                        "paragraphs": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "kind": {
                                        "type": "string",
                                        "enum": ["body", "subhead", "caption"],
                                    },
                                    "text": {"type": "string"},
                                    "html": {"type": "string"},
                                    "hit": {"type": "boolean"},
                                },
                            },
                        },
                    },
                },
            }
        },
    }
