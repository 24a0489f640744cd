"""/trend: a line chart of how often queries appear per month or year (Trove's QueryPic).

    /trend?q=扶贫&q=脱贫&by=year&from=2012&to=2026&y=share

Up to six queries, each in the full query language, with the search filters
(`from`, `to`, `section`, `author`); `y=count` charts counts instead of shares.
Server-rendered SVG (works without JavaScript); each point links to that
period's results; the data is also a table on the page, and CSV or JSON at
/api/trend.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue

from search.errors import BaokuError
from search.limits import TREND_QUERIES
from search.newsroom import trends
from search.web.api import aliases, archive
from search.web.charts import line_chart

trend_views = Blueprint("trend", __name__)
FILTERS = ("by", "from", "to", "section", "author", "y")


@trend_views.get("/trend")
def trend_page() -> ResponseReturnValue:
    queries = [q for q in request.args.getlist("q") if q.strip()]
    if not queries:
        return _page(queries)
    found = trends.trend(archive(), *trends.trend_params(queries, request.args, aliases()))
    filters: dict[str, Any] = {k: v for k in ("section", "author") if (v := request.args.get(k))}

    def point_link(series: int, period: str) -> str:
        query = found.series[series].query
        return url_for("views.search_page", **{**filters, "q": query, "from": period, "to": period})

    chart = line_chart(found, share=request.args.get("y") != "count", link=point_link)
    return _page(queries, found=found, chart=chart, link=point_link)


@trend_views.errorhandler(BaokuError)
def trend_error(exc: BaokuError) -> ResponseReturnValue:
    """A bad query or date is said on the trend page itself, the form kept."""
    return _page(request.args.getlist("q"), error=exc.message), exc.http_status


def _page(queries: list[str], **shown: Any) -> str:
    """The trend page: the form as filled in (at least 3 query boxes), and what was found."""
    form = {k: request.args.get(k, "") for k in FILTERS}
    slots = queries + [""] * max(0, min(3, TREND_QUERIES) - len(queries))
    return render_template("trend.html", form=form, slots=slots, queries=queries, **shown)
