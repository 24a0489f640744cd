"""Organisations, found first: a piece ending in an organisation suffix (局, 委员会,
有限公司…) or a post built on one (财政部长 -> 财政部) takes the name-like pieces before
it (中国|环境监测|总站), and pieces an organisation takes give no place or person (中国
in 中国环境监测总站); `X政府` is the place X. Papers in title marks (《使者报》),
missions (中国驻美国大使馆) and Latin media (cnbc报道) are found in the text."""

from __future__ import annotations

import re
from bisect import bisect_left

from search.text.entities.lexicon import (
    COMPANY_WORDS,
    FUNCTION_CHARS,
    GENERIC_ORGS,
    NOT_MODIFIERS,
    NOT_ORG_ENDINGS,
    NOT_PLACES,
    ORG_SUFFIXES,
    ORGS,
    PLACES,
    POST_ENDINGS,
    RARE,
    TITLES,
)
from search.text.entities.pieces import HEAD, ORG_END, Pieces, is_han
from search.text.entities.places import is_place

# 中国驻美国大使馆, 中国常驻世界贸易组织代表团: the whole is one organisation.
_MISSION = re.compile(
    r"驻[\u4e00-\u9fff]{2,12}?(?:大使馆|总领事馆|总领馆|领事馆|使领馆|使馆|代表团|代表处|办事处)"
)
_MISSION_PREFIX = re.compile(r"(?:中国)?常?$")
# 《使者报》: a paper or magazine named in title marks is an organisation.
_PAPER = re.compile(r"《([^《》]{1,12}?(?:报|刊|杂志|新闻网|通讯社|电视台))》")
# cnbc报道: a Latin name that reports is a medium.
_LATIN_MEDIUM = re.compile(r"(?<![a-z])[a-z]{2,6}(?=\s*(?:报道|称|表示|指出|援引))")
_LATIN = re.compile("[a-z]")

_SUFFIX_SET = frozenset(ORG_SUFFIXES)
_LONGEST_SUFFIX = max(map(len, ORG_SUFFIXES))
# The ends of the shipped organisations: where one jieba cut into pieces may end.
_ORG_ENDS = frozenset(
    org[n:]
    for org in ORGS
    for n in range(1, len(org))
    if len(org) - n > 1 or org[n:] in _SUFFIX_SET
)
_MODIFIER_TAGS = frozenset(("ns", "nt", "nz", "n", "j"))
_NAMELIKE_TAGS = frozenset(("ns", "nt", "nz"))


def bits(piece: str, tag: str | None, tags: dict[str, str]) -> int:
    """HEAD (and ORG_END) for a piece the organisation pass looks at."""
    kind = 0
    if (
        _suffix(piece, tags)
        or (tag == "nt" and len(piece) > 1 and piece not in GENERIC_ORGS)  # not 暨
        or piece in ORGS
        or (len(piece) >= 3 and piece.endswith(POST_ENDINGS))
    ):
        kind |= HEAD
    if piece in _ORG_ENDS:
        kind |= HEAD | ORG_END
    return kind


def _suffix(piece: str, tags: dict[str, str]) -> str | None:
    """The organisation suffix `piece` ends with (one character only on longer words)."""
    for n in range(min(len(piece), _LONGEST_SUFFIX), 0, -1):
        suffix = piece[-n:]
        if suffix in _SUFFIX_SET:
            if piece.endswith(NOT_ORG_ENDINGS):
                return None
            if n > 1 or len(piece) >= 3 or tags.get(piece) in ("nt", "j"):
                return suffix
            return None
    return None


def find(article: Pieces) -> None:
    """The organisations among the pieces, before people and places take any."""
    text = article.text
    if "《" in text:
        for match in _PAPER.finditer(text):
            _take_org(article, match.start(1), match.end(1), aligned=False)
    if "驻" in text:
        for match in _MISSION.finditer(text):
            prefix = _MISSION_PREFIX.search(text, max(0, match.start() - 3), match.start())
            start = prefix.start() if prefix else match.start()
            _take_org(article, start, match.end(), aligned=False)
    if _LATIN.search(text):
        for match in _LATIN_MEDIUM.finditer(text):
            _take_org(article, match.start(), match.end(), aligned=True)
    kinds = article.kinds
    heads = [i for i in reversed(article.marked) if kinds[i] & HEAD]
    for i in heads:
        if not article.taken[i]:
            _org_at(article, i)
    for i in heads:
        if kinds[i] & ORG_END and not article.taken[i]:
            _known_org_at(article, i)


