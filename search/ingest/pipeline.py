"""The import pipeline, the same for every engine: files -> the articles that changed -> a `Batch`.

Incremental by content: the engine's `Store` keeps a manifest mapping each
imported file to its SHA-256, so an unchanged file is skipped unread; a
changed page file has all its articles replaced, a changed JSONL file only
the articles of its new and edited lines (a line table per file keeps the
digest of each indexed line), and the articles of its vanished lines are
deleted. Ids are stable, so an article indexed twice (from another file, or
an edited one) replaces the old copy instead of adding one. Everything goes
to the engine in one `Batch`, committed at once; the manifest and line tables
are saved after the commit, so a killed import is simply run again.
"""

from __future__ import annotations

import datetime
import resource
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

from search.backends.base import ArchiveWriter, Batch, LineTable, Manifest, Progress, Store
from search.ingest.files import JSONL_SUFFIXES, sha256_of
from search.ingest.formats import find_inputs, read_document
from search.ingest.jsonl import read_jsonl
from search.ingest.jumps import JumpPart, join_jumps, jump_parts, linked_files
from search.ingest.pages import PageMeta
from search.models import Article, IndexReport, Skipped, imported_stamp


@dataclass
class _Run:
    """What one import saw and decided, filled in while articles stream to the engine."""

    skipped: list[Skipped] = field(default_factory=list)
    articles_per_file: dict[str, int] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # article ids indexed or kept in this run
    lines: dict[str, LineTable] = field(default_factory=dict)  # JSONL file -> digest -> id
    stale: list[tuple[str, str]] = field(default_factory=list)  # (file, id): line gone or changed
    jumps: dict[str, list[JumpPart]] = field(default_factory=dict)  # page file -> its parts
    joined: dict[str, list[Article]] = field(default_factory=dict)  # page files in a jump
    bytes_done: int = 0

    def advance(self, size: int) -> None:
        self.bytes_done += size

    def accept(self, origin: str, article_id: str, number: int | None) -> bool:
        """False (and reported) for an id already indexed or kept in this run."""
        if article_id in self.seen:
            self.skipped.append(Skipped(origin, f"duplicate article id {article_id}", number))
            return False
        self.seen.add(article_id)
        return True


def _articles(
    files: Sequence[Path], meta: PageMeta | None, run: _Run, known: dict[str, LineTable]
) -> Iterator[Article]:
    """The articles to analyse: all of a changed page file, the new and changed lines
    of a JSONL file whose indexed lines are `known` (all lines when it has none)."""
    for path in files:
        key = str(path)
        run.articles_per_file[key] = 0
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_articles(path, run, known.get(key, {}))
            continue
        page = run.joined[key] if key in run.joined else _page_articles(path, meta, run.skipped)
        for article in page or ():
            if run.accept(key, article.id, None):
                run.articles_per_file[key] += 1
                yield article
        run.advance(path.stat().st_size)


def _page_articles(
    path: Path, meta: PageMeta | None, skipped: list[Skipped]
) -> list[Article] | None:
    """A page file's articles (any format but JSONL), or None (reported in `skipped`)
    when it cannot be read."""
    page = read_document(path, meta)
    if isinstance(page, Skipped):
        skipped.append(page)
        return None
    return list(page.articles)


def _with_jump_partners(
    changed: list[Path], gone: list[str], manifest: Manifest, meta: PageMeta | None, run: _Run
) -> list[Path]:
    """`changed` plus the unchanged page files whose jumps pair with a changed or gone
    file's (before or after the change), so both parts are imported again together;
    the articles of every page file in a jump are read here, joined, into `run.joined`.

    Every changed page is parsed here for its jump parts, and the articles of pages
    without any are dropped at once and parsed again when they are imported (about
    2 ms a page): holding every page of a large import until then would cost far
    more memory than the second read costs time."""
    recorded = {
        key: [JumpPart.from_json(part) for part in entry.get("jumps", ())]
        for key, entry in manifest.items()
    }
    parsed: dict[str, list[Article]] = {}  # page files with jump parts: their articles

    def read_parts(path: Path) -> None:
        articles = _page_articles(path, meta, [])  # a bad page is reported when imported
        if articles is not None:
            run.jumps[str(path)] = jump_parts(articles)
            if run.jumps[str(path)]:
                parsed[str(path)] = articles

    for path in changed:
        if path.suffix.lower() not in JSONL_SUFFIXES:
            read_parts(path)
    changed_keys = {str(p) for p in changed}
    starts = {k for k, parts in run.jumps.items() if parts} | set(gone)
    starts |= {k for k in changed_keys if recorded.get(k)}
    everything = {**recorded, **{k: recorded.get(k, []) + parts for k, parts in run.jumps.items()}}
    extra = [
        Path(key)
        for key in sorted(linked_files(everything, starts) - changed_keys - set(gone))
        if Path(key).is_file()
    ]
    for path in extra:
        read_parts(path)
    run.joined = join_jumps(parsed)
    return changed + extra


