"""What `baoku` prints on a terminal: hits, an article, a parsed page.

Matches are bold red and headings bold when stdout is a terminal, plain text
otherwise (a pipe, a file, `--no-color`); `--json` output never comes here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click

from search.ingest.pages import ParsedPage
from search.models import ENTITY_KINDS, Article, Facets, Hit, SearchResult, Snippet
from search.newsroom.browse import Issue, PaperCoverage, page_label, weekday
from search.newsroom.hints import NO_HINTS, Hints
from search.newsroom.trends import Trend
from search.text.snippets import mark_all, render

Style = Callable[[str], str]


def _styles(color: bool) -> tuple[Style, Style]:
    """(bold, marked) for this output."""
    if not color:
        return str, str
    return (lambda s: click.style(s, bold=True)), (lambda s: click.style(s, fg="red", bold=True))


def search_result(
    result: SearchResult, group: str, color: bool, explanation: str = "", hints: Hints = NO_HINTS
) -> str:
    unit = "articles" if group == "article" else "paragraphs"
    first = (result.page - 1) * result.page_size
    lines = [f"{result.total} {unit} for {result.query} ({result.took_ms:.1f} ms)"]
    if explanation:
        lines.append(explanation)
    lines += hints.not_found
    if hints.suggestions:
        offered = (f"{s.query}（{s.articles} 篇）" for s in hints.suggestions)
        lines.append("你是不是要找：" + " · ".join(offered))
    for rank, hit in enumerate(result.hits, first + 1):
        lines += ["", _hit(rank, hit, color)]
    shown = first + len(result.hits)
    if shown < result.total:
        lines += ["", f"showing {first + 1}-{shown}; next: --page {result.page + 1}"]
    if result.facets is not None:
        lines += ["", *facet_lines(result.facets)]
    return "\n".join(lines)


def facet_lines(facets: Facets) -> list[str]:
    """One line per facet with values: `person: 江泽民 186 · 李鹏 35 …` (articles each)."""
    return [
        f"{name}: " + " · ".join(f"{value} {count}" for value, count in counts)
        for name, counts in facets.named()
        if counts and name != "month"  # the timeline: every month, too long for a line
    ]


def _hit(rank: int, hit: Hit, color: bool) -> str:
    bold, _ = _styles(color)
    meta = [
        hit.date.isoformat() if hit.date else "no date",
        hit.section or "",
        "、".join(hit.authors),
    ]
    where = "title" if hit.paragraph < 0 else f"¶{hit.paragraph + 1}"
    meta.append(f"{hit.matches} 段命中, best {where}")
    return (
        f"{rank}. {bold(hit.title or '(untitled)')}  [{hit.article_id}]\n"
        f"   {' · '.join(m for m in meta if m)}\n"
        f"   {snippet(hit.snippet, color)}"
    )


def snippet(piece: Snippet, color: bool) -> str:
    """The snippet with its matches in bold red on a terminal, plain otherwise."""
    return render(piece, str, _styles(color)[1])


def where_printed(article: Article) -> str:
    """`人民日报 2024-12-31 第3版 要闻`: what is known of where the article was printed."""
    page = f"第{article.page}版" if article.page else ""
    parts = [
        article.paper,
        article.date.isoformat() if article.date else None,
        page,
        article.page_name,
    ]
    return " ".join(p for p in parts if p)


def jump_lines(article: Article) -> list[str]:
    """Where the story goes on, or comes from, in words (the article view says the same)."""
    if article.continued_on and article.continuation_at is None:
        return [f"（下转第{article.continued_on}版，续篇未导入）"]
    if article.continued_from:
        return [f"（上接第{article.continued_from}版，前篇未导入）"]
    return []


def article_text(article: Article, needles: Sequence[str], color: bool) -> str:
    """One article in full: kicker, title, subtitle, where and who, then every paragraph
    (subheads bold, captions marked 图), the matches of `needles` marked."""
    bold, _ = _styles(color)

    def marked(text: str) -> str:
        return snippet(mark_all(text, needles), color)

    lines = [marked(article.kicker)] if article.kicker else []
    lines.append(f"{bold(marked(article.title or '(untitled)'))}  [{article.id}]")
    if article.subtitle:
        lines.append("——" + marked(article.subtitle))
    about = [
        where_printed(article),
        article.section or "",
        "、".join(article.authors),
        "摄影 " + "、".join(article.photographers) if article.photographers else "",
        f"OCR 识别（置信度 {article.ocr:.0%}）" if article.ocr is not None else "",
        article.source,
    ]
    lines += [" · ".join(a for a in about if a), ""]
    for number, paragraph in enumerate(article.paragraphs):
        if number == article.continuation_at:
            lines += [f"（以下接第{article.continued_on}版）", ""]
        text = marked(paragraph.text)
        if paragraph.kind == "subhead":
            text = bold(text)
        elif paragraph.kind == "caption":
            text = f"[图] {text}"
        lines += [text, ""]
    return "\n".join(lines + jump_lines(article)).rstrip()


def parsed_page(page: ParsedPage, color: bool) -> str:
    """How a page was read: its metadata and where it came from, each article with its
    paragraphs' kinds, and every line dropped, joined or used as a byline."""
    bold, _ = _styles(color)
    meta = [f"{name} {value} ({page.meta_from[name]})" for name, value in _meta(page) if value]
    lines = [
        f"{bold(page.path)}  ({page.format})",
        "  " + (" · ".join(meta) or "no date, paper or page"),
    ]
    for note in page.notes:
        where = f"line {note.line}" if note.line else ""
        text = f" | {note.text[:60]}" if note.text else ""
        lines.append(f"  {where:>9}  {note.kind:<8} {note.detail}{text}")
    for article in page.articles:
        lines += ["", f"  [{article.id}] {bold(article.title or '(untitled)')}"]
        about = [
            f"引题 {article.kicker}" if article.kicker else "",
            f"副题 {article.subtitle}" if article.subtitle else "",
            f"section {article.section}" if article.section else "",
            f"authors {'、'.join(article.authors)}" if article.authors else "",
            f"photographers {'、'.join(article.photographers)}" if article.photographers else "",
            f"OCR, mean confidence {article.ocr:.2f}" if article.ocr is not None else "",
            f"dateline {article.dateline}" if article.dateline else "",
            *jump_lines(article),
        ]
        if article.continuation_at is not None:
            about.append(
                f"joined: ¶{article.continuation_at + 1}- from page {article.continued_on}"
            )
        lines += [f"      {a}" for a in about if a]
        for kind in ENTITY_KINDS:
            named = [
                m.name + (f"×{m.count}" if m.count > 1 else "")
                for m in article.mentions
                if m.kind == kind
            ]
            if named:
                lines.append(f"      {kind} {'、'.join(named)}")
        for number, paragraph in enumerate(article.paragraphs, 1):
            text = paragraph.text if len(paragraph.text) <= 60 else paragraph.text[:59] + "…"
            lines.append(f"      ¶{number:<3} {paragraph.kind:<8} {text}")
    return "\n".join(lines)