def _take_org(article: Pieces, start: int, end: int, aligned: bool) -> None:
    """text[start:end] is an organisation, unless its pieces are spoken for
    (or, `aligned`, it does not start and end at piece boundaries)."""
    starts = article.starts
    first = bisect_left(starts, start)
    last = bisect_left(starts, end, first)
    if aligned and (starts[first] != start or starts[last] != end):
        return
    if first < len(article.pieces) and all(article.free(i) for i in range(first, last)):
        article.take(start, end)
        article.found.orgs[article.text[start:end]] += 1


def _known_org_at(article: Pieces, i: int) -> None:
    """国家|发展|改革|委: a shipped organisation that jieba cut into pieces ending at i."""
    for first in range(max(0, i - 4), i):
        if "".join(article.pieces[first : i + 1]) in ORGS:
            _take_org(article, article.starts[first], article.starts[i + 1], aligned=True)
            return


def _namelike(tags: dict[str, str], piece: str) -> bool:
    if piece in GENERIC_ORGS or piece in NOT_PLACES:
        return False
    tag = tags.get(piece)
    return tag is None or tag in _NAMELIKE_TAGS or piece in PLACES or piece in ORGS


def _modifier(article: Pieces, i: int) -> bool:
    """Can piece i stand in front of an organisation's name (中国|环境监测|总站)?"""
    piece = article.pieces[i]
    tag = article.lex.tags.get(piece)
    if tag in ("nr", "nrt") and article.pieces[i + 1] in COMPANY_WORDS:
        return article.free(i)  # 巨石|集团, 爱立信|(: a brand before a company word
    if not article.free(i) or piece in NOT_MODIFIERS or piece in TITLES or not is_han(piece):
        return False
    if tag is None:
        return not FUNCTION_CHARS.intersection(piece)
    return tag in _MODIFIER_TAGS or piece in ORGS


def _org_at(article: Pieces, i: int) -> None:
    pieces, lex, found = article.pieces, article.lex, article.found
    piece = pieces[i]
    head = piece
    for post in POST_ENDINGS if piece.endswith(POST_ENDINGS) else ():
        stem = piece[: -len(post)]
        if piece.endswith(post) and len(stem) >= 2:
            if is_place(lex, stem):
                found.places[stem] += 1
                article.taken[i] = True
                return
            if _suffix(stem, lex.tags) is not None:
                head = stem
                break
    caucus = head.endswith("党") and article.free(i + 1) and pieces[i + 1][:1] == "团"
    if caucus:
        head += "团"
    tag = lex.tags.get(head)
    known = head in ORGS or tag == "nt"
    suffix = _suffix(head, lex.tags)
    if (not known and suffix is None) or (suffix is None and head in GENERIC_ORGS):
        return
    namelike = known or (
        suffix is not None
        and len(head) > len(suffix)
        and head not in GENERIC_ORGS
        and (tag is None or lex.freq.get(head, 0) < RARE)
    )
    first = i
    while first > 0 and i - first < 5 and not caucus:
        if pieces[first - 1] == ")" and first >= 3 and pieces[first - 3] == "(":
            if not _modifier(article, first - 2):
                break
            first -= 3
            namelike = True  # 爱立信(中国)有限公司
            continue
        if not _modifier(article, first - 1):
            break
        first -= 1
        namelike = namelike or _namelike(lex.tags, pieces[first])
    if not namelike or (first == i and (head in GENERIC_ORGS or head == suffix)):
        return
    prefix = "".join(pieces[first:i])
    if head.endswith("政府"):
        country = prefix + head[: -len("政府")]
        if len(country) < 2:
            return
        if country in PLACES or lex.tags.get(country) == "ns":
            found.places[country] += 1
            article.take_pieces(first, i + 1)
            return
    name = prefix + head
    if name in GENERIC_ORGS:
        return
    article.take_pieces(first, i + 1)
    found.orgs[name] += 1