def _jsonl_articles(path: Path, run: _Run, known: LineTable) -> Iterator[Article]:
    key = str(path)
    lines: LineTable = {}
    for line in read_jsonl(path, run.advance, known):
        if isinstance(line, Skipped):
            run.skipped.append(line)
            continue
        if isinstance(line.item, Skipped):
            run.skipped.append(line.item)
            continue
        article_id = known[line.digest] if line.item is None else line.item.id
        if run.accept(key, article_id, line.number):
            lines[line.digest] = article_id
            if line.item is not None:
                yield line.item
    run.lines[key] = lines
    run.articles_per_file[key] = len(lines)
    run.stale += [(key, i) for digest, i in known.items() if digest not in lines]


def import_into(
    store: Store,
    paths: Iterable[Path],
    meta: PageMeta | None = None,
    prune: bool = False,
    progress: Progress | None = None,
) -> IndexReport:
    """Import pages and JSONL files through `store`: changed articles only, never duplicates.

    Under the store's lock: plan which files to read, say how each changed file's
    old articles go, send the changes in one batch, then record what was imported.
    """
    started = time.perf_counter()
    with store.lock():
        manifest = store.manifest()
        run = _Run()
        plan = _plan(manifest, paths, meta, prune, run)
        counts = _Counts()
        if plan.changed or plan.gone:
            replaced, known = _replacements(store, manifest, plan)
            counts = _write(store.batch(), plan, replaced, known, meta, run, progress)
            store.save(*_recorded(manifest, run, plan.hashes, plan.gone))
        if progress:
            progress(plan.total_bytes, plan.total_bytes, counts.articles)
    return IndexReport(
        files=len(plan.changed),
        unchanged=plan.unchanged,
        articles=counts.articles,
        paragraphs=counts.paragraphs,
        removed=counts.removed,
        skipped=tuple(run.skipped),
        seconds=time.perf_counter() - started,
        peak_rss_mb=peak_rss_mb(),
    )


@dataclass(frozen=True)
class _Plan:
    """The files one import reads and drops, decided before anything is read."""

    changed: tuple[Path, ...]  # new or edited files, and the jump partners read with them
    gone: tuple[str, ...]  # recorded files no longer on disk (only with prune)
    hashes: dict[str, str]  # each changed file's SHA-256, recorded once it is imported
    unchanged: int  # inputs skipped unread
    total_bytes: int  # the size of `changed`, what progress counts towards


def _plan(
    manifest: Manifest, paths: Iterable[Path], meta: PageMeta | None, prune: bool, run: _Run
) -> _Plan:
    """Which files to read: a file whose SHA-256 the manifest has is skipped unread, so
    importing a folder again costs a hash per file; a recorded file that is gone is
    dropped only with `prune` (an import of one folder must not empty the rest); and
    the unchanged page files a changed or gone file's jumps pair with are read again
    with it, so a story continued on another page is joined again."""
    changed: list[Path] = []
    unchanged = 0
    inputs: set[str] = set()
    hashes: dict[str, str] = {}
    for item in find_inputs(paths):
        if isinstance(item, Skipped):
            run.skipped.append(item)
            continue
        digest = sha256_of(item)
        inputs.add(str(item))
        if manifest.get(str(item), {}).get("sha256") == digest:
            unchanged += 1
        else:
            changed.append(item)
            hashes[str(item)] = digest
    gone = [p for p in manifest if prune and not Path(p).exists()]
    if changed or gone:
        again = _with_jump_partners(changed, gone, manifest, meta, run)
        for path in again[len(changed) :]:
            hashes[str(path)] = sha256_of(path)
            unchanged -= str(path) in inputs
        changed = again
    total_bytes = sum(p.stat().st_size for p in changed)
    return _Plan(tuple(changed), tuple(gone), hashes, unchanged, total_bytes)


