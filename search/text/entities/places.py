"""Places: the shipped list, administrative suffixes (花溪区), and jieba's ns tag for
words common enough, less the ordinary words it wrongly carries (not_places.txt); a
short form counts towards a fuller one (湖北 -> 湖北省)."""

from __future__ import annotations

from collections import Counter

from search.text.entities.lexicon import (
    ADMIN_SUFFIXES,
    LOCAL_POSTS,
    NOT_PLACE_ENDINGS,
    NOT_PLACES,
    PLACE_SUFFIXES,
    PLACES,
    RARE,
    Lexicon,
)
from search.text.entities.pieces import PLACE, Found, Pieces, is_han


def bits(piece: str, tag: str | None) -> int:
    """PLACE for a piece the place pass looks at."""
    if len(piece) >= 2 and piece not in NOT_PLACES:
        if tag == "ns" or piece in PLACES or piece.endswith(PLACE_SUFFIXES):
            return PLACE
    return 0


def find(article: Pieces) -> None:
    """The places among the pieces the organisation and person passes left free."""
    pieces, lex, kinds, found = article.pieces, article.lex, article.kinds, article.found
    for i in article.marked:
        piece = pieces[i]
        if not kinds[i] & PLACE or article.taken[i] or len(piece) < 2:
            continue
        after = pieces[i + 1] if article.free(i + 1) else ""
        if piece.endswith("市") and after[:1] == "民":
            piece = piece[:-1]  # 高雄市|民对: jieba cut 高雄|市民 wrongly
        elif after in LOCAL_POSTS and piece in PLACES:
            piece += after[0]  # 台北|市长: the city is 台北市
        if is_place(lex, piece):
            found.places[piece] += 1
            continue
        for n in (2, 3):  # 上海浦东新区: two places in one piece
            if piece[:n] in PLACES and is_place(lex, piece[n:]):
                found.places[piece[:n]] += 1
                found.places[piece[n:]] += 1
                break


def is_place(lex: Lexicon, piece: str) -> bool:
    if piece in PLACES:
        return True
    if len(piece) < 2 or piece in NOT_PLACES or not is_han(piece):
        return False
    if piece.endswith(NOT_PLACE_ENDINGS):
        return False
    tag = lex.tags.get(piece)
    if len(piece) >= 3 and piece.endswith(PLACE_SUFFIXES):
        stem = lex.tags.get(piece[:-1])
        if piece[-1] not in ADMIN_SUFFIXES and tag != "ns":
            return False
        return tag in (None, "ns", "nr") and stem in (None, "ns", "nr", "nz", "nrt")
    return tag == "ns" and lex.freq.get(piece, 0) >= RARE


def counted(found: Found) -> Counter[str]:
    """Places, a short form counted with its fuller one (湖北 with 湖北省)."""
    counts: Counter[str] = Counter()
    for name, count in found.places.items():
        fuller = [
            other
            for other in found.places
            if other != name and other.startswith(name) and other[-1] in ADMIN_SUFFIXES
        ]
        counts[min(fuller, key=len) if fuller else name] += count
    return counts
