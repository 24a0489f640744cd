"""The on-disk index: open or create, import files, remove, prune, stats.

Incremental by content: a manifest beside the Whoosh files maps each imported
file to its SHA-256, so an unchanged file is skipped; a changed page file has
all its articles replaced, a changed JSONL file only the articles of its new
and edited lines (a line table per file keeps the digest of each indexed
line), and the articles of its vanished lines are deleted. Ids are stable, so
an article indexed twice (from another file, or an edited one) replaces the
old copy instead of adding one.

Worker processes analyse articles and write segments of their own
(`segments.SegmentBuilder`, both cores busy, memory bounded per segment); the
parent deletes replaced documents, commits all new segments in one TOC and
merges small segments (`_merges`). Only one import runs at a time (an
flock on `baoku.lock`); readers never lock, Whoosh readers see the last commit.
"""

from __future__ import annotations

import datetime
import fcntl
import gc
import hashlib
import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And, Term
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from search import analysis
from search.config import Settings
from search.errors import IndexBusy, IndexMissing, IndexUnavailable
from search.ingest.files import JSONL_SUFFIXES, find_inputs, read_page, sha256_of
from search.ingest.jsonl import read_jsonl
from search.ingest.pages import PageFormatError, PageMeta, parse_page
from search.models import Article, IndexReport, IndexStats, Skipped
from search.schema import KIND_ARTICLE, KIND_PARAGRAPH, article_documents, build_schema, codec
from search.segments import SegmentBuilder, merge

MANIFEST = "baoku-files.json"
LOCK = "baoku.lock"
LINES_DIR = "baoku-lines"  # per JSONL file: what the last import indexed (`_known_lines`)
# A worker writes its segment when it holds this many tokens (~40 bytes each
# in memory): ~800 MB a worker, whatever the input size; 5 segments for the corpus.
SEGMENT_TOKENS = 24_000_000
MERGE_FACTOR = 8  # see `_merges`
MERGE_FLOOR_DOCS = 10_000  # ~1,300 articles: the tier of small imports
MERGE_MAX_DOCS = 200_000  # the most an import merges at once: ~330 MB of segment files

Progress = Callable[[int, int, int], None]  # (bytes done, bytes total, articles sent)


def index_exists(index_dir: Path) -> bool:
    """Whether an index was ever committed here; a damaged one exists too (open_index says how)."""
    try:
        return whoosh_index.exists_in(str(index_dir))
    except Exception:  # Whoosh parses the TOC to answer: a damaged one raises nearly anything
        return True


def open_index(index_dir: Path) -> whoosh_index.Index:
    """The existing index at `index_dir`, checked; a clear error naming the path otherwise.

    Whoosh parses the TOC on open but a segment only at the first search, and
    a truncated or damaged file then fails with whatever the unpickler or
    `struct` hit (TypeError, EOFError, UnpicklingError, struct.error, ...),
    which click would print as a traceback or a bare "Aborted!". So every
    segment's file table is read here too: it sits at the end of the file, so
    any truncation shows, and it costs well under a millisecond (a full
    reader would copy every posting file into memory).
    """
    try:
        if index_exists(index_dir):
            ix = whoosh_index.open_dir(str(index_dir))
            for segment in ix._segments():
                if segment.is_compound():
                    segment.open_compound_file(ix.storage).close()
            return ix
    except Exception as exc:  # a damaged file can raise nearly anything; all mean the same
        raise IndexUnavailable(
            f"the index at {index_dir} is damaged or unreadable "
            f"({type(exc).__name__}: {exc}); move it aside and run `baoku index` to rebuild it"
        ) from exc
    raise IndexMissing(f"no index at {index_dir}: run `baoku index` first")


def _open_or_create(index_dir: Path) -> whoosh_index.Index:
    try:
        return open_index(index_dir)
    except IndexMissing:
        pass  # the first import into this directory
    try:
        return FileStorage(str(index_dir)).create_index(build_schema())
    except OSError as exc:
        raise IndexUnavailable(f"cannot write the index at {index_dir}: {exc.strerror}") from exc


