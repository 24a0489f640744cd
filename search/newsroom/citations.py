"""An article as a citation: GB/T 7714-2015 text, RIS and CSL-JSON.

What a journalist or researcher pastes into a manuscript or loads into
Zotero/EndNote. Only what the archive knows is written: a missing author,
paper, date or page is left out, never guessed (a page file without a header
has no date; a JSONL record may have no authors).

GB/T 7714-2015 (报纸, 4.4): `主要责任者. 题名[N]. 报纸名, 出版日期(版次).`,
at most three authors then `, 等`. RIS: `TY  - NEWS`. CSL-JSON: type
`article-newspaper`, names as `literal` (a Chinese name has no given/family
split a citation style could use).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from search.models import Article, Hit

CitationFormat = Literal["gbt7714", "ris", "csl"]
CITATION_FORMATS: tuple[CitationFormat, ...] = ("gbt7714", "ris", "csl")
MEDIA_TYPES = {
    "gbt7714": "text/plain; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "csl": "application/vnd.citationstyles.csl+json; charset=utf-8",
}
SUFFIXES = {"gbt7714": "txt", "ris": "ris", "csl": "json"}
GBT_AUTHORS = 3  # GB/T 7714: the first three, then 等


@dataclass(frozen=True, slots=True)
class Reference:
    """What a citation names, from an article or from a hit (a result set's export)."""

    id: str
    title: str
    authors: tuple[str, ...]
    date: datetime.date | None
    paper: str | None
    page: str | None
    section: str | None

    @classmethod
    def of(cls, item: Article | Hit) -> Reference:
        item_id = item.id if isinstance(item, Article) else item.article_id
        return cls(
            item_id, item.title, item.authors, item.date, item.paper, item.page, item.section
        )


def gbt7714(article: Reference) -> str:
    """`张立, 杨宜楠. 新郑市：建园区引增量扩存量强工业[N]. 郑州日报, 2024-12-31(3).`"""
    head = ""
    if article.authors:
        names = ", ".join(article.authors[:GBT_AUTHORS])
        head = names + (", 等" if len(article.authors) > GBT_AUTHORS else "") + ". "
    where = ", ".join(
        part for part in (article.paper, article.date.isoformat() if article.date else None) if part
    )
    if article.page:
        where += f"({article.page})"
    return f"{head}{article.title or '（无题）'}[N]." + (f" {where}." if where else "")


def ris(article: Reference, url: str) -> str:
    """One RIS record, CRLF line ends."""
    lines = [("TY", "NEWS")]
    lines += [("AU", name) for name in article.authors]
    lines.append(("TI", article.title))
    if article.paper:
        lines.append(("T2", article.paper))
    if article.date:
        lines += [("PY", str(article.date.year)), ("DA", article.date.strftime("%Y/%m/%d"))]
    if article.page:
        lines.append(("SP", article.page))
    if article.section:
        lines.append(("SE", article.section))
    if url:
        lines.append(("UR", url))
    lines += [("ID", article.id), ("ER", "")]
    # RIS is line-based: a newline inside a value would start a bogus tag.
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def csl(article: Reference, url: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": article.id, "type": "article-newspaper", "title": article.title}
    if article.authors:
        item["author"] = [{"literal": name} for name in article.authors]
    if article.paper:
        item["container-title"] = article.paper
    if article.date:
        item["issued"] = {"date-parts": [[article.date.year, article.date.month, article.date.day]]}
    if article.page:
        item["page"] = article.page
    if article.section:
        item["section"] = article.section
    if url:
        item["URL"] = url
    return item


def citation_lines(kind: CitationFormat, items: Iterable[tuple[Reference, str]]) -> Iterator[str]:
    """(reference, permalink) pairs as one download, streamed: GB/T 7714 one per line,
    RIS records, or one CSL-JSON array."""
    if kind == "csl":
        yield "["
        for n, (ref, url) in enumerate(items):
            yield ("," if n else "") + "\n" + json.dumps(csl(ref, url), ensure_ascii=False)
        yield "\n]\n"
        return
    for ref, url in items:
        yield gbt7714(ref) + "\n" if kind == "gbt7714" else ris(ref, url)


def citation(ref: Reference, kind: CitationFormat, url: str) -> str:
    """One article in one format, as a download's body."""
    return "".join(citation_lines(kind, [(ref, url)]))
