"""Whoosh W3 segments written straight from an in-memory inverted index, and merged.

Why not `SegmentWriter.add_document`: it puts every posting through Whoosh's
`PostingPool`, a pickled tuple each, spilled to disk in sorted runs and merged
back in pure Python (10 GB of runs and more than half of a 9-minute import
for the corpus), then hands the postings one by one to `W3PostingsWriter`.
Here an import worker keeps `term -> [docnum, positions, docnum, positions,
...]` in dicts for a batch of articles (docnums arrive in order, so every list
is already sorted) and writes each term's posting list in one go, its blocks
built with C-level calls (slicing, `map`, pickle, zlib). The caller writes a
segment whenever `SegmentBuilder.tokens` is large enough, which bounds a
worker's memory whatever the input size.

The files are the W3 codec's own: stored fields, field lengths and columns go
through Whoosh's `W3PerDocWriter` unchanged, terms into its ordered hash table,
and `_TermWriter` lays out posting blocks and term infos as `W3PostingsWriter`
does (tests/test_segments.py checks that a segment written both ways reads
back the same), so Whoosh and `postings.py` read them as before.

`merge` rewrites several segments as one, dropping deleted documents: the
same writer, fed term by term from the old segments' blocks (one term's
postings in memory at a time).
"""

from __future__ import annotations

import operator
import pickle
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import chain, compress, repeat
from typing import Any

from whoosh.codec import whoosh3
from whoosh.fields import Schema
from whoosh.filedb.filestore import Storage
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.backends.whoosh.read_adapter import posting_blocks
from search.backends.whoosh.schema import (
    ONE_POSITION,
    CompactPositions,
    PreAnalyzed,
    encode_positions,
)
from search.backends.whoosh.write_adapter import (
    TERMINFO,
    TermsFile,
    codec_layout,
    stored_lengths,
    terms_from,
)
from search.text.analysis import Tokens

Document = Mapping[str, Any]  # field name -> value, as `schema.article_documents` makes them


class SegmentBuilder:
    """Documents added in docnum order, kept as an inverted index until `finish`."""

    def __init__(self, storage: Storage, schema: Schema, codec: whoosh3.W3Codec) -> None:
        self.storage = storage
        self.schema = schema
        self.codec = codec
        self.segment = codec.new_segment(storage, "MAIN")
        self.doccount = 0
        self.tokens = 0  # postings and repeats within a document: what memory grows with
        self._perdoc = codec.per_document_writer(storage, self.segment)
        # field -> term -> [docnum, value, docnum, value, ...]
        self._inverted: dict[str, defaultdict[str | bytes, list[Any]]] = {}
        # field -> length of the field in each document (0: absent), for block statistics
        self._lengths: dict[str, array[int]] = {}

    def add(self, fields: Document) -> None:
        """One document; what `SegmentWriter.add_document` records, minus the pool."""
        docnum = self.doccount
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if field.indexed:
                inverted = self._inverted.get(name)
                if inverted is None:
                    inverted = self._inverted[name] = defaultdict(list)
                if isinstance(field, PreAnalyzed):
                    length = _invert(inverted, docnum, value)
                    self.tokens += length
                else:
                    for term, freq, _weight, encoded in field.index(value):
                        inverted[term] += (docnum, encoded)
                        length += freq if field.scorable else 0
                        self.tokens += 1
                if length:
                    self._set_length(name, docnum, length)
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self.doccount += 1

    def _set_length(self, name: str, docnum: int, length: int) -> None:
        lengths = self._lengths.get(name)
        if lengths is None:
            lengths = self._lengths[name] = array("I")
        if len(lengths) < docnum:
            lengths.extend(repeat(0, docnum - len(lengths)))
        lengths.append(length)

    def finish(self) -> whoosh3.W3Segment:
        """Write the postings, assemble the compound file; the builder is spent."""
        self._perdoc.close()
        writer = _TermWriter(self.codec, self.storage, self.segment)
        for name in sorted(self._inverted):
            inverted = self._inverted.pop(name)
            if not inverted:  # e.g. no article had a section: Whoosh lists no such field
                continue
            lengths = self._lengths.get(name, array("I"))
            if lengths:
                lengths.extend(repeat(0, self.doccount - len(lengths)))
            writer.start_field(name, self.schema[name])
            for term in sorted(inverted):
                postings = inverted.pop(term)
                btext = term.encode("utf-8") if isinstance(term, str) else term
                writer.add_term(btext, postings[0::2], postings[1::2], lengths)
        writer.close()
        return _seal(self.segment, self.doccount, self.storage)


