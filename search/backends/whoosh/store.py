"""The embedded engine's storage: open or create the index, one import at a time, commit.

`WhooshStore` is what the shared import pipeline (search/ingest/pipeline.py) writes
through: the manifest and line tables beside the Whoosh files
(manifest.py), an flock so one import runs at a time, and a `WhooshBatch`
whose articles worker processes (workers.py) analyse and write as segments
of their own while the parent deletes replaced documents; the parent then
commits every new segment in one TOC and merges small segments (`_merges`).
Readers never lock: Whoosh readers see the last commit.
"""

from __future__ import annotations

import datetime
import fcntl
import os
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And, Term
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from search.backends.base import LineTable, Manifest, files_under
from search.backends.whoosh import manifest as recorded
from search.backends.whoosh.schema import KIND_ARTICLE, KIND_PARAGRAPH, build_schema, codec
from search.backends.whoosh.segments import merge
from search.backends.whoosh.workers import SEGMENT_TOKENS, SegmentWorkers
from search.backends.whoosh.write_adapter import commit_segments, segments_of
from search.config import Settings
from search.errors import IndexBusy, IndexMissing, IndexUnavailable
from search.models import Article, IndexStats

LOCK = "baoku.lock"
MERGE_FACTOR = 8  # see `_merges`
MERGE_FLOOR_DOCS = 10_000  # ~1,300 articles: the tier of small imports
MERGE_MAX_DOCS = 200_000  # the most an import merges at once: ~330 MB of segment files


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
            missing = set(build_schema().names()) - set(ix.schema.names())
            if missing:
                raise IndexUnavailable(
                    f"the index at {index_dir} was built by an older baoku (it has no "
                    f"{', '.join(sorted(missing))}); move it aside and run `baoku index` "
                    "to rebuild it"
                )
            for segment in segments_of(ix):
                if segment.is_compound():
                    segment.open_compound_file(ix.storage).close()
            return ix
    except IndexUnavailable:
        raise
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


class WhooshBatch:
    """One import's changes: deletions through Whoosh's writer, additions through the workers."""

    def __init__(self, ix: whoosh_index.Index, settings: Settings, segment_tokens: int) -> None:
        self.writer = ix.writer(codec=codec())
        self.fresh = ix.doc_count_all() == 0
        self.workers: SegmentWorkers | None = None
        self.settings, self.segment_tokens = settings, segment_tokens

    def delete_origin(self, origin: str) -> int:
        return self.writer.delete_by_term("origin", origin)

    def delete_article(self, article_id: str, origin: str | None = None) -> int:
        if origin is None:
            return self.writer.delete_by_term("article_id", article_id)
        return self.writer.delete_by_query(
            And([Term("origin", origin), Term("article_id", article_id)])
        )

    def add(self, article: Article) -> None:
        if self.workers is None:  # started on the first article: deletions-only runs need none
            self.workers = SegmentWorkers(self.settings, self.segment_tokens)
        self.workers.add(article)

    def commit(self) -> int:
        _commit_with(self.writer, self.workers.finish() if self.workers else [])
        return 0  # Whoosh counts each deletion when it is asked for

    def cancel(self) -> None:
        if self.workers is not None:
            self.workers.cancel()
        self.writer.cancel()


class WhooshStore:
    """The `Store` of search/ingest/pipeline.py for an index directory."""

    def __init__(self, settings: Settings, segment_tokens: int = SEGMENT_TOKENS) -> None:
        self.settings = settings
        self.index_dir = settings.index_dir
        self.segment_tokens = segment_tokens
        self._ix: whoosh_index.Index | None = None

    def lock(self) -> AbstractContextManager[None]:
        return import_lock(self.index_dir)

    def manifest(self) -> Manifest:
        self._ix = _open_or_create(self.index_dir)  # under the lock: the import's index
        return recorded.load_manifest(self.index_dir)

    def known_lines(self, key: str, sha256: str | None) -> LineTable | None:
        return recorded.known_lines(self.index_dir, key, sha256)

    def save(self, manifest: Manifest, tables: dict[str, LineTable]) -> None:
        recorded.save_lines(self.index_dir, manifest, tables)
        recorded.save_manifest(self.index_dir, manifest)

    def batch(self) -> WhooshBatch:
        assert self._ix is not None, "manifest() opens the index first"
        return WhooshBatch(self._ix, self.settings, self.segment_tokens)


def _commit_with(writer: SegmentWriter, new: list[Any]) -> None:
    """Commit the parent's deletions and the workers' segments in one TOC, merging
    what `_merges` says (the parent's own segment is empty)."""
    current = [s for s in writer.segments + new if s.doc_count()]
    while groups := _merges(current):
        for group in groups:
            merged = merge(writer.storage, writer.schema, codec(), group)
            current = [s for s in current if s not in group] + ([merged] if merged else [])
    commit_segments(writer, current)


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
        segments = segments_of(ix)
        if len(segments) < 2 and not any(s.has_deletions() for s in segments):
            return stats(settings)
        writer = ix.writer(codec=codec())
        try:
            merged = merge(writer.storage, writer.schema, codec(), writer.segments)
        except BaseException:
            writer.cancel()
            raise
        commit_segments(writer, [merged] if merged else [])
    return stats(settings)


def remove(settings: Settings, paths: Iterable[Path] = (), ids: Iterable[str] = ()) -> int:
    """Drop the articles of the given files (or folders) and/or ids; returns articles removed."""
    index_dir = settings.index_dir
    with import_lock(index_dir):
        ix = open_index(index_dir)
        manifest = recorded.load_manifest(index_dir)
        targets = files_under(manifest, paths)
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
        recorded.save_manifest(index_dir, manifest)
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
    return IndexStats(
        path=str(index_dir),
        articles=articles,
        paragraphs=paragraphs,
        files=len(recorded.load_manifest(index_dir)),
        size_bytes=sum(f.st_size for f in files.values()),
        segments=len(segments_of(ix)),
        updated=_latest_toc(files),
    )


def _latest_toc(files: dict[str, os.stat_result]) -> datetime.datetime | None:
    """When the last commit wrote its table of contents (one `.toc` per generation)."""
    latest = max((f.st_mtime for name, f in files.items() if name.endswith(".toc")), default=None)
    return datetime.datetime.fromtimestamp(latest) if latest else None


def last_commit(index_dir: Path) -> datetime.datetime | None:
    """When an import last committed: one directory listing, no document count (a feed
    poll asks this every time; `stats` took 150 ms on the full corpus)."""
    files: dict[str, os.stat_result] = {}
    with os.scandir(index_dir) as entries:
        for entry in entries:
            with suppress(FileNotFoundError):
                if entry.name.endswith(".toc"):
                    files[entry.name] = entry.stat()
    return _latest_toc(files)
