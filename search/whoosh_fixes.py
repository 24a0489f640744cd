"""Fixes for whoosh-reloaded 2.7.5 (its final release), applied once on import.

schema.py imports this module, so every process that touches the index
(imports, merges, searches) runs with the fixes.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb.structfile import BufferFile

# whoosh-reloaded calls `set_inline`, a method its W3TermInfo names
# `set_inlined`, so inlining the postings of rare terms crashes. Rare terms are
# most of a bigram vocabulary; inlining them saves a posting block each.
whoosh3.W3TermInfo.set_inline = whoosh3.W3TermInfo.set_inlined


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


def _buffer_file_init(
    self: BufferFile, buf: memoryview, name: str | None = None, onclose: Any = None
) -> None:
    self._buf = buf
    self._name = name
    self.file = _MappedFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


BufferFile.__init__ = _buffer_file_init  # type: ignore[method-assign]
