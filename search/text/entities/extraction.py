"""The entry point: `extract` runs the passes over one article's pieces, in order.

Credits and datelines are set aside first (credits.py, when the article's pieces are
gathered, pieces.py), then organisations (orgs.py) take their pieces before people
(people.py) and places (places.py) look: 中国 in 中国环境监测总站 is no place.

Why it is fast enough to run on every article at import: each distinct piece is
classified once (`_Kinds`, cached) into the passes that may use it, so a unit costs
a C-level map over its pieces and Python work only at the few candidates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from search.models import ENTITY_KINDS, EntityKind, Mention
from search.text.analysis import segmenter
from search.text.entities import orgs, people, places
from search.text.entities.lexicon import Lexicon, lexicon
from search.text.entities.pieces import Pieces

if TYPE_CHECKING:
    import jieba

_KINDS_CACHED = 300_000  # distinct pieces remembered; later ones are classified each time


class _Kinds(dict[str, int]):
    """piece -> the bits of the passes that look at it, computed once per distinct piece."""

    def __init__(self, tags: dict[str, str]) -> None:
        super().__init__()
        self.tags = tags

    def __missing__(self, piece: str) -> int:
        tag = self.tags.get(piece)
        kind = orgs.bits(piece, tag, self.tags) | people.bits(piece, tag) | places.bits(piece, tag)
        if len(self) < _KINDS_CACHED:
            self[piece] = kind
        return kind


@lru_cache(maxsize=2)
def _tables(tokenizer: jieba.Tokenizer) -> tuple[Lexicon, _Kinds]:
    """The lexicon and the piece kinds of `tokenizer`, built once per tokenizer, so a
    changed user dictionary (a new analysis.segmenter) is seen."""
    lex = lexicon(tokenizer)
    return lex, _Kinds(lex.tags)


def extract(units: Sequence[Sequence[str]], authors: Sequence[str] = ()) -> tuple[Mention, ...]:
    """Each entity the units mention, once, with its count: people, places, organisations,
    each kind by count (most first), then name."""
    lex, kinds = _tables(segmenter())
    bylines = frozenset(authors)
    pieces: list[str] = []
    for unit in units:
        if bylines and len(unit) < 12 and bylines.issuperset("".join(unit).split()):
            continue  # a paragraph of byline names
        pieces.extend(unit)
        pieces.append("\n")
    article = Pieces(pieces, lex, kinds)
    orgs.find(article)
    people.find(article)
    places.find(article)
    found = article.found
    counts: Counter[tuple[EntityKind, str]] = Counter()
    by_kind: tuple[tuple[EntityKind, Counter[str]], ...] = (
        ("person", people.counted(found)),
        ("place", places.counted(found)),
        ("org", found.orgs),
    )
    for kind, names in by_kind:
        for name, count in names.items():
            counts[kind, name] += count
    order = {kind: n for n, kind in enumerate(ENTITY_KINDS)}
    ranked = sorted(counts.items(), key=lambda item: (order[item[0][0]], -item[1], item[0][1]))
    return tuple(Mention(kind, name, count) for (kind, name), count in ranked)
