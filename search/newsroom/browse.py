"""The archive by day and page (日期 -> 版面 -> 文章), from what any engine gives.

An engine answers two questions (`ArchiveReader.calendar` and `.day`): how
many articles each paper has on each day, and which articles one day holds.
Everything a reader browses is built from those here, the same for every
engine: the coverage at a glance (papers, date ranges, counts per year and
month), counts per day/month/year, and a day's issue as papers -> pages ->
articles in page order with the neighbouring days and pages.

Papers are `Article.issue_paper` (the paper, else the JSONL source); pages
are `Article.page_group` (the printed page, else the section). Pages sort
in natural order (2 before 10, A3 before B1), articles by their id in
natural order (page files number them `stem-NN` in page order, exports
such as `pd1998-19980101-01-003` in print order).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from search.backends.base import ArchiveReader
from search.errors import BadParameter
from search.limits import DAY_ARTICLES
from search.models import Article, DayCount
from search.query.language import parse_date

Period = Literal["day", "month", "year"]
PERIODS: tuple[Period, ...] = ("day", "month", "year")
_WIDTH = {"year": 4, "month": 7, "day": 10}


def weekday(day: datetime.date) -> str:
    """星期二: how a Chinese paper prints the day."""
    return "星期" + "一二三四五六日"[day.weekday()]


def page_label(page: str) -> str:
    """How a reader names a page: `3` -> 第3版, `A2` -> 第A2版; a section as it is."""
    if re.fullmatch(r"[A-Za-z]?\d{1,3}", page):
        return f"第{page}版"
    return page or "（未分版）"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """`第2版` before `第10版`, `A3` before `B1`: digit runs compare as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


@dataclass(frozen=True, slots=True)
class PaperCoverage:
    """One paper's place in the archive: its first and last day, its article count,
    and its counts per year and per month ("YYYY" / "YYYY-MM", in order)."""

    paper: str
    first: datetime.date
    last: datetime.date
    articles: int
    days: int
    years: tuple[tuple[str, int], ...]
    months: tuple[tuple[str, int], ...]


def coverage(calendar: Iterable[DayCount]) -> tuple[PaperCoverage, ...]:
    """Every paper's coverage, papers by name."""
    by_paper: dict[str, list[DayCount]] = defaultdict(list)
    for count in calendar:
        by_paper[count.paper].append(count)
    return tuple(_paper_coverage(paper, by_paper[paper]) for paper in sorted(by_paper))


def _paper_coverage(paper: str, days: list[DayCount]) -> PaperCoverage:
    return PaperCoverage(
        paper=paper,
        first=min(d.date for d in days),
        last=max(d.date for d in days),
        articles=sum(d.articles for d in days),
        days=len({d.date for d in days}),
        years=period_counts(days, "year"),
        months=period_counts(days, "month"),
    )


def period_counts(calendar: Iterable[DayCount], by: Period) -> tuple[tuple[str, int], ...]:
    """Articles per day, month or year ("YYYY-MM-DD", "YYYY-MM", "YYYY"), in date order."""
    counts: Counter[str] = Counter()
    for count in calendar:
        counts[count.date.isoformat()[: _WIDTH[by]]] += count.articles
    return tuple(sorted(counts.items()))


def of_paper(calendar: Iterable[DayCount], paper: str | None) -> list[DayCount]:
    return [c for c in calendar if paper is None or c.paper == paper]


@dataclass(frozen=True, slots=True)
class IssuePage:
    """One page (版) of one paper on one day, its articles in page order."""

    paper: str
    page: str  # the printed page, else the section ("" when neither)
    page_name: str | None
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    """One day of the archive: every paper's pages, and the days before and after that
    have articles (of the same paper when one is chosen)."""

    date: datetime.date
    paper: str | None
    pages: tuple[IssuePage, ...]
    previous_day: datetime.date | None
    next_day: datetime.date | None
    truncated: bool  # the day has more articles than one answer lists (limits.DAY_ARTICLES)

    @property
    def papers(self) -> list[str]:
        return list(dict.fromkeys(p.paper for p in self.pages))

    def page(self, paper: str, page: str) -> IssuePage | None:
        return next((p for p in self.pages if (p.paper, p.page) == (paper, page)), None)

    def neighbours(self, paper: str, page: str) -> tuple[IssuePage | None, IssuePage | None]:
        """The pages before and after this one in the same paper that day (None at an edge)."""
        pages = [p for p in self.pages if p.paper == paper]
        at = next((i for i, p in enumerate(pages) if p.page == page), None)
        if at is None:
            return None, None
        return (pages[at - 1] if at else None), (pages[at + 1] if at + 1 < len(pages) else None)


def issue(
    day: datetime.date,
    articles: Sequence[Article],
    calendar: Sequence[DayCount],
    paper: str | None = None,
    limit: int | None = None,
) -> Issue:
    """The day's articles as papers -> pages -> articles, each in order."""
    grouped: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in articles:
        grouped[(article.issue_paper, article.page_group)].append(article)
    pages = tuple(
        IssuePage(
            paper=key[0],
            page=key[1],
            page_name=next((a.page_name for a in grouped[key] if a.page_name), None),
            articles=tuple(sorted(grouped[key], key=lambda a: natural_key(a.id))),
        )
        for key in sorted(grouped, key=lambda k: (k[0], natural_key(k[1])))
    )
    days = sorted({c.date for c in of_paper(calendar, paper)})
    return Issue(
        date=day,
        paper=paper,
        pages=pages,
        previous_day=max((d for d in days if d < day), default=None),
        next_day=min((d for d in days if d > day), default=None),
        truncated=limit is not None and len(articles) >= limit,
    )


def read_issue(archive: ArchiveReader, day: datetime.date, paper: str | None) -> Issue:
    """One day of `archive`, as /browse/<date>, /api/issues/<date> and `baoku browse` show it."""
    return issue(day, archive.day(day, paper), archive.calendar(), paper, DAY_ARTICLES)


def parse_period(text: str) -> tuple[Period, datetime.date]:
    """`2024` (a year), `2024-12` (a month) or `2024-12-31` (a day), and its first day."""
    parts = text.strip().split("-")
    if len(parts) > 3 or not all(p.isdigit() for p in parts):
        raise BadParameter(f"bad date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    return PERIODS[3 - len(parts)], parse_date(text, name="date")


def parse_day(text: str) -> datetime.date:
    """A whole date, YYYY-MM-DD: an issue is one day."""
    period, day = parse_period(text)
    if period != "day":
        raise BadParameter(f"bad day {text!r}; use YYYY-MM-DD")
    return day


def only_page(issue: Issue, page: str) -> Issue:
    """The issue with only the page(s) labelled `page` (`3` also finds `03` and `第3版`)."""
    number = _page_number(page)
    pages = tuple(
        p
        for p in issue.pages
        if p.page == page or (number is not None and _page_number(p.page) == number)
    )
    if not pages:
        listed = ", ".join(p.page or "-" for p in issue.pages) or "none"
        raise BadParameter(f"no page {page!r} on {issue.date.isoformat()} (pages: {listed})")
    return replace(issue, pages=pages)


def _page_number(label: str) -> str | None:
    """`3`, `03`, `第03版`, `人民日报 第03版` -> `3`: how people name a page."""
    found = re.findall(r"([A-Za-z]?)0*(\d+)", label)
    return "".join(found[-1]) if found else None