def _meta(page: ParsedPage) -> list[tuple[str, object]]:
    meta = page.meta
    return [
        ("date", meta.date),
        ("paper", meta.paper),
        ("page", meta.page),
        ("page_name", meta.page_name),
    ]


def coverage_text(papers: Sequence[PaperCoverage], counts: Sequence[tuple[str, int]]) -> str:
    """`baoku browse [YYYY[-MM]]`: each paper's span, then articles per period."""
    if not papers:
        return "no dated articles"
    lines = [
        f"{p.paper}  {p.first} – {p.last}  {p.days:,} days  {p.articles:,} articles" for p in papers
    ]
    width = max(len(str(n)) for _, n in counts)
    return "\n".join(lines + [""] + [f"{period}  {n:>{width}}" for period, n in counts])


def issue_text(issue: Issue) -> str:
    """`baoku browse YYYY-MM-DD`: each paper's pages in order, each page's articles."""
    lines = [f"{issue.date.isoformat()} {weekday(issue.date)}"]
    for paper in issue.papers:
        lines += ["", paper]
        for page in (p for p in issue.pages if p.paper == paper):
            name = f" {page.page_name}" if page.page_name else ""
            lines.append(f"  {page_label(page.page)}{name}  ({len(page.articles)})")
            lines += [f"    [{a.id}] {a.title or '(untitled)'}" for a in page.articles]
    if not issue.pages:
        lines.append("no articles on this day")
    around = [
        f"previous: {issue.previous_day}" if issue.previous_day else "",
        f"next: {issue.next_day}" if issue.next_day else "",
    ]
    return "\n".join(lines + ["", "  ".join(a for a in around if a)]).rstrip()


def trend_text(found: Trend) -> str:
    """`baoku trend`: a row per period, each query's articles and share of the period."""
    head = ["period", "all", *(s.query for s in found.series)]
    rows = [
        [period, str(found.series[0].points[n].total)]
        + [f"{s.points[n].articles} ({s.points[n].share:.2%})" for s in found.series]
        for n, period in enumerate(found.periods)
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]
    )
