"""People: a word jieba made up (not in its dictionary) that starts with a surname, a
surname piece joined to its given name (柯文|哲, 蒋|万安), a dictionary name (nr), a
Japanese name (桥本龙太郎), a transliteration (托尼·布莱尔, 武亚|诺维奇).

A weak form counts only if a post, title or speech verb vouches for it somewhere in
the article, since jieba makes up words that start with a surname (方鸣搞); titles are
never part of a name (李鹏总理 -> 李鹏, 李总理 -> no one); a short form counts towards
the full name (布莱尔 -> 托尼·布莱尔)."""

from __future__ import annotations

import re
from collections import Counter

from search.text.entities.lexicon import (
    ADMIN_SUFFIXES,
    FUNCTION_CHARS,
    JAPANESE_SURNAMES,
    NAME_PREFIXES,
    NOT_GIVEN,
    PLACES,
    POST_SUFFIXES,
    SPEECH,
    SURNAMES,
    TITLES,
    TRANSLITERATION,
)
from search.text.entities.pieces import ANCHOR, DOT, PERSON, Found, Pieces, is_han

_TRANSLIT = re.compile(f"[{TRANSLITERATION}]+")
_DOTS = frozenset("·・•‧")
# Tags of a piece that may be a given name after a lone surname (蒋|万安); "nz" stands
# for a piece not in the dictionary.
_GIVEN = frozenset(("nz", "nr", "nrfg"))
_STARTERS = frozenset(name[0] for name in SURNAMES)
_ANY_SURNAMES = SURNAMES | JAPANESE_SURNAMES


def bits(piece: str, tag: str | None) -> int:
    """PERSON, ANCHOR and DOT for a piece the person passes look at."""
    kind = 0
    if (
        is_han(piece)
        and (
            (piece[0] in _STARTERS and (tag is None or tag in ("nr", "nrfg")))
            or (tag == "nz" and len(piece) == 2 and piece[0] in _STARTERS)
            or (tag is None and piece[0] in NAME_PREFIXES)
            or piece in _ANY_SURNAMES
            or piece[:2] in _ANY_SURNAMES  # 桥本龙太郎
            or piece[:3] in _ANY_SURNAMES
        )
    ):
        kind |= PERSON
    if tag in ("nr", "nrt") or (tag == "ns" and _TRANSLIT.fullmatch(piece)):
        kind |= ANCHOR
    if piece in _DOTS:
        kind |= DOT
    return kind


def find(article: Pieces) -> None:
    """The people among the pieces the organisations left free: transliterations first,
    so their parts are not read as Chinese names (阿尔弗雷德·桑特), then Chinese and
    Japanese names."""
    kinds = article.kinds
    for k in article.marked:
        if kinds[k] & DOT:
            _dotted(article, k)
    for k in article.marked:
        if kinds[k] & ANCHOR:
            _transliterated(article, k)
    pieces, tags, last = article.pieces, article.lex.tags, len(article.pieces) - 1
    end = 0
    for i in article.marked:
        if i < end or not kinds[i] & PERSON or article.taken[i]:
            continue
        if len(pieces[i]) == 1 and (i == last or tags.get(pieces[i + 1], "nz") not in _GIVEN):
            continue  # a lone surname takes only a given name jieba does not know
        end = _person_at(article, i)


def _person_at(article: Pieces, i: int) -> int:
    """Look for a person starting at piece i; the index to go on from."""
    pieces, lex = article.pieces, article.lex
    piece = pieces[i]
    if piece in PLACES:
        return i + 1
    nxt = pieces[i + 1] if article.free(i + 1) else ""
    name, end, strong = _japanese(piece, nxt)
    if not name:
        name, end, strong = _chinese(lex.tags, piece, nxt)
    if not name or (name[-1] in ADMIN_SUFFIXES and name[:2] not in JAPANESE_SURNAMES):
        return i + 1
    end += i
    article.found.people[name] += 1
    if strong or name in lex.named or _cued(article, i, end):
        article.found.vouched.add(name)
    article.take_pieces(i, end)
    return end


def _japanese(piece: str, nxt: str) -> tuple[str, int, bool]:
    """桥本龙太郎, 堀内|光雄: a Japanese family name and a given name."""
    family = next((piece[:n] for n in (3, 2) if piece[:n] in JAPANESE_SURNAMES), "")
    if not family:
        return "", 0, False
    if 4 <= len(piece) <= 5 and len(piece) - len(family) >= 2:
        return piece, 1, True
    if piece == family and is_han(nxt) and 2 <= len(nxt) <= 3 and nxt not in TITLES:
        return piece + nxt, 2, False
    return "", 0, False


