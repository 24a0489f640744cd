"""The `baoku` command: a thin click layer over the engines (backends/), ingest and newsroom.

Errors are mapped once, in `BaokuGroup.invoke`: a `BaokuError` becomes one
line on stderr and its exit code (2 for usage and query errors, 1 for index
problems); no command catches errors itself.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from search.backends import backend_for
from search.config import Settings
from search.errors import BaokuError
from search.ingest.pages import PageMeta
from search.ingest.pipeline import import_paths
from search.ingest.preview import preview
from search.limits import PAGE, PAGE_SIZE
from search.models import IndexReport
from search.newsroom import browse, trends
from search.newsroom.citations import CITATION_FORMATS, CitationFormat, Reference, citation
from search.newsroom.hints import search_with_hints
from search.newsroom.related import related
from search.newsroom.trends import TREND_BY
from search.output import terminal
from search.output.results import (
    TREND_FIELDS,
    article_to_json,
    csv_lines,
    dates_to_json,
    issue_to_json,
    parsed_page_to_json,
    related_to_json,
    stats_to_json,
    to_json,
    trend_csv_rows,
    trend_to_json,
)
from search.query.aliases import alias_table
from search.query.explain import explain
from search.query.language import highlight_texts
from search.query.params import GROUPS, SORTS, date_param, search_request
from search.text import analysis
from search.text.analysed import analyse

# A broken export can have 100,000 bad lines; the first few say what is wrong
# with it, the rest would bury the other files' problems.
SKIPS_SHOWN_PER_FILE = 10


class _BaokuError(click.ClickException):
    """A `BaokuError` as click reports it: `Error: <message>` and the error's exit code."""

    def __init__(self, error: BaokuError) -> None:
        super().__init__(error.message)
        self.error = error

    @property  # click declares exit_code on the class; each BaokuError has its own
    def exit_code(self) -> int:  # type: ignore[override]
        return self.error.exit_code


