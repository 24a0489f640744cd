"""An article analysed once, the same for every engine: its units and the entities they name.

A unit is what a hit can show: the title unit (kicker, title and subtitle,
`TITLE_UNIT`) and each paragraph. Each unit is normalised and cut by jieba
once here; the engines index those pieces (`words`, through the document
`document.py` builds for both) and `entities.extract` reads the same pieces,
so finding who and where an article names costs no second pass of jieba over
the text (jieba is most of an import's time).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from search.models import TITLE_UNIT, Article
from search.text.analysis import cut, normalize
from search.text.entities.extraction import extract


@dataclass(frozen=True, slots=True)
class Unit:
    number: int  # TITLE_UNIT, or the paragraph's index
    parts: tuple[str, ...]  # normalised: the title unit's kicker, title, subtitle; a paragraph
    pieces: tuple[str, ...]  # jieba's cut of the parts joined by spaces


@dataclass(frozen=True, slots=True)
class AnalysedArticle:
    article: Article  # with its `mentions`
    units: tuple[Unit, ...]

    @property
    def title_parts(self) -> tuple[str, ...]:
        """The title unit's normalised parts (none for an untitled article)."""
        return self.units[0].parts if self.units and self.units[0].number == TITLE_UNIT else ()


def analyse(article: Article) -> AnalysedArticle:
    """The article's units, cut once, and the article with the entities they mention."""
    title_parts = tuple(normalize(t) for t in article.title_parts())
    units = []
    if title_parts:
        units.append(Unit(TITLE_UNIT, title_parts, tuple(cut(" ".join(title_parts)))))
    for number, paragraph in enumerate(article.paragraphs):
        text = normalize(paragraph.text)
        units.append(Unit(number, (text,), tuple(cut(text))))
    authors = [normalize(a) for a in article.authors]
    mentions = extract([u.pieces for u in units], authors)
    return AnalysedArticle(replace(article, mentions=mentions), tuple(units))
