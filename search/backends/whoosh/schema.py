"""The Whoosh schema, and an article's engine-neutral document -> Whoosh documents.

An article is a Whoosh *group*: one parent document (kind=article) carrying
the metadata, the stored article and exact fields for its title, authors and
section, followed by one child document per searchable unit: the title
(kind=title, unit -1) and each paragraph (kind=paragraph, unit 0..n-1), in
consecutive docnums. The query layer relies on that layout: a unit's article
is the last parent before it (`matching.py` lifts unit matches to articles
with it), so "each term anywhere in the article" and "all terms in one
paragraph" are the same postings, grouped differently.

What the documents hold is decided once for both engines, by
`text.document.build_document` (normalised strings, jieba's words, the
names kept as keys); `article_documents` only lays that out as Whoosh fields:
exact strings as `analysis.Tokens` runs, names comma-joined into keyword
columns. Both run in the import's worker processes; the postings are written
by `segments` (`PreAnalyzed` values are `analysis.Tokens`), so Whoosh never
runs an analyzer, at index or at query time, and highlighting never re-runs jieba.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from whoosh import fields, formats
from whoosh.codec import whoosh3

from search.backends.hits import stored_article
from search.text.analysis import Tokens, exact_tokens, word_tokens
from search.text.document import ArticleDocument

KIND_ARTICLE, KIND_TITLE, KIND_PARAGRAPH = "article", "title", "paragraph"
# Parent columns of the names an article mentions (`document.name_key`s), comma-joined
# like `author_key`.
ENTITY_COLUMNS = {"person": "person_key", "place": "place_key", "org": "org_key"}

INLINE_LIMIT = 8
# Postings per block. Whoosh's default of 128 made ~2 M bigram posting lists
# of many small blocks; postings.py reads whole lists block by block, and
# fewer, larger blocks mean fewer unpickle/decompress calls per list.
BLOCK_LIMIT = 1024


def codec() -> whoosh3.W3Codec:
    return whoosh3.W3Codec(blocklimit=BLOCK_LIMIT, inlinelimit=INLINE_LIMIT)


# A posting of one position is the commonest value by far (most characters and
# bigrams occur once in a paragraph): one shared bytes object per position.
ONE_POSITION = [array("I", [i]).tobytes() for i in range(1 << 14)]


def encode_positions(positions: list[int]) -> bytes:
    """Positions as raw uint32 bytes, the value `CompactPositions` decodes."""
    if len(positions) == 1 and positions[0] < len(ONE_POSITION):
        return ONE_POSITION[positions[0]]
    return array("I", positions).tobytes()


class CompactPositions(formats.Positions):
    """Positions as a raw uint32 array: 4 bytes each, encoded and decoded in C.

    Whoosh's `Positions` pickles a list per posting (~15 bytes of overhead and
    a pickle call each); with ~2 postings per character that doubled the
    index size and dominated the writer's time.
    """

    def encode(self, poslist: list[int]) -> bytes:
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return array("I", valuestring).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return len(valuestring) // 4 * self.field_boost


class PreAnalyzed(fields.FieldType):
    """A positions field whose value is already analysed: `analysis.Tokens`.

    Import workers hand these straight to `segments.SegmentBuilder`; `index`
    is what Whoosh's own writer would make of them (tests compare the two).
    """

    def __init__(self) -> None:
        self.format = CompactPositions()
        self.scorable = True
        self.stored = False
        self.unique = False
        self.analyzer = None
        self.vector = None
        self.column_type = None

    def index(self, value: Tokens, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for terms, start in value:
            for position, term in enumerate(terms, start):
                positions[term].append(position)
        for term, found in positions.items():
            yield term.encode("utf-8"), len(found), float(len(found)), encode_positions(found)


def build_schema() -> fields.Schema:
    return fields.Schema(
        kind=fields.ID(),
        article_id=fields.ID(stored=True, sortable=True),  # column: ids without unpickling
        origin=fields.ID(),
        date=fields.ID(sortable=True),
        unit=fields.STORED(),
        exact=PreAnalyzed(),  # units: characters + bigrams, recall
        words=PreAnalyzed(),  # units: jieba words, ranking
        ptitle=PreAnalyzed(),  # parent: title + subtitle characters + bigrams
        pauthor=PreAnalyzed(),  # parent: each author name
        psection=PreAnalyzed(),  # parent: section name
        section_key=fields.ID(sortable=True),  # parent: exact section, filters and facets
        author_key=fields.KEYWORD(commas=True, lowercase=False, sortable=True),  # parent: names
        paper_key=fields.ID(sortable=True),  # parent: `Article.issue_paper`, for /browse
        imported=fields.ID(sortable=True),  # parent: import time, for --imported-since
        **{column: _names_column() for column in ENTITY_COLUMNS.values()},  # parent: mentions
        article=fields.STORED(),  # parent: the whole article, for hits and the article view
    )


def _names_column() -> fields.KEYWORD:
    return fields.KEYWORD(commas=True, lowercase=False, sortable=True)


def article_documents(document: ArticleDocument) -> list[dict[str, Any]]:
    """The parent document and its unit documents, in the order they are indexed."""
    article = document.article
    common = {"article_id": article.id, "origin": article.origin}
    if document.date:
        common["date"] = document.date
    parent: dict[str, Any] = {
        **common,
        "kind": KIND_ARTICLE,
        "article": stored_article(article),
        "ptitle": exact_tokens(document.title),
        "pauthor": exact_tokens(document.authors),
        "psection": exact_tokens([document.section or ""]),
        **{ENTITY_COLUMNS[kind]: ",".join(names) for kind, names in document.mentioned},
    }
    if document.section_key is not None:
        parent["section_key"] = document.section_key
    if article.imported:
        parent["imported"] = article.imported
    parent["paper_key"] = document.paper_key
    if document.author_keys:
        parent["author_key"] = ",".join(document.author_keys)
    docs = [parent]
    for unit in document.units:
        docs.append(
            {
                **common,
                "kind": KIND_TITLE if unit.is_title else KIND_PARAGRAPH,
                "unit": unit.number,
                "exact": exact_tokens(unit.exact),
                "words": word_tokens(unit.words),
            }
        )
    return docs