def _chinese(tags: dict[str, str], piece: str, nxt: str) -> tuple[str, int, bool]:
    """A surname and a given name, whole (韩国瑜) or split by jieba (柯文|哲, 柯|文哲)."""
    tag = tags.get(piece)
    surname = _surname(piece)
    rest = len(piece) - len(surname)
    single = len(nxt) == 1 and is_han(nxt) and nxt not in NOT_GIVEN
    if len(nxt) == 2 and nxt not in tags and nxt[1] in NOT_GIVEN:
        single, nxt = is_han(nxt[0]), nxt[0]  # 柯文|哲说
    if not surname:
        if tag is None and len(piece) == 3 and piece[0] in NAME_PREFIXES:
            if _surname(piece[1:]):  # 对林菱: a preposition glued to a name
                return piece[1:], 1, False
        return "", 0, False
    if tag is None and not FUNCTION_CHARS.intersection(piece[len(surname) :]):
        if rest == 2:
            return piece, 1, True
        if rest == 1:
            return (piece + nxt, 2, True) if single else (piece, 1, False)
    if tag is None and rest == 3 and piece[-1] in NOT_GIVEN:
        return piece[:-1], 1, True  # 黄珊珊任
    if tag in ("nr", "nrfg") and 1 <= rest <= 2:
        return piece, 1, False
    given = tags.get(nxt, "nz") in _GIVEN and nxt not in TITLES
    if rest == 0 and is_han(nxt) and 1 <= len(nxt) <= 2 and given:
        return piece + nxt, 2, len(nxt) == 2 and nxt in tags  # 蒋|万安
    if rest == 1 and tag in ("nz", "nr") and single:
        return piece + nxt, 2, True
    return "", 0, False


def _surname(piece: str) -> str:
    if len(piece) >= 2 and piece[:2] in SURNAMES:
        return piece[:2]
    return piece[:1] if piece[:1] in SURNAMES else ""


def _cued(article: Pieces, first: int, end: int, before_only: bool = False) -> bool:
    """A post or title before, or a title or speech verb after, the pieces first..end."""
    pieces = article.pieces
    before = pieces[first - 1] if first > 0 else ""
    after = pieces[end] if end < len(pieces) and not before_only else ""
    if after in TITLES or after in SPEECH:
        return True
    return before in TITLES or (is_han(before) and before.endswith(POST_SUFFIXES))


def _translit(article: Pieces, i: int) -> bool:
    return article.free(i) and _TRANSLIT.fullmatch(article.pieces[i]) is not None


def _dotted(article: Pieces, k: int) -> None:
    """托尼·布莱尔: transliterated parts joined by middle dots, around the dot at k."""
    pieces = article.pieces
    first = k
    while first > 0 and k - first < 3 and _translit(article, first - 1):
        first -= 1
    end = k
    while first < k and end < len(pieces) and pieces[end] in _DOTS:
        after = end + 1
        while after - end <= 3 and _translit(article, after):
            after += 1
        if after == end + 1:
            break
        end = after
    if end > k:
        _person(article, first, end, vouched=True)


def _transliterated(article: Pieces, k: int) -> None:
    """普京, 武亚|诺维奇, 阿尔布佐|夫: transliteration pieces around one tagged a name
    (or tagged a place but after a post: 总统|普京)."""
    if not _translit(article, k):
        return
    pieces, tags = article.pieces, article.lex.tags
    if tags.get(pieces[k]) == "ns":
        if pieces[k] in PLACES or not _cued(article, k, k + 1, before_only=True):
            return
    first, end = k, k + 1
    while first > 0 and k - first < 2 and pieces[first - 1] not in tags:
        if not _translit(article, first - 1):
            break
        first -= 1
    nxt = pieces[end] if end < len(pieces) else ""
    if _translit(article, end) and (nxt not in tags or len(nxt) == 1):
        if nxt not in NOT_GIVEN:
            end += 1
    if end - first == 1 and (_surname(pieces[k]) or len(pieces[k]) < 2):
        return  # 李鹏 is a Chinese name, left to the next pass
    _person(article, first, end, vouched=_cued(article, first, end))


def _person(article: Pieces, first: int, end: int, vouched: bool) -> None:
    name = "".join(article.pieces[first:end])
    if name in PLACES:
        return
    article.found.people[name] += 1
    if vouched:
        article.found.vouched.add(name)
    article.take_pieces(first, end)


def counted(found: Found) -> Counter[str]:
    """Vouched people, each short form (布莱尔, 方鸣任 for 方鸣) counted with its full name."""
    people = {name for name in found.people if name in found.vouched}
    glued = {  # 方鸣|搞: a verb glued to a name that stands alone as often
        name
        for name in people
        if len(name) == 3 and found.people.get(name[:2], 0) >= found.people[name]
    }
    people -= glued
    counts: Counter[str] = Counter()
    for name, count in found.people.items():
        if name in glued:
            counts[name[:2]] += count
            continue
        longer = [other for other in people if name != other and name in other]
        if longer:
            counts[max(longer, key=len)] += count
        elif name in people:
            counts[name] += count
    return counts
