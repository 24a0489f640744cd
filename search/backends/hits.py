"""Articles as engines store them, and hits built from them, the same for every engine.

Both engines keep the whole article as one JSON value (`stored_article`) and
build a hit from it here: the best paragraph is the one showing the most
distinct query strings, then the most occurrences, and `matches` counts the
paragraphs showing any. So snippets, highlights and paragraph counts are
identical whichever engine found the article.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from search.models import TITLE_UNIT, Article, Hit, Mention, Paragraph
from search.text.snippets import find, make_snippet


def stored_article(article: Article) -> dict[str, Any]:
    """The article as one JSON value, what an engine stores and gives back."""
    return {
        "id": article.id,
        "title": article.title,
        "subtitle": article.subtitle,
        "section": article.section,
        "authors": list(article.authors),
        "photographers": list(article.photographers),
        "ocr": article.ocr,
        "original": article.original,
        "date": article.date.isoformat() if article.date else None,
        "dateline": article.dateline,
        "source": article.source,
        "paper": article.paper,
        "page": article.page,
        "paragraphs": [[p.text, p.kind] for p in article.paragraphs],
        "kicker": article.kicker,
        "page_name": article.page_name,
        "continued_on": article.continued_on,
        "continued_from": article.continued_from,
        "continuation_at": article.continuation_at,
        "imported": article.imported,
        "mentions": [[m.kind, m.name, m.count] for m in article.mentions],
    }


def article_from_stored(stored: dict[str, Any]) -> Article:
    return Article(
        id=stored["id"],
        title=stored["title"],
        section=stored["section"],
        authors=tuple(stored["authors"]),
        date=datetime.date.fromisoformat(stored["date"]) if stored["date"] else None,
        paragraphs=tuple(Paragraph(text, kind) for text, kind in stored["paragraphs"]),
        source=stored["source"],
        photographers=tuple(stored.get("photographers", ())),
        ocr=stored.get("ocr"),
        original=stored.get("original"),
        subtitle=stored.get("subtitle"),
        dateline=stored.get("dateline"),
        paper=stored.get("paper"),
        page=stored.get("page"),
        kicker=stored.get("kicker"),
        page_name=stored.get("page_name"),
        continued_on=stored.get("continued_on"),
        continued_from=stored.get("continued_from"),
        continuation_at=stored.get("continuation_at"),
        imported=stored.get("imported"),
        mentions=tuple(Mention(kind, name, count) for kind, name, count in stored["mentions"]),
    )


def shown_paragraphs(article: Article, needles: Sequence[str]) -> dict[int, tuple[int, int]]:
    """Paragraph index -> (distinct needles, occurrences) for the paragraphs showing any."""
    shown = {}
    for number, paragraph in enumerate(article.paragraphs):
        found = find(paragraph.text, needles)
        if found:
            shown[number] = (len({which for _, _, which in found}), len(found))
    return shown


def best_unit(article: Article, shown: dict[int, tuple[int, int]]) -> int:
    """The paragraph to show: most distinct needles, most occurrences, the earliest;
    the title when no paragraph shows one (or the article has none)."""
    if not article.paragraphs:
        return TITLE_UNIT
    return max(shown, key=lambda i: (shown[i], -i), default=0)


def build_hit(
    article: Article, needles: Sequence[str], score: float, unit: int, matches: int
) -> Hit:
    """One hit: the given paragraph (or the title) with its snippet."""
    text = article.title if unit == TITLE_UNIT else article.paragraphs[unit].text
    return Hit(
        article_id=article.id,
        title=article.title,
        section=article.section,
        date=article.date,
        authors=article.authors,
        source=article.source,
        paragraph=unit,
        text=text,
        snippet=make_snippet(text, needles),
        score=round(score, 4),
        matches=matches,
        paper=article.paper,
        page=article.page,
        imported=article.imported,
    )
