"""Trends: how many articles match each query per month or year, and their share.

"When did we start writing about X", and is it growing? A count alone
misleads when the archive grows (a paper that prints more pages, a second
source added in 2012), so each count comes with the share of all articles of
that period. Counts are exact: they are the search's own month facet, counted
over the whole result set by the engine, so a point equals the total of a
search with that date range. Periods run from the first to the last period
of the date range (the archive's dated span without one), empty ones
included; undated articles belong to no period.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from search.backends.base import ArchiveReader
from search.errors import BadParameter
from search.limits import TREND_QUERIES
from search.query.aliases import AliasTable
from search.query.params import choice, search_request
from search.query.request import SearchRequest

TrendBy = Literal["month", "year"]
TREND_BY: tuple[TrendBy, ...] = ("year", "month")


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: str  # "2024" or "2024-03"
    articles: int  # matching articles dated in the period
    total: int  # all dated articles of the archive in the period

    @property
    def share(self) -> float:
        return self.articles / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class TrendSeries:
    query: str
    request: SearchRequest  # the search behind the series (its filters included)
    points: tuple[TrendPoint, ...]

    @property
    def articles(self) -> int:
        return sum(p.articles for p in self.points)


@dataclass(frozen=True, slots=True)
class Trend:
    by: TrendBy
    periods: tuple[str, ...]
    series: tuple[TrendSeries, ...]


def trend(archive: ArchiveReader, queries: list[str], by: TrendBy, base: SearchRequest) -> Trend:
    """Each query's matches per period, under the filters of `base` (dates, section,
    author); at most `TREND_QUERIES` queries."""
    if len(queries) > TREND_QUERIES:
        raise BadParameter(f"at most {TREND_QUERIES} queries in one trend, got {len(queries)}")
    width = 4 if by == "year" else 7
    totals: Counter[str] = Counter()
    for count in archive.calendar():
        totals[count.date.isoformat()[:width]] += count.articles
    counted = []
    for query in queries:
        request = replace(base, query=query, page=1, size=1, facets=True, group="article")
        result = archive.search(request)
        months = result.facets.months if result.facets else ()
        per_period: Counter[str] = Counter()
        for month, n in months:
            per_period[month[:width]] += n
        counted.append((query, request, per_period))
    periods = _periods(by, base, totals, [c for _, _, c in counted])
    series = tuple(
        TrendSeries(q, r, tuple(TrendPoint(p, c[p], totals[p]) for p in periods))
        for q, r, c in counted
    )
    return Trend(by, periods, series)


def _periods(
    by: TrendBy, base: SearchRequest, totals: Counter[str], counts: list[Counter[str]]
) -> tuple[str, ...]:
    """Every period from the first to the last: of the date range when one is given,
    else of the archive's dated articles (and the matches, which lie inside it)."""
    known = sorted(set(totals).union(*counts))
    if not known and not (base.date_from and base.date_to):
        return ()
    first = _period_of(base.date_from, by) if base.date_from else known[0]
    last = _period_of(base.date_to, by) if base.date_to else known[-1]
    return tuple(_between(first, last, by))


def _period_of(day: datetime.date, by: TrendBy) -> str:
    return day.isoformat()[: 4 if by == "year" else 7]


def _between(first: str, last: str, by: TrendBy) -> list[str]:
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def trend_params(
    queries: list[str], params: Mapping[str, str | None], aliases: AliasTable
) -> tuple[list[str], TrendBy, SearchRequest]:
    """A trend's queries, period and filters (`from`, `to`, `section`, `author`), as the
    page, the API and `baoku trend` read them; the filters travel in the first query's
    request, which every query's own request is made from."""
    queries = [q for q in queries if q.strip()]
    if not queries:
        raise BadParameter("give at least one query (q=...)")
    by = choice(params.get("by"), TREND_BY, "by")
    base = search_request({**params, "q": queries[0]}, aliases=aliases)
    return queries, by, base  # type: ignore[return-value]