def _invert(inverted: defaultdict[Any, list[Any]], docnum: int, tokens: Tokens) -> int:
    """Add one document's tokens to `term -> [docnum, positions, ...]`; returns their count.

    The hot loop of an import, one pass over the tokens: a term's first
    occurrence in the document appends a posting, a repeat (same docnum last)
    extends its positions, which arrive in increasing order within a term.
    """
    one, limit = ONE_POSITION, len(ONE_POSITION)
    count = 0
    for terms, start in tokens:
        for position, term in enumerate(terms, start):
            postings = inverted[term]
            value = one[position] if position < limit else encode_positions([position])
            if postings and postings[-2] == docnum:
                postings[-1] += value
            else:
                postings += (docnum, value)
        count += len(terms)
    return count


def _seal(segment: whoosh3.W3Segment, doccount: int, storage: Storage) -> whoosh3.W3Segment:
    segment.set_doc_count(doccount)
    segment.create_compound_file(storage)  # one file per segment, as SegmentWriter makes it
    return segment


# Pickles of posting blocks and inlined postings. Whoosh writes protocol 2,
# where each bytes value becomes a `_codecs.encode` call: 15x slower to dump,
# 8x slower to load and 4x larger zlib'd than protocol 4 for a block of 1,024
# positions. `pickle.loads` reads either, so Whoosh and postings.py do too.
PICKLE_PROTOCOL = 4


