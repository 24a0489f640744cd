"""Segments written by `SegmentBuilder` and `merge` read back as Whoosh's own writer's do."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from support import CORPUS_DIR, settings_for
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.writing import SegmentWriter

from search.backends.whoosh.schema import INLINE_LIMIT, article_documents, build_schema
from search.backends.whoosh.segments import SegmentBuilder, merge
from search.ingest.jsonl import read_jsonl
from search.models import Article
from search.text.document import build_document

LENGTH_FIELDS = ("exact", "words", "ptitle", "pauthor", "psection")
COLUMNS = ("article_id", "date", "section_key", "author_key")


def _groups(count: int) -> list[list[dict[str, Any]]]:
    """The documents of the first `count` People's Daily articles, one list per article."""
    settings_for(Path("unused"))  # configures jieba's cache dir
    lines = read_jsonl(CORPUS_DIR / "pd1998.jsonl")
    articles = (item for line in lines if isinstance(item := getattr(line, "item", None), Article))
    return [article_documents(build_document(a)) for a in itertools.islice(articles, count)]


def _codec() -> whoosh3.W3Codec:
    """Small blocks, so that many terms span several blocks and a few end on a
    block boundary."""
    return whoosh3.W3Codec(blocklimit=16, inlinelimit=INLINE_LIMIT)


def _index_with(tmp_path: Path, name: str, segments: Any) -> Any:
    storage = FileStorage(str(tmp_path / name)).create()
    ix = storage.create_index(build_schema())
    segments = segments(storage, ix.schema)
    TOC(ix.schema, segments, 1).write(storage, "MAIN")
    return storage.open_index()


def _built(groups: list[list[dict[str, Any]]]) -> Any:
    def build(storage: Any, schema: Any) -> list[Any]:
        builder = SegmentBuilder(storage, schema, _codec())
        for doc in itertools.chain.from_iterable(groups):
            builder.add(doc)
        return [builder.finish()]

    return build


def _blocks(reader: Any, field: str, term: bytes) -> list[tuple]:
    """Each block's header as Whoosh reads it, and its postings."""
    matcher = reader._terms.matcher(field, term, reader.schema[field].format)
    blocks: list[tuple] = []
    if not isinstance(matcher, whoosh3.W3LeafMatcher):
        while matcher.is_active():
            blocks.append(("inlined", matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        return blocks
    while matcher.is_active():
        header = (
            matcher.block_max_id(),
            matcher.block_max_weight(),
            matcher.block_min_length(),
            matcher.block_max_length(),
        )
        items = []
        for _ in range(matcher._blocklength):
            items.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        blocks.append((header, items))
    return blocks


def _contents(ix: Any) -> dict[str, Any]:
    """Everything a reader can tell about the index, field length totals apart."""
    with ix.reader() as reader:
        docs = range(reader.doc_count_all())
        terms = {}
        for field, term in reader.all_terms():
            info = reader.term_info(field, term)
            stats = (
                *(info.weight(), info.doc_frequency(), info.min_length(), info.max_length()),
                *(info.max_weight(), info.min_id(), info.max_id()),
            )
            terms[field, term] = (stats, _blocks(reader, field, term))
        return {
            "docs": reader.doc_count_all(),
            "stored": [reader.stored_fields(d) for d in docs],
            "lengths": {f: [reader.doc_field_length(d, f) for d in docs] for f in LENGTH_FIELDS},
            "columns": {c: list(reader.column_reader(c)) for c in COLUMNS},
            "terms": terms,
        }


def test_builder_writes_what_whoosh_writes(tmp_path):
    groups = _groups(40)

    def whoosh_writer(storage: Any, schema: Any) -> list[Any]:
        ix = storage.open_index()
        writer = SegmentWriter(ix, codec=_codec())
        for doc in itertools.chain.from_iterable(groups):
            writer.add_document(**doc)
        return [writer._finalize_segment()]

    expected = _contents(_index_with(tmp_path, "whoosh", whoosh_writer))
    built_ix = _index_with(tmp_path, "built", _built(groups))
    got = _contents(built_ix)
    assert got == expected
    multi_block = [k for k, (_, blocks) in got["terms"].items() if len(blocks) > 1]
    inlined = [k for k, (_, blocks) in got["terms"].items() if blocks[0][0] == "inlined"]
    assert len(multi_block) > 100 and len(inlined) > 1000
    with built_ix.reader() as reader:
        assert reader.field_length("exact") == sum(
            len(terms) for g in groups for d in g[1:] for terms, _ in d["exact"]
        )


def test_merge_drops_deleted_documents_and_keeps_groups(tmp_path):
    groups = _groups(30)
    dead = set(range(0, 30, 4))

    def merged(storage: Any, schema: Any) -> list[Any]:
        first, second = (_built(groups[:12])(storage, schema), _built(groups[12:])(storage, schema))
        docnum = 0
        for number, group in enumerate(groups):
            segment = first[0] if number < 12 else second[0]
            if number == 12:
                docnum = 0
            for _ in group:
                if number in dead:
                    segment.delete_document(docnum)
                docnum += 1
        return [merge(storage, schema, _codec(), first + second)]

    live = [g for n, g in enumerate(groups) if n not in dead]
    assert _contents(_index_with(tmp_path, "merged", merged)) == _contents(
        _index_with(tmp_path, "fresh", _built(live))
    )
