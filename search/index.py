"""The on-disk index: open or create, import files, remove, prune, stats.

Incremental by content: a manifest beside the Whoosh files maps each imported
file to its SHA-256, so an unchanged file is skipped and a changed one has
all its articles replaced. Ids are stable, so an article indexed twice (from
another file, or an edited one) replaces the old copy instead of adding one.

Each worker process analyses and writes its own segment (both cores busy);
only one import runs at a time (an flock on `baoku.lock`); readers never
lock, Whoosh readers see the last commit.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term
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

MANIFEST = "baoku-files.json"
LOCK = "baoku.lock"
WRITER_LIMIT_MB = 256

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


def index_exists(index_dir: Path) -> bool:
    return whoosh_index.exists_in(str(index_dir))


def open_index(index_dir: Path) -> whoosh_index.Index:
    """The existing index at `index_dir`; a clear error naming the path otherwise."""
    if not index_exists(index_dir):
        raise IndexMissing(f"no index at {index_dir}: run `baoku index` first")
    try:
        return whoosh_index.open_dir(str(index_dir))
    except (OSError, ValueError, EOFError, whoosh_index.IndexError) as exc:
        raise IndexUnavailable(f"cannot open the index at {index_dir}: {exc}") from exc


def _open_or_create(index_dir: Path) -> whoosh_index.Index:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        if index_exists(index_dir):
            return open_index(index_dir)
        return FileStorage(str(index_dir)).create_index(build_schema())
    except OSError as exc:
        raise IndexUnavailable(f"cannot write the index at {index_dir}: {exc.strerror}") from exc


@contextmanager
def import_lock(index_dir: Path) -> Iterator[None]:
    """Hold the import lock; a second `baoku index` on the same dir is told, not queued."""
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
        yield


def _load_manifest(index_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        return json.loads((index_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _save_manifest(index_dir: Path, manifest: dict[str, dict[str, Any]]) -> None:
    tmp = index_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=0), "utf-8")
    os.replace(tmp, index_dir / MANIFEST)


def _init_worker(cache_dir: Path, user_dict: Path | None) -> None:
    analysis.configure(cache_dir, user_dict)
    analysis.segmenter()


@dataclass
class _Run:
    """What one import saw, filled in while articles stream through the workers."""

    skipped: list[Skipped]
    articles_per_file: dict[str, int]
    bytes_done: int = 0

    def advance(self, size: int) -> None:
        self.bytes_done += size


def _articles(files: list[Path], meta: PageMeta | None, run: _Run) -> Iterator[Article]:
    for path in files:
        key = str(path)
        run.articles_per_file[key] = 0
        if path.suffix.lower() in JSONL_SUFFIXES:
            for item in read_jsonl(path, run.advance):
                if isinstance(item, Skipped):
                    run.skipped.append(item)
                else:
                    yield item
            continue
        source = read_page(path)
        if isinstance(source, Skipped):
            run.skipped.append(source)
        else:
            try:
                yield from parse_page(source.text, key, meta)
            except PageFormatError as exc:
                run.skipped.append(Skipped(key, str(exc)))
        run.advance(path.stat().st_size)


def import_paths(
    paths: Iterable[Path],
    settings: Settings,
    meta: PageMeta | None = None,
    prune: bool = False,
    progress: Progress | None = None,
) -> IndexReport:
    """Import pages and JSONL files into the index: changed files only, never duplicates."""
    started = time.perf_counter()
    index_dir = settings.index_dir
    with import_lock(index_dir):
        ix = _open_or_create(index_dir)
        manifest = _load_manifest(index_dir)
        run = _Run(skipped=[], articles_per_file={})
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
            writer = ix.writer(limitmb=WRITER_LIMIT_MB, codec=codec())
            workers: _SegmentWorkers | None = None
            try:
                for key in [str(p) for p in changed] + gone:
                    removed += writer.delete_by_term("origin", key)
                fresh_index = ix.doc_count_all() == 0
                seen: set[str] = set()
                workers = _SegmentWorkers(settings)
                for article in _articles(changed, meta, run):
                    if article.id in seen:
                        run.skipped.append(
                            Skipped(article.origin, f"duplicate article id {article.id}")
                        )
                        continue
                    seen.add(article.id)
                    if not fresh_index:
                        removed += writer.delete_by_term("article_id", article.id)
                    workers.add(article)
                    articles += 1
                    paragraphs += len(article.paragraphs)
                    run.articles_per_file[article.origin] += 1
                    if progress:
                        progress(run.bytes_done, total_bytes)
                _commit_with(writer, workers.finish())
            except BaseException:
                if workers is not None:
                    workers.cancel()
                writer.cancel()
                raise
            for key in gone:
                manifest.pop(key, None)
            bad = {s.path for s in run.skipped if s.line is None}
            for key, count in run.articles_per_file.items():
                if key not in bad:
                    manifest[key] = {"sha256": hashes[key], "articles": count}
            _save_manifest(index_dir, manifest)
        if progress:
            progress(total_bytes, total_bytes)
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
    """Worker processes that each analyse articles and write a segment of their own.

    Analysis (jieba) and Whoosh's posting writer are both pure Python, so one
    writer process would leave the other core idle. Like Whoosh's `MpWriter`
    with `multisegment=True`, every worker has a `SegmentWriter` that takes no
    lock (the parent holds it) and hands back its finished segment; the parent
    commits all of them in one TOC. Articles are batched whole, so a parent
    document and its units always land in the same segment, as groups must.
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
            if value is not None:
                segments.append(value)
        for process in self.processes:
            process.join()
        return segments

    def cancel(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
                process.join()


def _segment_worker(settings: Settings, jobs: Any, results: Any) -> None:
    try:
        _init_worker(settings.cache_dir, settings.user_dict)
        ix = whoosh_index.open_dir(str(settings.index_dir))
        writer = SegmentWriter(ix, _lk=False, limitmb=WRITER_LIMIT_MB, codec=codec())
        while (batch := jobs.get()) is not None:
            for article in batch:
                with writer.group():
                    for doc in article_documents(article):
                        writer.add_document(**doc)
        if writer._added:
            results.put(("ok", writer._finalize_segment()))
        else:
            writer._close_segment()
            results.put(("ok", None))
    except BaseException as exc:  # reported to the parent, which stops the import
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def _commit_with(writer: SegmentWriter, segments: list[Any]) -> None:
    """`SegmentWriter.commit`, plus the workers' segments (the parent added none)."""
    final = writer._merge_segments(None, False, True)
    writer._close_segment()
    writer._commit_toc(final + segments)
    writer._finish()


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def remove(settings: Settings, paths: Iterable[Path] = (), ids: Iterable[str] = ()) -> int:
    """Drop the articles of the given files (or folders) and/or ids; returns documents removed."""
    index_dir = settings.index_dir
    with import_lock(index_dir):
        ix = open_index(index_dir)
        manifest = _load_manifest(index_dir)
        targets = []
        for path in paths:
            resolved = str(path.resolve())
            targets += [k for k in manifest if k == resolved or k.startswith(resolved + os.sep)]
        removed = 0
        with ix.writer(codec=codec()) as writer:
            for key in targets:
                removed += writer.delete_by_term("origin", key)
            for article_id in ids:
                removed += writer.delete_by_term("article_id", article_id)
        for key in targets:
            manifest.pop(key, None)
        _save_manifest(index_dir, manifest)
        return removed


def count_kind(searcher: Searcher, kind: str) -> int:
    """Live documents of one kind (doc_frequency would count deleted ones too)."""
    return sum(1 for _ in Term("kind", kind).docs(searcher))


def stats(settings: Settings) -> IndexStats:
    index_dir = settings.index_dir
    ix = open_index(index_dir)
    files = [p for p in index_dir.iterdir() if p.is_file()]
    with ix.searcher() as searcher:
        articles = count_kind(searcher, KIND_ARTICLE)
        paragraphs = count_kind(searcher, KIND_PARAGRAPH)
    latest = max((p.stat().st_mtime for p in files if p.name.endswith(".toc")), default=None)
    return IndexStats(
        path=str(index_dir),
        articles=articles,
        paragraphs=paragraphs,
        files=len(_load_manifest(index_dir)),
        size_bytes=sum(p.stat().st_size for p in files),
        segments=len(ix._segments()),
        updated=datetime.datetime.fromtimestamp(latest) if latest else None,
    )
