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

from search import params, trends
from search.errors import BaokuError
from search.limits import TREND_QUERIES
from search.web.api import archive
from search.web.charts import line_chart

trend_views = Blueprint("trend", __name__)
FILTERS = ("by", "from", "to", "section", "author", "y")


@trend_views.get("/trend")
def trend_page() -> ResponseReturnValue:
    queries = [q for q in request.args.getlist("q") if q.strip()]
    form = {k: request.args.get(k, "") for k in FILTERS}
    found = chart = link = None
    if queries:
        found = trends.trend(archive(), *params.trend_params(queries, request.args))
        filters: dict[str, Any] = {
            k: v for k, v in form.items() if v and k in ("section", "author")
        }

        def point_link(series: int, period: str) -> str:
            query = found.series[series].query if found else ""
            return url_for(
                "views.search_page", **{**filters, "q": query, "from": period, "to": period}
            )

        chart = line_chart(found, share=form["y"] != "count", link=point_link)
        link = point_link
    slots = queries + [""] * max(0, min(3, TREND_QUERIES) - len(queries))
    return render_template(
        "trend.html",
        found=found,
        chart=chart,
        form=form,
        slots=slots,
        queries=queries,
        link=link,
    )


@trend_views.errorhandler(BaokuError)
def trend_error(exc: BaokuError) -> ResponseReturnValue:
    """A bad query or date is said on the trend page itself, the form kept."""
    form = {k: request.args.get(k, "") for k in FILTERS}
    queries = request.args.getlist("q")
    return (
        render_template(
            "trend.html",
            found=None,
            chart=None,
            form=form,
            slots=queries or [""],
            queries=queries,
            error=exc.message,
        ),
        exc.http_status,
    )