def _remember(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """Keep a global option in the root context, given before or after the subcommand."""
    if value is not None and param.name:
        ctx.find_root().meta[f"baoku.{param.name}"] = value


def _global_options() -> list[click.Option]:
    """`--index` and `--user-dict`, accepted by the group and by every command: users type
    `baoku search 郑好融 --index DIR` as often as `baoku --index DIR search 郑好融`."""
    return [
        click.Option(
            ["--index", "index_dir"],
            type=click.Path(path_type=Path),
            expose_value=False,
            callback=_remember,
            help="Index directory (default: index/, or BAOKU_INDEX).",
        ),
        click.Option(
            ["--user-dict"],
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            expose_value=False,
            callback=_remember,
            help="Extra jieba words, one per line (ranking, snippets, and people, places "
            "and organisations when tagged nr/ns/nt; never recall).",
        ),
    ]


class BaokuGroup(click.Group):
    """Maps `BaokuError` to click's error once, and gives every command the global options."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BaokuError as exc:
            raise _BaokuError(exc) from None

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.extend(_global_options())
        super().add_command(cmd, name)


def _settings(ctx: click.Context, **flags: object) -> Settings:
    meta = ctx.find_root().meta
    given = {name: meta.get(f"baoku.{name}") for name in ("index_dir", "user_dict")}
    settings = Settings.load({**given, **flags})
    analysis.configure(settings.cache_dir, settings.user_dict)
    return settings


@click.group(cls=BaokuGroup, params=_global_options())
@click.version_option(package_name="baoku")
def cli() -> None:
    """baoku (报库): full-text search for Chinese newspaper archives."""


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--date", "page_date", help="Date (YYYY-MM-DD) for pages without front matter.")
@click.option("--paper", help="Paper name for pages without front matter.")
@click.option("--prune", is_flag=True, help="Also drop articles whose source file is gone.")
@click.option(
    "--workers", type=click.IntRange(1, 64), help="Analysis processes (default: cores, at most 2)."
)
@click.pass_context
def index_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    page_date: str | None,
    paper: str | None,
    prune: bool,
    workers: int | None,
) -> None:
    """Import pages (.txt/.md) and JSONL files or folders (default: seeds/).

    Unchanged files are skipped; a changed file's articles are replaced.
    Exit 1 when some files could not be read (they are listed; the rest is indexed).
    """
    settings = _settings(ctx, index_workers=workers)
    meta = PageMeta(date=date_param(page_date, "--date"), paper=paper)
    started = last = time.monotonic()
    with click.progressbar(
        length=1,
        label="indexing",
        file=sys.stderr,
        show_eta=True,
        item_show_func=lambda rate: rate,
    ) as bar:

        def progress(done: int, total: int, articles: int) -> None:
            """Bytes drive the bar and its ETA; redrawn at most 5 times a second (it
            hears every article)."""
            nonlocal last
            now = time.monotonic()
            if now - last < 0.2 and done < total:
                return
            last = now
            bar.length = max(total, 1)
            rate = articles / (now - started) if now > started else 0
            bar.update(done - bar.pos, f"{articles} articles, {rate:.0f}/s")

        backend = backend_for(settings)
        report = import_paths(
            backend.writer(), paths or (settings.seeds_dir,), meta, prune, progress
        )
    _print_report(report, backend.location)
    if report.skipped:
        ctx.exit(1)


def _print_report(report: IndexReport, location: str) -> None:
    rate = report.articles / report.seconds if report.seconds else 0
    click.echo(
        f"{report.files} files imported, {report.unchanged} unchanged; "
        f"{report.articles} articles, {report.paragraphs} paragraphs "
        f"({report.removed} old documents replaced or removed) in {report.seconds:.1f} s "
        f"({rate:.0f} articles/s, peak memory {report.peak_rss_mb:.0f} MB) -> {location}"
    )
    per_file: Counter[str] = Counter()
    for skipped in report.skipped:
        per_file[skipped.path] += 1
        if per_file[skipped.path] <= SKIPS_SHOWN_PER_FILE:
            click.echo(f"skipped {skipped}", err=True)
    for path, count in per_file.items():
        if count > SKIPS_SHOWN_PER_FILE:
            click.echo(
                f"skipped {path}: {count - SKIPS_SHOWN_PER_FILE} more problems not shown "
                f"({count} in all)",
                err=True,
            )


@cli.command("search")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON result (the API's shape).")
@click.option("--group", type=click.Choice(GROUPS), default=GROUPS[0], show_default=True)
@click.option("--sort", type=click.Choice(SORTS), default=SORTS[0], show_default=True)
@click.option(
    "--limit",
    type=click.IntRange(PAGE_SIZE.low, PAGE_SIZE.high),
    default=PAGE_SIZE.default,
    show_default=True,
    help="Hits per page.",
)
@click.option(
    "--page", type=click.IntRange(PAGE.low, PAGE.high), default=PAGE.default, show_default=True
)
@click.option("--from", "date_from", help="Only articles on or after this date (YYYY[-MM[-DD]]).")
@click.option("--since", help="The same as --from: published on or after this date.")
@click.option("--to", "date_to", help="Only articles on or before this date (YYYY[-MM[-DD]]).")
@click.option(
    "--imported-since",
    help="Only articles imported at or after this time (YYYY-MM-DD[THH:MM], local time "
    "unless a zone is given): what is new since a script last ran.",
)
@click.option("--person", help="Only articles that mention this person (a facet value).")
@click.option("--place", help="Only articles that mention this place (a facet value).")
@click.option("--org", help="Only articles that mention this organisation (a facet value).")
@click.option(
    "--facets",
    "with_facets",
    is_flag=True,
    help="Also count sections, authors, people, places and organisations over all hits.",
)
@click.option("--no-aliases", is_flag=True, help="Take each term literally: no 简称/全称.")
@click.option("--no-color", is_flag=True, help="Plain text even on a terminal.")
@click.pass_context
def search_command(
    ctx: click.Context,
    query: str,
    as_json: bool,
    group: str,
    sort: str,
    limit: int,
    page: int,
    date_from: str | None,
    since: str | None,
    date_to: str | None,
    imported_since: str | None,
    person: str | None,
    place: str | None,
    org: str | None,
    with_facets: bool,
    no_aliases: bool,
    no_color: bool,
) -> None:
    """Search the index. Syntax: terms (AND), "phrase", "a b"~N, OR, NOT/-x, ( ),
    title: author: section: date:2024-01..2024-03, person: place: org: (who appears with
    someone: `baoku search person:江泽民 --facets`)."""
    settings = _settings(ctx)
    archive = backend_for(settings).reader()
    params = {"q": query, "group": group, "sort": sort, "page": str(page), "size": str(limit)}
    if since and date_from:
        raise click.UsageError("give --from or --since, not both (they mean the same)")
    dates = {"from": date_from or since, "to": date_to, "imported_since": imported_since}
    named = {"person": person, "place": place, "org": org}
    request = search_request(
        {**params, **dates, **named, "aliases": "false" if no_aliases else None},
        with_facets,
        alias_table(settings.aliases_file),
    )
    result, hints = search_with_hints(archive, request)
    if as_json:
        click.echo(json.dumps(to_json(result, request, hints), ensure_ascii=False, indent=2))
    else:
        color = not no_color and sys.stdout.isatty()
        text = terminal.search_result(result, group, color, explain(request), hints)
        click.echo(text, color=color)


@cli.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--date", "page_date", help="Date (YYYY-MM-DD) for pages without front matter.")
@click.option("--paper", help="Paper name for pages without front matter.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: files, articles, notes, skipped."
)
@click.option("--no-color", is_flag=True, help="Plain text even on a terminal.")
def parse_command(
    paths: tuple[Path, ...], page_date: str | None, paper: str | None, as_json: bool, no_color: bool
) -> None:
    """Show how files would be imported, without importing them: each page's metadata,
    articles, paragraph kinds and the people, places and organisations they mention, and
    what was dropped as furniture or joined."""
    meta = PageMeta(date=date_param(page_date, "--date"), paper=paper)
    pages, skipped = preview(paths, meta)
    # Who and where each article names, as the import would store it.
    pages = [replace(p, articles=tuple(analyse(a).article for a in p.articles)) for p in pages]
    if as_json:
        data = {
            "files": [parsed_page_to_json(page) for page in pages],
            "skipped": [{"path": s.path, "line": s.line, "reason": s.reason} for s in skipped],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    color = not no_color and sys.stdout.isatty()
    for page in pages:
        click.echo(terminal.parsed_page(page, color) + "\n", color=color)
    for item in skipped:
        click.echo(f"skipped {item}", err=True)


@cli.command("article")
@click.argument("article_id")
@click.option("--q", "query", default="", help="Mark this query's matches in the text.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (GET /api/articles/<id>).")
@click.option(
    "--cite",
    type=click.Choice(CITATION_FORMATS),
    help="Print its citation instead (GB/T 7714, RIS or CSL-JSON), linking to public_url.",
)
@click.option("--no-color", is_flag=True, help="Plain text even on a terminal.")
@click.pass_context
def article_command(
    ctx: click.Context,
    article_id: str,
    query: str,
    as_json: bool,
    cite: CitationFormat | None,
    no_color: bool,
) -> None:
    """Print one article from the index, in full."""
    needles = highlight_texts(query)
    settings = _settings(ctx)
    article = backend_for(settings).reader().article(article_id)
    if cite:
        base = settings.public_url.rstrip("/")
        url = f"{base}/a/{quote(article.id)}" if base else ""
        click.echo(citation(Reference.of(article), cite, url), nl=False)
    elif as_json:
        click.echo(json.dumps(article_to_json(article, needles), ensure_ascii=False, indent=2))
    else:
        color = not no_color and sys.stdout.isatty()
        click.echo(terminal.article_text(article, needles, color), color=color)


@cli.command("browse")
@click.argument("period", required=False)
@click.option("--paper", help="Only this paper (or source, for JSONL exports without one).")
@click.option("--page", help="With a day: only this page (版), e.g. 3, A2 or a section.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (/api/dates, /api/issues).")
@click.pass_context
def browse_command(
    ctx: click.Context, period: str | None, paper: str | None, page: str | None, as_json: bool
) -> None:
    """The archive by date: no PERIOD, every paper's span and articles per year; YYYY or
    YYYY-MM, articles per month or day; YYYY-MM-DD, that day's pages and articles."""
    archive = backend_for(_settings(ctx)).reader()
    kind, first = browse.parse_period(period) if period else ("year", None)
    if kind == "day" and first is not None:
        issue = browse.read_issue(archive, first, paper)
        if page is not None:
            issue = browse.only_page(issue, page)
        if as_json:
            click.echo(json.dumps(issue_to_json(issue), ensure_ascii=False, indent=2))
        else:
            click.echo(terminal.issue_text(issue))
        return
    if page is not None:
        raise click.UsageError("--page needs a day (YYYY-MM-DD)")
    calendar = browse.of_paper(archive.calendar(), paper)
    days = [d for d in calendar if d.date.isoformat().startswith(period or "")]
    by: browse.Period = "year"  # the whole archive by year; a year by month; a month by day
    if period:
        by = "month" if kind == "year" else "day"
    if as_json:
        data = dates_to_json(days, browse.coverage(days), by, paper)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(terminal.coverage_text(browse.coverage(days), browse.period_counts(days, by)))


@cli.command("related")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (/api/articles/<id>/related).")
@click.option(
    "--by-date", is_flag=True, help="The same articles oldest first: the story over time."
)
@click.pass_context
def related_command(ctx: click.Context, article_id: str, as_json: bool, by_date: bool) -> None:
    """相关报道: the articles most like this one (more-like-this over its distinctive words)."""
    reader = backend_for(_settings(ctx)).reader()
    found = related(reader, reader.article(article_id))
    if as_json:
        click.echo(json.dumps(related_to_json(found), ensure_ascii=False, indent=2))
        return
    lines = [f"like [{found.article.id}] {found.article.title}: {' '.join(found.words)}"]
    for hit in found.over_time if by_date else found.similar:
        lines.append(f"  {hit.date or 'no date'}  [{hit.article_id}] {hit.title or '(untitled)'}")
    click.echo("\n".join(lines))


@cli.command("trend")
@click.argument("queries", nargs=-1, required=True)
@click.option("--by", type=click.Choice(TREND_BY), default="year", show_default=True)
@click.option("--from", "date_from", help="First period (YYYY[-MM]); default: the archive's first.")
@click.option("--to", "date_to", help="Last period (YYYY[-MM]); default: the archive's last.")
@click.option(
    "--csv", "as_csv", is_flag=True, help="CSV rows: query, period, articles, total, share."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (/api/trend).")
@click.pass_context
def trend_command(
    ctx: click.Context,
    queries: tuple[str, ...],
    by: str,
    date_from: str | None,
    date_to: str | None,
    as_csv: bool,
    as_json: bool,
) -> None:
    """Matching articles per year or month for up to 6 queries, with their share of all
    articles in each period (so a growing archive does not fake a trend)."""
    settings = _settings(ctx)
    archive = backend_for(settings).reader()
    asked = trends.trend_params(
        list(queries),
        {"by": by, "from": date_from, "to": date_to},
        alias_table(settings.aliases_file),
    )
    found = trends.trend(archive, *asked)
    if as_json:
        data = trend_to_json(found)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo(
            "".join(csv_lines(trend_csv_rows(found), TREND_FIELDS)).lstrip("\ufeff"), nl=False
        )
    else:
        click.echo(terminal.trend_text(found))


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats_command(ctx: click.Context, as_json: bool) -> None:
    """Articles, paragraphs, files, size and last update of the index."""
    data = stats_to_json(backend_for(_settings(ctx)).reader().stats())
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(f"{k}: {v}" for k, v in data.items()))


@cli.command("remove")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--id", "ids", multiple=True, help="An article id to remove (repeatable).")
@click.pass_context
def remove_command(ctx: click.Context, paths: tuple[Path, ...], ids: tuple[str, ...]) -> None:
    """Remove the articles of files or folders (as imported) and/or by id."""
    if not paths and not ids:
        raise click.UsageError("give files/folders to remove, or --id ID")
    removed = backend_for(_settings(ctx)).writer().remove(paths, ids)
    click.echo(f"removed {removed} articles")


@cli.command("optimize")
@click.pass_context
def optimize_command(ctx: click.Context) -> None:
    """Merge the index into one segment, dropping deleted documents.

    Imports already merge small segments as they go; this is for after a big
    import or many deletions, when every query would visit several segments.
    """
    s = backend_for(_settings(ctx)).writer().optimize()
    click.echo(
        f"{s.segments} segment, {s.articles} articles, {s.size_bytes / 1e6:.1f} MB -> {s.path}"
    )


@cli.command("serve")
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8000).")
@click.option(
    "--workers", type=click.IntRange(1, 64), help="gunicorn worker processes (default 2)."
)
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
@click.pass_context
def serve_command(
    ctx: click.Context, host: str | None, port: int | None, workers: int | None, dev: bool
) -> None:
    """Serve the search API over HTTP; with no index yet, build one from seeds/ first."""
    from search.web.serve import serve

    settings = _settings(ctx, host=host, port=port, workers=workers)
    backend = backend_for(settings)
    if not backend.exists():
        click.echo(f"no index yet: indexing {settings.seeds_dir} first", err=True)
        _print_report(import_paths(backend.writer(), [settings.seeds_dir]), backend.location)
    url = f"http://{settings.host}:{settings.port}/"
    click.echo(f"baoku: searching {backend.location}; open {url}", err=True)
    serve(settings, dev)


def main() -> None:
    cli(prog_name="baoku")
