"""Each /api route's query parameters: what api.py reads and openapi.py describes.

A search's parameters come from query/params.py (`SEARCH_PARAMS`); the rest are
one route's own, their choices the constants that route's code uses, so the
description cannot list a format or a period the route refuses, or miss one
it takes.
"""

from __future__ import annotations

from search.limits import FILTER_CHARS, QUERY_CHARS, SUGGEST_PREFIX_CHARS, TREND_QUERIES
from search.newsroom.browse import PERIODS
from search.newsroom.citations import CITATION_FORMATS
from search.newsroom.trends import TREND_BY
from search.output.results import EXPORT_FORMATS
from search.query.params import FILTER_PARAMS, SEARCH_PARAMS, Param, choice_param

PAPER = Param("paper", "Only this paper (or JSONL source)", "text", max_chars=FILTER_CHARS)
MARKED_QUERY = Param("q", "Query whose matches to mark", "query", default="", max_chars=QUERY_CHARS)
CITATION = Param(  # absent: the article as JSON
    "format",
    "Instead of JSON, the citation: gbt7714 (GB/T 7714-2015 text), ris (TY  - NEWS) or "
    "csl (CSL-JSON, article-newspaper)",
    "choice",
    choices=CITATION_FORMATS,
)
EXPORT_FORMAT = choice_param(
    "format",
    "csv (UTF-8 with BOM), jsonl, or citations: ris, csl (CSL-JSON), gbt7714 (one per line)",
    EXPORT_FORMATS,
)
DATES_BY = Param("by", "Period", "choice", default="month", choices=PERIODS)
# Read by newsroom/trends.py's `trend_params`, as the trend page and `baoku trend` read them.
TREND_QUERY = Param(
    "q",
    f"A query (repeat for up to {TREND_QUERIES})",
    "query",
    max_chars=QUERY_CHARS,
    required=True,
    at_most=TREND_QUERIES,
)
TREND_PERIOD = choice_param("by", "Period", TREND_BY)
TREND_FORMAT = choice_param("format", "json or csv", ("json", "csv"))
SUGGEST_PREFIX = Param("q", "Prefix", "text", default="", max_chars=SUGGEST_PREFIX_CHARS)

QUERY_PARAMS: dict[str, tuple[Param, ...]] = {
    "/api/search": SEARCH_PARAMS,
    "/api/articles/{article_id}": (MARKED_QUERY, CITATION),
    "/api/articles/{article_id}/related": (),
    "/api/dates": (DATES_BY, PAPER),
    "/api/trend": (TREND_QUERY, TREND_PERIOD, *FILTER_PARAMS, TREND_FORMAT),
    "/api/issues/{day}": (PAPER,),
    "/api/export": (*SEARCH_PARAMS, EXPORT_FORMAT),
    "/api/suggest": (SUGGEST_PREFIX,),
    "/api/health": (),
    "/api/openapi.json": (),
}
