"""Every private Whoosh name the write side uses, in one place (whoosh-reloaded 2.7.5, pinned).

Why private names at all: baoku writes W3 segments itself (segments.py,
without Whoosh's posting pool: 3x faster imports, bounded memory), commits
segments that worker processes wrote, and applies its own merge policy.
Whoosh's public writer can do none of that. What this module relies on:

* `FileIndex._segments()`: the committed segments (checked on open, merged,
  counted by stats).
* `SegmentWriter._close_segment()`, `_commit_toc(segments)`, `_finish()`: commit
  a TOC listing exactly the segments we choose (the workers' and merged ones),
  which is what `SegmentWriter.commit` does after its own merging.
* `W3Codec._inlinelimit`, `_blocklimit`, `_compression`: the layout our term
  writer must reproduce.
* `W3TermInfo._struct`: the packed term-info header.
* `OrderedHashWriter.index`, `.buckets`, `.dbfile`, `.extras`: the `.trm`
  table's internals, written without per-key checks (`TermsFile`).
* `SegmentReader._terms.items_from()`: a segment's terms in order, for merges;
  `SegmentReader._perdoc._cached_reader(whoosh3._lenfield(name),
  whoosh3.LENGTHS_COLUMN)`: its stored field lengths.
* `W3TermInfo.set_inline` is patched (whoosh-reloaded calls a method its class
  names `set_inlined`).

tests/test_segments.py checks that a segment written here reads back exactly
as one Whoosh's own writer made, and tests/test_stock_whoosh.py searches an
index baoku wrote with stock Whoosh.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from hashlib import md5
from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import filetables
from whoosh.index import Index
from whoosh.writing import SegmentWriter

# whoosh-reloaded calls `set_inline`, a method its W3TermInfo names
# `set_inlined`, so inlining the postings of rare terms crashes. Rare terms are
# most of a bigram vocabulary; inlining them saves a posting block each.
whoosh3.W3TermInfo.set_inline = whoosh3.W3TermInfo.set_inlined

TERMINFO = whoosh3.W3TermInfo._struct  # flags, weight, df, min/max length bytes, max weight, ids
_LENGTHS = struct.Struct("!ii")  # key and value lengths before each record of a hash file


def segments_of(ix: Index) -> list[Any]:
    return ix._segments()


def commit_segments(writer: SegmentWriter, segments: list[Any]) -> None:
    """Commit a TOC listing exactly `segments` (the writer's own new segment is empty)."""
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()


def codec_layout(codec: whoosh3.W3Codec) -> tuple[int, int, int]:
    """(inline limit, block limit, compression level) of the codec's posting lists."""
    return codec._inlinelimit, codec._blocklimit, codec._compression


class TermsFile(filetables.OrderedHashWriter):
    """The `.trm` table, keys added in order; `add` without the per-key checks and
    `tell()` calls of `OrderedHashWriter.add` (one call per term, millions per import)."""

    def __init__(self, dbfile: Any, fieldmap: dict[str, int]) -> None:
        super().__init__(dbfile)
        self._position = dbfile.tell()
        self.extras["fieldmap"] = fieldmap

    def add(self, key: bytes, value: bytes) -> None:
        position = self._position
        self.index.append(position)
        self.dbfile.write(_LENGTHS.pack(len(key), len(value)) + key + value)
        # = filetables.md5_hash (the table's hash type 0): the digest's last 4 bytes
        digest = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
        self.buckets[digest & 255].append((digest, position))
        self._position = position + _LENGTHS.size + len(key) + len(value)


def stored_lengths(reader: Any, name: str) -> Any:
    """A segment's length column of `name` (byte per document), or None."""
    return reader._perdoc._cached_reader(whoosh3._lenfield(name), whoosh3.LENGTHS_COLUMN)


def terms_from(reader: Any, name: str) -> Iterator[tuple[tuple[str, bytes], Any]]:
    """((field, term), term info) of a segment from the first term of `name`, in order."""
    return reader._terms.items_from(name, b"")
