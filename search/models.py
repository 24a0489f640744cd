"""Frozen dataclasses passed between layers; this module imports no baoku module.

Ingest yields `Article`/`Skipped`, the index stores articles, the query layer
answers with `SearchResult`, and `results.py` alone turns that into JSON.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal

ParagraphKind = Literal["body", "subhead", "caption"]
EntityKind = Literal["person", "place", "org"]
TermField = Literal["authors", "words"]  # the dictionaries completions read
ENTITY_KINDS: tuple[EntityKind, ...] = ("person", "place", "org")
TITLE_UNIT = -1  # a hit's `paragraph` (an analysed unit's number) when the title matched


def imported_stamp(moment: datetime.datetime) -> str:
    """`Article.imported` text: UTC to the second, fixed width, so text order is time order."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    kind: ParagraphKind = "body"


@dataclass(frozen=True, slots=True)
class Mention:
    """A person, place or organisation an article mentions (text/entities/), once per article."""

    kind: EntityKind
    name: str  # normalised (简体, half-width), as a filter and a facet name it
    count: int  # occurrences in the title and paragraphs


@dataclass(frozen=True, slots=True)
class Article:
    id: str  # stable, so indexing the same article again replaces it
    title: str
    section: str | None
    authors: tuple[str, ...]
    date: datetime.date | None  # None, never a guess
    paragraphs: tuple[Paragraph, ...]
    source: str  # what the reader sees: the page file name or the JSONL record's source
    origin: str = ""  # resolved path of the input file; replace and prune work per file
    subtitle: str | None = None
    photographers: tuple[str, ...] = ()  # a caption's photo credit (（记者 张三摄）): never authors
    ocr: float | None = None  # recognised from a scan: the OCR's mean confidence (0..1)
    original: str | None = None  # the scanned page it was recognised from (a file path):
    # served at /a/<id>/original, never shown or given out as a path
    dateline: str | None = None  # "12月29日" as printed after the byline; never turned into a date
    paper: str | None = None
    page: str | None = (
        None  # "3", "A3": the printed page (版), as the header or front matter gives it
    )
    kicker: str | None = None  # 引题, the line above the title
    page_name: str | None = None  # 版名 such as 要闻, from the page header
    continued_on: str | None = None  # the page a `（下转第二版）` sends the reader to
    continued_from: str | None = None  # a continuation's `（上接第一版）`, while it stands alone
    continuation_at: int | None = None  # joined: the paragraph where `continued_on` begins
    imported: str | None = None  # when this version was imported: UTC, ISO 8601 to the second
    mentions: tuple[Mention, ...] = ()  # found at import (analysed.py), never given by a file

    @property
    def issue_paper(self) -> str:
        """The paper this article is browsed under: its paper, else its source (the JSONL
        export's `source`, such as pd1998), so every dated article has a place in /browse."""
        return self.paper or self.source

    @property
    def page_group(self) -> str:
        """The day view's group: the printed page, else the section (JSONL without `page`)."""
        return self.page or self.section or ""

    def title_parts(self) -> tuple[str, ...]:
        """The texts of the title unit (kicker, title, subtitle): what a title match means."""
        return tuple(t for t in (self.kicker or "", self.title, self.subtitle or "") if t.strip())


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be used: reported in the summary, never fatal."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class IndexReport:
    files: int
    unchanged: int
    articles: int
    paragraphs: int
    removed: int
    skipped: tuple[Skipped, ...]
    seconds: float
    peak_rss_mb: float


@dataclass(frozen=True, slots=True)
class IndexStats:
    path: str
    articles: int
    paragraphs: int
    files: int
    size_bytes: int
    segments: int
    updated: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: str
    title: str
    section: str | None
    date: datetime.date | None
    authors: tuple[str, ...]
    source: str
    paragraph: int  # index of the best paragraph in the article; -1 for the title
    text: str
    snippet: Snippet
    score: float
    matches: int  # matching paragraphs in the article
    paper: str | None = None
    page: str | None = None
    imported: str | None = None


@dataclass(frozen=True, slots=True)
class Snippet:
    """A window of one paragraph with the matched spans; renderers add the markup."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()  # [start, end) offsets into `text`
    cut_before: bool = False
    cut_after: bool = False


Counts = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts over every matching article, not just the page shown."""

    sections: Counts
    authors: Counts
    months: Counts  # ("YYYY-MM", n) in date order: the timeline
    # People, places, organisations mentioned: each name's aliases merged under its
    # group's first name (aliases.py), an article counted once per entry.
    persons: Counts = ()
    places: Counts = ()
    orgs: Counts = ()

    def named(self) -> tuple[tuple[str, Counts], ...]:
        """Each facet under its name in the API, the CLI and the page's links."""
        return (
            ("section", self.sections),
            ("author", self.authors),
            ("month", self.months),
            ("person", self.persons),
            ("place", self.places),
            ("org", self.orgs),
        )


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    total: int
    page: int
    page_size: int
    took_ms: float
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    facets: Facets | None = None


@dataclass(frozen=True, slots=True)
class DayCount:
    """Articles of one paper on one day: what /browse counts."""

    date: datetime.date
    paper: str  # `Article.issue_paper`
    articles: int