def _replacements(
    store: Store, manifest: Manifest, plan: _Plan
) -> tuple[list[str], dict[str, LineTable]]:
    """The files whose old articles are all deleted (gone files, page files, JSONL files
    the store keeps no line table for), and the line tables of the JSONL files updated
    line by line: one edited line of a large export re-imports that line only."""
    replaced = list(plan.gone)
    known: dict[str, LineTable] = {}
    for path in plan.changed:
        key = str(path)
        lines = None
        if path.suffix.lower() in JSONL_SUFFIXES:
            lines = store.known_lines(key, manifest.get(key, {}).get("sha256"))
        if lines is None:
            replaced.append(key)
        else:
            known[key] = lines
    return replaced, known


@dataclass
class _Counts:
    """What one import's batch added and removed, for the report."""

    articles: int = 0
    paragraphs: int = 0
    removed: int = 0


def _write(
    batch: Batch,
    plan: _Plan,
    replaced: list[str],
    known: dict[str, LineTable],
    meta: PageMeta | None,
    run: _Run,
    progress: Progress | None,
) -> _Counts:
    """Read the changed files and send their articles to the engine in `batch`, committed
    at once or cancelled, so a failed or killed import leaves the archive as it was.

    Deletions of replaced files' articles go first, then each article deletes
    its old copy (unless the archive was empty) and is added; the articles of
    vanished JSONL lines are deleted last, unless their id came back.
    """
    counts = _Counts()
    try:
        for key in replaced:
            counts.removed += batch.delete_origin(key)
        stamp = imported_stamp(datetime.datetime.now(datetime.UTC))
        for found in _articles(plan.changed, meta, run, known):
            article = replace(found, imported=stamp)
            if not batch.fresh:
                counts.removed += batch.delete_article(article.id)
            batch.add(article)
            counts.articles += 1
            counts.paragraphs += len(article.paragraphs)
            if progress:
                progress(run.bytes_done, plan.total_bytes, counts.articles)
        for key, article_id in run.stale:
            if article_id not in run.seen:  # else the new copy's deletion took it
                counts.removed += batch.delete_article(article_id, origin=key)
        counts.removed += batch.commit()
    except BaseException:
        batch.cancel()
        raise
    return counts


def import_paths(
    writer: ArchiveWriter,
    paths: Iterable[Path],
    meta: PageMeta | None = None,
    prune: bool = False,
    progress: Progress | None = None,
) -> IndexReport:
    """Import pages and JSONL files into the archive `writer` changes (any engine): the
    pipeline sits above the engines, which only store what it sends them."""
    return import_into(writer.store(), paths, meta, prune, progress)


def _recorded(
    manifest: Manifest, run: _Run, hashes: dict[str, str], gone: Sequence[str]
) -> tuple[Manifest, dict[str, LineTable]]:
    """The manifest after this run, and the line tables of its JSONL files: a file that
    could not be read is not recorded, so the next import tries it again."""
    for key in gone:
        manifest.pop(key, None)
    bad = {s.path for s in run.skipped if s.line is None}
    tables = {}
    for key, count in run.articles_per_file.items():
        if key not in bad:
            manifest[key] = {"sha256": hashes[key], "articles": count}
            if run.jumps.get(key):
                manifest[key]["jumps"] = [part.to_json() for part in run.jumps[key]]
            if key in run.lines:
                tables[key] = run.lines[key]
    return manifest, tables


def peak_rss_mb() -> float:
    """The largest process's peak: this one, or the largest worker (all reaped by now).

    This process's own peak is read from /proc (VmHWM) where there is one:
    Linux carries ru_maxrss across exec, so `baoku index` started by a large
    process (a benchmark holding a 2 GB index open) reported that process's peak.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with suppress(OSError, StopIteration, ValueError):
        with open("/proc/self/status") as status:
            own = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024