class _TermWriter:
    """The `.trm` and `.pst` files of a segment, as `W3FieldWriter` and
    `W3PostingsWriter` lay them out, taking each term's whole posting list at once.

    Per term: fewer than `inlinelimit` postings are inlined in the term info;
    otherwise blocks of `blocklimit` postings, each a length (negative for the
    last), a pickled info tuple (count, last id, max weight, compression, min
    and max length bytes) and the zlib'd pickle of (id deltas from 0, weights,
    values), weights and values minified as Whoosh does. Weights go through a
    float32 array as there.
    """

    def __init__(self, codec: whoosh3.W3Codec, storage: Storage, segment: Any) -> None:
        self._inline, self._step, self._compression = codec_layout(codec)
        self._fieldmap: dict[str, int] = {}
        terms_file = segment.create_file(storage, whoosh3.W3Codec.TERMS_EXT)
        self._terms = TermsFile(terms_file, self._fieldmap)
        self._postfile = segment.create_file(storage, whoosh3.W3Codec.POSTS_EXT)
        self._prefix = b""
        self._format: Any = None
        self._fixed: int | None = None

    def start_field(self, name: str, fieldobj: Any) -> None:
        """Fields must come in name order, terms in byte order within a field (keys
        of the ordered term table)."""
        self._fieldmap[name] = len(self._fieldmap)
        self._prefix = pack_ushort(self._fieldmap[name])
        self._format = fieldobj.format
        self._fixed = fieldobj.format.fixed_value_size()

    def add_term(
        self, btext: bytes, ids: list[int], values: list[bytes], lengths: Sequence[int]
    ) -> None:
        """`lengths`: each document's length in this field, empty if the field keeps none;
        a document with a posting has at least one token, so none of its lengths is 0."""
        count = len(ids)
        if count < self._inline:
            weights = self._weights(values)
            values_kept = () if self._fixed == 0 else tuple(values)
            inlined = pickle.dumps((tuple(ids), tuple(weights), values_kept), PICKLE_PROTOCOL)
            short, long = _length_range(ids, lengths)
            info = TERMINFO.pack(
                True, sum(weights), count, short, long, max(0.0, max(weights)), ids[0], ids[-1]
            )
            self._terms.add(self._prefix + btext, info + inlined)
            return
        start = self._postfile.tell()
        self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        total, heaviest, short, long = 0.0, 0.0, 255, 0
        for first in range(0, count, self._step):
            last = first + self._step
            block_ids = ids[first:last]
            weights, block_short, block_long = self._write_block(
                block_ids, values[first:last], lengths, last >= count
            )
            total += sum(weights)
            heaviest = max(heaviest, max(weights))
            short, long = min(short, block_short), max(long, block_long)
        extent = pack_long(start) + pack_int(self._postfile.tell() - start)
        short = short if lengths else 0
        info = TERMINFO.pack(False, total, count, short, long, heaviest, ids[0], ids[-1])
        self._terms.add(self._prefix + btext, info + extent)

    def _weights(self, values: list[bytes]) -> array[float]:
        if isinstance(self._format, CompactPositions):  # weight = frequency = 4 bytes each
            return array("f", map(operator.rshift, map(len, values), repeat(2)))
        return array("f", map(self._format.decode_weight, values))

    def _write_block(
        self, ids: list[int], values: list[bytes], lengths: Sequence[int], last: bool
    ) -> tuple[array[float], int, int]:
        """Write one block; returns its weights and its min and max length bytes."""
        if isinstance(self._format, CompactPositions) and sum(map(len, values)) == 4 * len(ids):
            weights = array("f", repeat(1.0, len(ids)))  # all one position: the usual block
        else:
            weights = self._weights(values)
        if weights.count(1.0) == len(weights):
            mini_weights: Any = None
        elif weights.count(weights[0]) == len(weights):
            mini_weights = weights[0]
        else:
            mini_weights = tuple(weights)
        if self._fixed is None or self._fixed < 0:
            mini_values: Any = tuple(values)
        elif self._fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(values)
        deltas = tuple(map(operator.sub, ids, chain((0,), ids)))
        data = pickle.dumps((deltas, mini_weights, mini_values), PICKLE_PROTOCOL)
        if self._compression:
            data = zlib.compress(data, self._compression)
        short, long = _length_range(ids, lengths)
        info = (len(ids), ids[-1], max(0.0, max(weights)), self._compression, short, long)
        infobytes = pickle.dumps(info, PICKLE_PROTOCOL)
        size = len(infobytes) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(infobytes)
        self._postfile.write(data)
        return weights, short, long

    def close(self) -> None:
        self._terms.close()
        self._postfile.close()


_LENGTH_BYTES = bytes(length_to_byte(n) for n in range(1 << 16))


def _length_byte(length: int) -> int:
    """`length_to_byte`, from a table for the usual lengths (it bisects each time)."""
    return _LENGTH_BYTES[length] if length < len(_LENGTH_BYTES) else length_to_byte(length)


def _length_range(ids: list[int], lengths: Sequence[int]) -> tuple[int, int]:
    """The min and max length bytes of these documents (0, 0 when none is kept)."""
    if not lengths:
        return 0, 0
    return _length_byte(min(map(lengths.__getitem__, ids))), _length_byte(
        max(map(lengths.__getitem__, ids))
    )


def merge(
    storage: Storage, schema: Schema, codec: whoosh3.W3Codec, segments: Sequence[Any]
) -> whoosh3.W3Segment | None:
    """One segment holding the live documents of `segments`, in order; None if none is live.

    Documents keep their order, so each article stays a contiguous group,
    parent first; deleted documents are dropped and the rest renumbered.
    """
    readers = [SegmentReader(storage, schema, segment) for segment in segments]
    try:
        target = codec.new_segment(storage, "MAIN")
        docmaps, doccount = _copy_documents(storage, schema, codec, target, readers)
        if not doccount:
            for name in target.list_files(storage):
                storage.delete_file(name)
            return None
        writer = _TermWriter(codec, storage, target)
        lengths = {
            name: _merged_lengths(readers, docmaps, name, doccount) for name in schema.names()
        }
        for name in sorted({n for r in readers for n in r.indexed_field_names()}):
            if name not in schema:
                continue
            fieldobj = schema[name]
            writer.start_field(name, fieldobj)
            for btext, ids, values in _merged_terms(readers, docmaps, name, fieldobj.format):
                writer.add_term(btext, ids, values, lengths[name])
        writer.close()
        return _seal(target, doccount, storage)
    finally:
        for reader in readers:
            reader.close()


