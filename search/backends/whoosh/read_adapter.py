"""Every private Whoosh name the read side uses, in one place (whoosh-reloaded 2.7.5, pinned).

Why private names at all: the query path reads posting lists block by block
into numpy arrays (postings.py), which Whoosh's public API (matchers, one
posting at a time in Python) cannot do fast enough. What this module relies on:

* `SegmentReader._segment.segment_id()`: a segment's identity, so arrays read
  from an immutable segment are cached across searcher refreshes.
* `SegmentReader._terms` (the segment's `W3TermsReader`): `term_info()` to
  find a term, and its `_postfile` to read the term's posting blocks whole.
* `W3TermInfo.extent()` / `is_inlined()` / `inlined_postings()`: where a
  term's blocks lie, or its postings when they are inlined in the term info.
* `SegmentReader._perdoc` (`W3PerDocReader`): `has_column` and
  `_get_column_file` for the field-length column of each document, one byte
  each, read as one array instead of a call per document.
* `Searcher._ix`: the index a searcher came from, to open a new searcher on its
  latest commit (`latest_searcher`) instead of `Searcher.refresh()`.
* `whoosh.filedb.structfile.BufferFile.__init__` is replaced, by
  `map_compound_files()` when a `WhooshBackend` is made, never at import (see
  `_MappedFile`).

`tests/test_stock_whoosh.py` runs stock Whoosh's own searcher over an index
baoku wrote and compares its answers with baoku's, so a whoosh-reloaded
change that breaks any of this fails a test, not a user's search.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import EmptyReader, TermNotFound
from whoosh.searching import Searcher


def segment_key(reader: Any) -> str | None:
    """The id of the segment a leaf reader reads; None for an index with no segment yet."""
    if isinstance(reader, EmptyReader):
        return None
    return reader._segment.segment_id()


def term_info(reader: Any, field: str, btext: bytes) -> whoosh3.W3TermInfo | None:
    try:
        return reader._terms.term_info(field, btext)
    except TermNotFound:
        return None


def posting_blocks(
    reader: Any, terminfo: whoosh3.W3TermInfo
) -> Iterator[tuple[list[int], Any, Any]]:
    """(docnums, weights, values) of each block of one term's postings, as stored.

    A W3 block is a zlib'd pickle of (docnum deltas, weights, values) behind a
    small header; read whole, not a posting at a time through a matcher, which
    is what makes the query path (postings.py) and merges (segments.py) fast.
    The inlined postings of a rare term come as one block.
    """
    if terminfo.is_inlined():
        ids, weights, values = terminfo.inlined_postings()
        yield list(ids), weights, values
        return
    postfile = reader._terms._postfile
    offset, _length = terminfo.extent()
    position = offset + len(whoosh3.WHOOSH3_HEADER_MAGIC)
    while True:
        size = postfile.get_int(position)  # negative: the last block
        postfile.seek(position + 4)
        compression = postfile.read_pickle()[3]
        start, end = postfile.tell(), position + 4 + abs(size)
        data = postfile.get(start, end - start)
        deltas, weights, values = pickle.loads(zlib.decompress(data) if compression else data)
        yield list(accumulate(deltas)), weights, values
        if size < 0:
            return
        position = end


def latest_searcher(searcher: Searcher) -> Searcher:
    """A searcher of the index's latest commit, every segment read afresh.

    Not `Searcher.refresh()`: whoosh-reloaded's refresh reuses the old
    readers of segments it still lists, with their old deletion sets, so a
    long-running server kept showing articles `baoku remove` (or a
    re-import) had deleted, and it re-adds segments a merge replaced.
    Decoded postings stay cached per segment id (postings.py): only the
    deletion sets are read again.
    """
    return searcher._ix.searcher()


def length_bytes(reader: Any, field: str) -> bytes | None:
    """Each document's length in `field`, one encoded byte a document (None: not kept)."""
    perdoc = reader._perdoc
    name = f"_{field}_len"
    if not perdoc.has_column(name):
        return None
    column, base, size = perdoc._get_column_file(name)
    return column.get(base, size)


class _MappedFile:
    """A read-only file over a memoryview, without copying it.

    whoosh-reloaded's `BufferFile` wraps the memory-mapped compound segment
    in `BytesIO(buf)`, which copies it: every process that opened the full
    corpus held 1.4 GB of private copies of its postings and term files, and
    each gunicorn worker had its own. Over the map, the pages are the OS's
    page cache, shared by all workers.
    """

    def __init__(self, buf: memoryview) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        data = bytes(self._buf[self._pos : end])
        self._pos = end
        return data

    def readline(self, size: int | None = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        start = self._pos
        while start < end:  # in small chunks: the rest of a segment can be a gigabyte
            chunk = bytes(self._buf[start : min(start + 4096, end)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                return self.read(start + newline + 1 - self._pos)
            start += len(chunk)
        return self.read(end - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._buf))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._buf = memoryview(b"")


def map_compound_files() -> None:
    """Make Whoosh read compound segments over their memory map (`_MappedFile`).

    A process-wide replacement of `BufferFile.__init__`, since Whoosh builds its
    buffer files deep inside `CompoundStorage` with no hook to pass another
    class; it is installed by the engine (`WhooshBackend`), not by importing
    this module, and installing it twice changes nothing. Import workers are
    forked from the process that installed it, so they read the same way.
    """
    BufferFile.__init__ = _mapped_buffer_file  # type: ignore[method-assign]


def _mapped_buffer_file(
    self: BufferFile, buf: memoryview, name: str | None = None, onclose: Any = None
) -> None:
    self._buf = buf
    self._name = name
    self.file = _MappedFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False
