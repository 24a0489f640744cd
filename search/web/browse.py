"""/browse: the archive by calendar, day and page (日期 -> 版面 -> 文章), server-rendered.

    /browse                         every paper: its span, and articles per year and month
    /browse/2024                    the same, one year (links to months)
    /browse/2024-12                 a month as a calendar of days with article counts
    /browse/2024-12-31              the day: every paper, its pages in order, their articles
    /browse/2024-12-31/<paper>/<page>   one page: its articles, previous/next page and day

`?paper=` narrows the calendar and the day to one paper. Everything is built by
`search/newsroom/browse.py` from the engine's `calendar` and `day`, as /api/dates and
/api/issues/<date> are.
"""

from __future__ import annotations

import calendar as calendars

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from search.newsroom import browse as archive_browse
from search.query.params import filter_value
from search.web.api import archive

browse = Blueprint("browse", __name__)


def _paper() -> str | None:
    return filter_value(request.args.get("paper"), "paper")


@browse.get("/browse")
def coverage() -> ResponseReturnValue:
    return _calendar_page(None)


@browse.get("/browse/<period>")
def period(period: str) -> ResponseReturnValue:
    kind, first = archive_browse.parse_period(period)
    if kind == "day":
        paper = _paper()
        issue = archive_browse.read_issue(archive(), first, paper)
        return render_template("issue.html", issue=issue, page=None, paper=paper)
    return _calendar_page(period)


def _calendar_page(period: str | None) -> ResponseReturnValue:
    """The papers' spans and counts; for a month, its days as a calendar."""
    paper = _paper()
    papers_days = archive_browse.of_paper(archive().calendar(), paper)
    days = [d for d in papers_days if d.date.isoformat().startswith(period or "")]
    month = around = None
    if period and len(period) == 7:
        year, number = (int(x) for x in period.split("-"))
        months = sorted({c.date.isoformat()[:7] for c in papers_days})
        around = (
            max((m for m in months if m < period), default=None),
            min((m for m in months if m > period), default=None),
        )
        counts = dict(archive_browse.period_counts(days, "day"))
        month = [
            [(d, counts.get(d.isoformat(), 0)) if d.month == number else None for d in week]
            for week in calendars.Calendar().monthdatescalendar(year, number)
        ]
    return render_template(
        "browse.html",
        papers=archive_browse.coverage(days),
        paper=paper,
        period=period,
        month=month,
        around=around,
        months=range(1, 13),
    )


@browse.get("/browse/<day>/<paper>/<path:page>")
def page(day: str, paper: str, page: str) -> ResponseReturnValue:
    when = archive_browse.parse_day(day)
    issue = archive_browse.read_issue(archive(), when, paper)
    shown = issue.page(paper, page)
    if shown is None:
        abort(404, description=f"no page {page!r} of {paper!r} on {when.isoformat()}")
    return render_template("issue.html", issue=issue, page=shown, paper=paper)


browse.add_app_template_filter(archive_browse.weekday, "weekday")
browse.add_app_template_filter(archive_browse.page_label, "page_label")
