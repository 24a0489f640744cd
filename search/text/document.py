"""An article as every engine indexes it: one parent document and one document per unit.

    build_document(article)   analyse once (analysed.py), then the strings both engines index

Both engines must index the same strings, or a query would find different
articles depending on where the archive lives (the exactness test compares
each engine with a brute-force scan). When each engine assembled its own
documents from the analysis, the normalised authors and section, the names
kept as facet keys and the unit layout were written twice and could drift.
So they are decided here, once, below the engines (`backends/` imports
this, never the reverse); `backends/whoosh/schema.py` and
`backends/opensearch/documents.py` only map these fields to their storage
(Whoosh token runs and columns, OpenSearch JSON) and run no analysis.

The import's worker processes build it (jieba is most of an import's time)
and map it in the same process, so only articles and the engines' own
output cross process boundaries; the document is still plain frozen
dataclasses of strings, so it pickles.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.models import ENTITY_KINDS, TITLE_UNIT, Article, EntityKind
from search.text.analysed import analyse
from search.text.analysis import normalize, squeeze, words


@dataclass(frozen=True, slots=True)
class UnitDocument:
    """A unit a hit can show: the title (kicker, title, subtitle) or one paragraph."""

    number: int  # TITLE_UNIT, or the paragraph's index
    exact: tuple[str, ...]  # the parts, normalised and squeezed: what exact matching sees
    words: tuple[str, ...]  # jieba's words of the parts, in order, spaces left out: ranking

    @property
    def is_title(self) -> bool:
        return self.number == TITLE_UNIT


@dataclass(frozen=True, slots=True)
class ArticleDocument:
    """The parent: the article (stored whole), its exact metadata fields and its facet keys."""

    article: Article  # with the `mentions` the analysis found
    date: str | None  # ISO 8601, what date ranges and the month facet read
    authors: tuple[str, ...]  # each author normalised and squeezed, in byline order
    section: str | None  # normalised and squeezed; None when the article has no section
    section_key: str | None  # the section as printed: filters and facets
    author_keys: tuple[str, ...]  # `name_key` of each author, in byline order
    paper_key: str  # `Article.issue_paper`, what /browse groups by
    mentioned: tuple[tuple[EntityKind, tuple[str, ...]], ...]  # kind -> `name_key`s, kinds named
    units: tuple[UnitDocument, ...]  # the title unit (if any) first, then the paragraphs

    @property
    def title(self) -> tuple[str, ...]:
        """The title unit's exact parts (none for an untitled article)."""
        return self.units[0].exact if self.units and self.units[0].is_title else ()


def name_key(name: str) -> str:
    """A name as a filter and a facet key: a comma inside it becomes a space.

    Whoosh keeps an article's names comma-joined in one keyword column, so a
    comma would split a name in two; OpenSearch keeps the same keys, so both
    engines' facets and filters see the same names.
    """
    return name.replace(",", " ")


def build_document(article: Article) -> ArticleDocument:
    """The article analysed (jieba once, entities from the same cut) into what engines index."""
    analysed = analyse(article)
    article = analysed.article
    units = tuple(
        UnitDocument(
            unit.number,
            tuple(squeeze(part) for part in unit.parts),
            tuple(words(unit.pieces)),
        )
        for unit in analysed.units
    )
    mentioned = tuple(
        (kind, names)
        for kind in ENTITY_KINDS
        if (names := tuple(name_key(m.name) for m in article.mentions if m.kind == kind))
    )
    return ArticleDocument(
        article=article,
        date=article.date.isoformat() if article.date else None,
        authors=tuple(squeeze(normalize(a)) for a in article.authors),
        section=squeeze(normalize(article.section)) if article.section else None,
        section_key=article.section or None,
        author_keys=tuple(name_key(a) for a in article.authors),
        paper_key=article.issue_paper,
        mentioned=mentioned,
        units=units,
    )