@contextmanager
def import_lock(index_dir: Path) -> Iterator[None]:
    """Hold the import lock; a second `baoku index` on the same dir is told, not queued.

    The lock is an flock, so a killed import (even `kill -9`) releases it.
    An OSError escaping the import is reported here, once, naming the index:
    Whoosh's writer fails with a bare OSError when the disk fills, mostly
    without a file name, and click would print it as a traceback.
    """
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexUnavailable(f"cannot write the index at {index_dir}: it is not a directory")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = (index_dir / LOCK).open("a")
    except OSError as exc:
        raise IndexUnavailable(f"cannot write the index at {index_dir}: {exc.strerror}") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusy(
                f"another `baoku index` is writing {index_dir}; try again later"
            ) from exc
        try:
            yield
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise IndexUnavailable(
                f"writing the index at {index_dir} failed: {where}{exc.strerror or exc}"
            ) from exc


def _load_manifest(index_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        return json.loads((index_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(target: Path, value: object) -> None:
    """Whole or not at all: a reader (or a killed import) never sees half a file."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    os.replace(tmp, target)


def _save_manifest(index_dir: Path, manifest: dict[str, dict[str, Any]]) -> None:
    _write_json(index_dir / MANIFEST, manifest)


def _init_worker(cache_dir: Path, user_dict: Path | None) -> None:
    analysis.configure(cache_dir, user_dict)
    analysis.segmenter()


@dataclass
class _Run:
    """What one import saw and decided, filled in while articles stream to the workers."""

    skipped: list[Skipped] = field(default_factory=list)
    articles_per_file: dict[str, int] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # article ids indexed or kept in this run
    lines: dict[str, dict[str, str]] = field(default_factory=dict)  # JSONL file -> digest -> id
    stale: list[tuple[str, str]] = field(default_factory=list)  # (file, id): line gone or changed
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
    files: list[Path], meta: PageMeta | None, run: _Run, known: dict[str, dict[str, str]]
) -> Iterator[Article]:
    """The articles to analyse: all of a changed page file, the new and changed lines
    of a JSONL file whose indexed lines are `known` (all lines when it has none)."""
    for path in files:
        key = str(path)
        run.articles_per_file[key] = 0
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_articles(path, run, known.get(key, {}))
            continue
        source = read_page(path)
        if isinstance(source, Skipped):
            run.skipped.append(source)
        else:
            try:
                for article in parse_page(source.text, key, meta):
                    if run.accept(key, article.id, None):
                        run.articles_per_file[key] += 1
                        yield article
            except PageFormatError as exc:
                run.skipped.append(Skipped(key, str(exc)))
        run.advance(path.stat().st_size)


def _jsonl_articles(path: Path, run: _Run, known: dict[str, str]) -> Iterator[Article]:
    key = str(path)
    lines: dict[str, str] = {}
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


def _lines_file(index_dir: Path, key: str) -> Path:
    name = hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()
    return index_dir / LINES_DIR / f"{name}.json"


def _known_lines(index_dir: Path, key: str, sha256: str | None) -> dict[str, str] | None:
    """What the last import indexed from this JSONL file (line digest -> article id).

    None unless the table describes the file version the manifest records
    (`sha256`): after a crash between the two writes, after `baoku remove`,
    or for an index built before the tables existed, the whole file is
    replaced instead, as pages always are.
    """
    try:
        table = json.loads(_lines_file(index_dir, key).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(table, dict) or sha256 is None or table.get("sha256") != sha256:
        return None
    lines = table.get("lines")
    return lines if table.get("path") == key and isinstance(lines, dict) else None


def _save_lines(
    index_dir: Path, manifest: dict[str, dict[str, Any]], tables: dict[str, dict[str, str]]
) -> None:
    """Write the line tables of the JSONL files this run recorded in the manifest and
    drop those of files no longer in it; before the manifest, which makes them valid."""
    folder = index_dir / LINES_DIR
    folder.mkdir(exist_ok=True)
    for key, lines in tables.items():
        table = {"path": key, "sha256": manifest[key]["sha256"], "lines": lines}
        _write_json(_lines_file(index_dir, key), table)
    wanted = {_lines_file(index_dir, key).name for key in manifest}
    for stale in folder.iterdir():
        if stale.name not in wanted:
            stale.unlink(missing_ok=True)


def import_paths(
    paths: Iterable[Path],
    settings: Settings,
    meta: PageMeta | None = None,
    prune: bool = False,
    progress: Progress | None = None,
) -> IndexReport:
    """Import pages and JSONL files into the index: changed articles only, never duplicates.

    A changed page file has all its articles replaced; a changed JSONL file
    only its new and changed lines, and the articles of lines that are gone
    are deleted. Deletions only touch the segments committed before (the
    writer's), so they can run while the workers build the new ones.
    """
    started = time.perf_counter()
    index_dir = settings.index_dir
    with import_lock(index_dir):
        ix = _open_or_create(index_dir)
        manifest = _load_manifest(index_dir)
        run = _Run()
        changed: list[Path] = []
        unchanged = 0
        hashes: dict[str, str] = {}
        for item in find_inputs(paths):
            if isinstance(item, Skipped):
                run.skipped.append(item)
                continue
            digest = sha256_of(item)
            if manifest.get(str(item), {}).get("sha256") == digest:
                unchanged += 1
            else:
                changed.append(item)
                hashes[str(item)] = digest
        gone = [p for p in manifest if prune and not Path(p).exists()]
        total_bytes = sum(p.stat().st_size for p in changed)
        articles = paragraphs = 0
        removed = 0
        if changed or gone:
            known: dict[str, dict[str, str]] = {}
            replaced = list(gone)
            for path in changed:
                key = str(path)
                lines = None
                if path.suffix.lower() in JSONL_SUFFIXES:
                    lines = _known_lines(index_dir, key, manifest.get(key, {}).get("sha256"))
                if lines is None:
                    replaced.append(key)
                else:
                    known[key] = lines
            writer = ix.writer(codec=codec())
            workers: _SegmentWorkers | None = None
            try:
                for key in replaced:
                    removed += writer.delete_by_term("origin", key)
                fresh_index = ix.doc_count_all() == 0
                workers = _SegmentWorkers(settings)
                for article in _articles(changed, meta, run, known):
                    if not fresh_index:
                        removed += writer.delete_by_term("article_id", article.id)
                    workers.add(article)
                    articles += 1
                    paragraphs += len(article.paragraphs)
                    if progress:
                        progress(run.bytes_done, total_bytes, articles)
                for key, article_id in run.stale:
                    if article_id not in run.seen:  # else the new copy's deletion took it
                        removed += writer.delete_by_query(
                            And([Term("origin", key), Term("article_id", article_id)])
                        )
                _commit_with(writer, workers.finish())
            except BaseException:
                if workers is not None:
                    workers.cancel()
                writer.cancel()
                raise
            for key in gone:
                manifest.pop(key, None)
            bad = {s.path for s in run.skipped if s.line is None}
            tables = {}
            for key, count in run.articles_per_file.items():
                if key not in bad:
                    manifest[key] = {"sha256": hashes[key], "articles": count}
                    if key in run.lines:
                        tables[key] = run.lines[key]
            _save_lines(index_dir, manifest, tables)
            _save_manifest(index_dir, manifest)
        if progress:
            progress(total_bytes, total_bytes, articles)
    return IndexReport(
        files=len(changed),
        unchanged=unchanged,
        articles=articles,
        paragraphs=paragraphs,
        removed=removed,
        skipped=tuple(run.skipped),
        seconds=time.perf_counter() - started,
        peak_rss_mb=_peak_rss_mb(),
    )


class _SegmentWorkers:
    """Worker processes that each analyse articles and write segments of their own.

    Analysis (jieba) and writing postings are both pure Python, so one process
    would leave the other core idle. Each worker builds its segments with a
    `SegmentBuilder`, takes no lock (the parent holds it) and hands back the
    segments it wrote; the parent commits them all in one TOC. Articles are
    batched whole, so a parent document and its units always land in the same
    segment, as groups must.
    """

    BATCH = 32

    def __init__(self, settings: Settings) -> None:
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(maxsize=4 * settings.index_workers)
        self.results = context.Queue()
        self.batch: list[Article] = []
        self.processes = [
            context.Process(
                target=_segment_worker,
                args=(settings, self.jobs, self.results),
                daemon=True,
            )
            for _ in range(settings.index_workers)
        ]
        for process in self.processes:
            process.start()

    def add(self, article: Article) -> None:
        self.batch.append(article)
        if len(self.batch) >= self.BATCH:
            self.jobs.put(self.batch)
            self.batch = []

    def finish(self) -> list[Any]:
        if self.batch:
            self.jobs.put(self.batch)
        for _ in self.processes:
            self.jobs.put(None)
        segments = []
        for _ in self.processes:
            status, value = self.results.get()
            if status == "error":
                self.cancel()
                raise IndexUnavailable(f"indexing failed in a worker: {value}")
            segments += value
        for process in self.processes:
            process.join()
        return segments

    def cancel(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
                process.join()


def _segment_worker(settings: Settings, jobs: Any, results: Any) -> None:
    """Analyse batches of articles into segments of about `SEGMENT_TOKENS` tokens each.

    The cyclic garbage collector is off: a worker allocates millions of small
    lists that live until the segment is written, none in a cycle, and the
    collections kept walking them again (14% of a worker's time).
    """
    gc.disable()
    try:
        _init_worker(settings.cache_dir, settings.user_dict)
        ix = whoosh_index.open_dir(str(settings.index_dir))
        written = []
        builder: SegmentBuilder | None = None
        while (batch := jobs.get()) is not None:
            builder = builder or SegmentBuilder(ix.storage, ix.schema, codec())
            for article in batch:
                for doc in article_documents(article):
                    builder.add(doc)
            if builder.tokens >= SEGMENT_TOKENS:
                written.append(builder.finish())
                builder = None
        if builder is not None:
            written.append(builder.finish())
        results.put(("ok", written))
    except BaseException as exc:  # reported to the parent, which stops the import
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def _commit_with(writer: SegmentWriter, new: list[Any]) -> None:
    """Commit the parent's deletions and the workers' segments in one TOC, merging
    what `_merges` says (the parent's own segment is empty)."""
    current = [s for s in writer.segments + new if s.doc_count()]
    while groups := _merges(current):
        for group in groups:
            merged = merge(writer.storage, writer.schema, codec(), group)
            current = [s for s in current if s not in group] + ([merged] if merged else [])
    writer._close_segment()
    writer._commit_toc(current)
    writer._finish()


def _merges(segments: list[Any]) -> list[list[Any]]:
    """The merge policy of imports: which segments to merge, in groups.

    Segments fall in two tiers by live documents: under `MERGE_FLOOR_DOCS`,
    and under half of `MERGE_MAX_DOCS`; a tier holding `MERGE_FACTOR`
    segments has its smallest merged, as many as fit in `MERGE_MAX_DOCS`. So
    many small imports never pile up segments (every query visits each), and
    a document is rewritten about once per tier, not at every import. Larger
    segments (what a worker writes for a big import) and merges beyond the
    cap are left to `baoku optimize`: a merge maps its source segments, so its
    memory grows with them, and an import's must stay bounded.
    """
    tiers: tuple[list[Any], list[Any]] = ([], [])
    for segment in segments:
        if segment.doc_count() < MERGE_FLOOR_DOCS:
            tiers[0].append(segment)
        elif segment.doc_count() < MERGE_MAX_DOCS // 2:
            tiers[1].append(segment)
    groups = []
    for tier in tiers:
        if len(tier) < MERGE_FACTOR:
            continue
        group: list[Any] = []
        for segment in sorted(tier, key=lambda s: s.doc_count()):
            if sum(s.doc_count() for s in group) + segment.doc_count() > MERGE_MAX_DOCS:
                break
            group.append(segment)
        groups.append(group)
    return groups


def optimize(settings: Settings) -> IndexStats:
    """Merge all segments into one, dropping deleted documents (`baoku optimize`)."""
    with import_lock(settings.index_dir):
        ix = open_index(settings.index_dir)
        segments = ix._segments()
        if len(segments) < 2 and not any(s.has_deletions() for s in segments):
            return stats(settings)
        writer = ix.writer(codec=codec())
        try:
            merged = merge(writer.storage, writer.schema, codec(), writer.segments)
        except BaseException:
            writer.cancel()
            raise
        writer._close_segment()
        writer._commit_toc([merged] if merged else [])
        writer._finish()
    return stats(settings)


def _peak_rss_mb() -> float:
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


def remove(settings: Settings, paths: Iterable[Path] = (), ids: Iterable[str] = ()) -> int:
    """Drop the articles of the given files (or folders) and/or ids; returns articles removed."""
    index_dir = settings.index_dir
    with import_lock(index_dir):
        ix = open_index(index_dir)
        manifest = _load_manifest(index_dir)
        targets = []
        for path in paths:
            resolved = str(path.resolve())
            targets += [k for k in manifest if k == resolved or k.startswith(resolved + os.sep)]
        terms = [("origin", key) for key in targets] + [("article_id", i) for i in ids]
        writer = ix.writer(codec=codec())
        try:
            with writer.searcher() as searcher:
                articles = {
                    docnum
                    for field, value in terms
                    for docnum in searcher.document_numbers(**{field: value, "kind": KIND_ARTICLE})
                }
            for field, value in terms:
                writer.delete_by_term(field, value)
            _commit_with(writer, [])  # our merge policy; Whoosh's own would re-add documents
        except BaseException:
            writer.cancel()
            raise
        for key in targets:
            manifest.pop(key, None)
        _save_manifest(index_dir, manifest)
        return len(articles)


def count_kind(searcher: Searcher, kind: str) -> int:
    """Live documents of one kind (doc_frequency would count deleted ones too)."""
    return sum(1 for _ in Term("kind", kind).docs(searcher))


def stats(settings: Settings) -> IndexStats:
    """What `baoku stats` and /api/health report.

    A running import creates and deletes segment files all the time, so a file
    listed a moment ago can be gone when it is measured (a probe polling during
    an import hit that about once in 5,000 calls, a 500 on /api/health); such a
    file is simply not counted.
    """
    index_dir = settings.index_dir
    ix = open_index(index_dir)
    files: dict[str, os.stat_result] = {}
    with os.scandir(index_dir) as entries:
        for entry in entries:
            with suppress(FileNotFoundError):
                if entry.is_file():
                    files[entry.name] = entry.stat()
    with ix.searcher() as searcher:
        articles = count_kind(searcher, KIND_ARTICLE)
        paragraphs = count_kind(searcher, KIND_PARAGRAPH)
    latest = max((f.st_mtime for name, f in files.items() if name.endswith(".toc")), default=None)
    return IndexStats(
        path=str(index_dir),
        articles=articles,
        paragraphs=paragraphs,
        files=len(_load_manifest(index_dir)),
        size_bytes=sum(f.st_size for f in files.values()),
        segments=len(ix._segments()),
        updated=datetime.datetime.fromtimestamp(latest) if latest else None,
    )
