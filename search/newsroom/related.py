"""相关报道: the articles most like one article, and the same story over time.

More-like-this, the same on every engine: the article's distinctive jieba
words are chosen by TF-IDF (how often the article uses a word, against how
many paragraphs of the archive use it, `ArchiveReader.word_frequencies`),
and the top ones are searched as one OR query, which each engine ranks by
BM25 (a unit where the word is a jieba word weighs more, titles more than
body text). The article itself and its exact duplicates (the same title,
date and best paragraph: one article imported twice under two ids) are left
out; a near-duplicate (the same story lightly edited) ranks first. "Over
time" is the same list in date order, so a journalist follows the story.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from search.backends.base import ArchiveReader
from search.limits import RELATED_ARTICLES, RELATED_WORDS
from search.models import Article, Hit
from search.query.request import SearchRequest
from search.text.analysis import normalize, segmenter

_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z]{3,}")  # CJK words of 2+, Latin of 3+
# A word in more than this share of paragraphs (and more than RARE_ENOUGH of them) says
# nothing about a story: 我们, 发展. A small archive has no such words.
COMMON = 0.02
RARE_ENOUGH = 100


@dataclass(frozen=True, slots=True)
class Related:
    article: Article
    words: tuple[str, ...]  # the distinctive words searched, most distinctive first
    similar: tuple[Hit, ...]  # most similar first
    over_time: tuple[Hit, ...]  # the same articles by date, oldest first (undated last)


def distinctive_words(article: Article, archive: ArchiveReader) -> list[str]:
    """The article's words by TF-IDF, at most `RELATED_WORDS`."""
    text = normalize(" ".join([article.title, *(p.text for p in article.paragraphs)]))
    counts = Counter(w for w in segmenter().cut(text) if _WORD.fullmatch(w))
    counts.update({w: 2 for w in segmenter().cut(normalize(article.title)) if _WORD.fullmatch(w)})
    if not counts:
        return []
    units, frequencies = archive.word_frequencies(sorted(counts))
    scored = []
    for word, tf in counts.items():
        df = frequencies.get(word, 0)
        if 0 < df <= max(RARE_ENOUGH, units * COMMON):
            scored.append((tf * math.log(1 + units / df), word))
    return [w for _, w in sorted(scored, key=lambda s: (-s[0], s[1]))[:RELATED_WORDS]]


def related(archive: ArchiveReader, article: Article, limit: int = RELATED_ARTICLES) -> Related:
    """The articles most like `article` (already read: the article view has it)."""
    words = distinctive_words(article, archive)
    if not words:
        return Related(article, (), (), ())
    query = " OR ".join(f'"{w}"' for w in words)
    found = archive.search(SearchRequest(query, size=limit + 5))
    own = (normalize(article.title), article.date)
    best = {normalize(p.text) for p in article.paragraphs}
    similar = [
        hit
        for hit in found.hits
        if hit.article_id != article.id
        and not ((normalize(hit.title), hit.date) == own and normalize(hit.text) in best)
    ][:limit]
    over_time = sorted(
        similar, key=lambda h: (h.date is None, h.date.toordinal() if h.date else 0, h.article_id)
    )
    return Related(article, tuple(words), tuple(similar), tuple(over_time))