def _copy_documents(
    storage: Storage,
    schema: Schema,
    codec: whoosh3.W3Codec,
    target: whoosh3.W3Segment,
    readers: list[SegmentReader],
) -> tuple[list[list[int]], int]:
    """Stored fields, lengths and columns of the live documents; each reader's docmap
    (old docnum -> new, -1 if deleted)."""
    perdoc = codec.per_document_writer(storage, target)
    docnum = 0
    docmaps = []
    for reader in readers:
        columns = {
            name: reader.column_reader(name, translate=False)
            for name in schema.names()
            if schema[name].column_type is not None and reader.has_column(name)
        }
        docmap = [-1] * reader.doc_count_all()
        for old, stored in reader.iter_docs():
            docmap[old] = docnum
            perdoc.start_doc(docnum)
            for name in schema.names():
                field = schema[name]
                length = reader.doc_field_length(old, name) if field.scorable else 0
                perdoc.add_field(name, field, stored.get(name), length)
                if name in columns:
                    perdoc.add_column_value(name, field.column_type, columns[name][old])
            perdoc.finish_doc()
            docnum += 1
        docmaps.append(docmap)
    perdoc.close()
    return docmaps, docnum


def _merged_lengths(
    readers: list[SegmentReader], docmaps: list[list[int]], name: str, doccount: int
) -> array[int]:
    lengths = array("I", repeat(0, doccount))
    for reader, docmap in zip(readers, docmaps, strict=True):
        column = stored_lengths(reader, name)
        if column is None:
            continue
        for old, new in enumerate(docmap):
            if new >= 0:
                lengths[new] = byte_to_length(column[old])
    return lengths


def _merged_terms(
    readers: list[SegmentReader], docmaps: list[list[int]], name: str, fmt: Any
) -> Iterator[tuple[bytes, list[int], list[bytes]]]:
    """(term, new docnums, values) of one field over all readers, in term order."""
    cursors = [terms_from(reader, name) for reader in readers]
    heads: dict[int, tuple[bytes, Any]] = {}

    def advance(i: int) -> None:
        for (fieldname, btext), terminfo in cursors[i]:
            if fieldname == name:
                heads[i] = (btext, terminfo)
                return
            break
        heads.pop(i, None)

    for i in range(len(cursors)):
        advance(i)
    while heads:
        btext = min(head[0] for head in heads.values())
        ids: list[int] = []
        values: list[bytes] = []
        for i in sorted(heads):
            if heads[i][0] != btext:
                continue
            old_ids, old_values = _read_postings(readers[i], heads[i][1], fmt)
            new_ids = list(map(docmaps[i].__getitem__, old_ids))
            live = [n >= 0 for n in new_ids]
            ids += compress(new_ids, live)
            values += compress(old_values, live)
            advance(i)
        if ids:
            yield btext, ids, values


def _read_postings(
    reader: SegmentReader, terminfo: whoosh3.W3TermInfo, fmt: Any
) -> tuple[list[int], list[bytes]]:
    """A term's docnums and values in one segment (values b"" when the format keeps none)."""
    fixed = fmt.fixed_value_size()
    ids: list[int] = []
    values: list[bytes] = []
    for block_ids, _weights, block_values in posting_blocks(reader, terminfo):
        ids += block_ids
        if not block_values or fixed == 0:
            values += [b""] * len(block_ids)
        elif isinstance(block_values, bytes):  # fixed-size values, stored end to end
            values += [block_values[i : i + fixed] for i in range(0, len(block_values), fixed)]
        else:  # one value per posting (and inlined postings always)
            values += block_values
    return ids, values
