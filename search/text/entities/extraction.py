"""Who and where: the people, places and organisations an article mentions.

Reads the jieba pieces the import already cut (`analysed.py`), never the text
again: a second jieba pass (posseg) would cost five times the cut. Instead,
rules over the pieces, jieba's dictionary tags and frequencies, and small
shipped word lists (`data/*.txt`, read by lexicon.py, each saying what it is for):

- credits and datelines (`本报蚌埠1月1日电`, `记者张三报道`, a closing `（张三）`)
  are found by regexes over each unit's text and their pieces set aside, so
  bylines and dateline places are not mentions;
- organisations first: a piece ending in an organisation suffix (局, 委员会,
  有限公司…) or a post built on one (财政部长 -> 财政部) takes the name-like
  pieces before it (中国|环境监测|总站); pieces an organisation takes give no
  place or person (中国 in 中国环境监测总站); `X政府` is the place X;
- people: a word jieba made up (not in its dictionary) that starts with a
  surname, a surname piece joined to its given name (柯文|哲, 蒋|万安), a
  dictionary name (nr), a transliteration (托尼·布莱尔, 武亚|诺维奇); a weak
  form counts only if a post, title or speech verb vouches for it somewhere in
  the article; titles are never part of a name (李鹏总理 -> 李鹏, 李总理 -> no one);
  a short form counts towards the full name (布莱尔 -> 托尼·布莱尔);
- places: the shipped list, administrative suffixes (花溪区), and jieba's ns
  tag for words common enough, less the ordinary words it wrongly carries;
  a short form counts towards a fuller one (湖北 -> 湖北省).

Why it is fast enough to run on every article at import: each distinct piece
is classified once (`_Kinds`, cached) into the passes that may use it, so a
unit costs a C-level map over its pieces and Python work only at the few
candidates; the regexes start with literals or run only where a literal
(记者, 《, 驻) shows they may match.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate, compress

import jieba.posseg

from search.models import ENTITY_KINDS, EntityKind, Mention
from search.text.analysis import segmenter
from search.text.entities.lexicon import (
    ADMIN_SUFFIXES,
    COMPANY_WORDS,
    FUNCTION_CHARS,
    GENERIC_ORGS,
    JAPANESE_SURNAMES,
    LOCAL_POSTS,
    NAME_PREFIXES,
    NOT_GIVEN,
    NOT_MODIFIERS,
    NOT_ORG_ENDINGS,
    NOT_PLACE_ENDINGS,
    NOT_PLACES,
    ORG_SUFFIXES,
    ORGS,
    PLACE_SUFFIXES,
    PLACES,
    POST_ENDINGS,
    POST_SUFFIXES,
    RARE,
    SPEECH,
    SURNAMES,
    TITLES,
    TRANSLITERATION,
)

_HAN = re.compile(r"[\u3400-\u9fff]+")
_CREDIT_WORDS = "记者|通讯员|责任编辑|编辑|责编|撰文|执笔|摄影"
_NAME = r"[\u4e00-\u9fff]{2,4}(?:[·・•‧][\u4e00-\u9fff]{1,8})*"
# Names and what separates them: one way to match each gap (a comma with any spaces
# around it, or spaces), or a failing match backtracks through every split.
_GAP = r"(?:[^\S\n]*[、,][^\S\n]*|[^\S\n]+)"
_NAMES = rf"{_NAME}(?:{_GAP}(?!{_CREDIT_WORDS}){_NAME})*"
_DATE = r"(?:\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九十]{1,3}月[〇零一二三四五六七八九十]{1,3}日)"
_AGENCY = r"(?:新华社|中新社|本报|本台|人民日报|中央社|法新社|路透社|美联社|塔斯社|新华网|人民网)"
# A unit's opening dateline, agency and place: 新华社北京1月4日电, 本报讯. Units are
# lines of the text `extract` reads, so ^ and $ are a unit's start and end.
_DATELINE = re.compile(
    rf"^[^\S\n]*[(]?据?{_AGENCY}(?:记者)?(?:驻?[\u4e00-\u9fff]{{2,8}}?)?{_DATE}?(?:电|讯)",
    re.MULTILINE,
)
# Other credits: broadcast openers, bylines and photo credits, notes on the
# author, closing names. Each is looked for only where a literal shows it may be.
_OPENER = re.compile(r"本报(?:特约)?评论员|本台消息[::]?|央视网消息[^\S\n]*\(新闻联播\)[::]?")
_OPENER_HINT = re.compile("评论员|消息")
_BYLINE = re.compile(
    rf"(?:记者|通讯员|责任编辑|编辑|责编|撰文|执笔)"
    rf"[^\S\n]*[::]?[^\S\n]*{_NAMES}(?:[^\S\n]*(?:报道|摄))?"
    rf"(?=[^\S\n]*(?:[)\]:]|$)|[^\S\n]+(?:{_CREDIT_WORDS}))",
    re.MULTILINE,
)
_BYLINE_HINT = re.compile("记者|通讯员|编辑|责编|撰文|执笔")
# A closing credit: names with gaps between them, or one run of characters (names
# glued together, 陈晓红夏同杰, or a workplace and a name). Never names with optional
# gaps: a long bracketed sentence could be split that way in exponentially many ways.
_CLOSING = re.compile(
    rf"[(][^\S\n]*(?:{_NAMES}|[\u4e00-\u9fff]{{4,24}})[^\S\n]*[)][。.]?[^\S\n]*$",
    re.MULTILINE,
)
_AUTHOR_NOTE = re.compile(r"[(](?:作者|编者)[^)]*[)]")
# What stands before a byline's 记者 and belongs to the credit: 新华社记者, 特约记者.
_CREDIT_PREFIX = re.compile(rf"(?:{_AGENCY}|特约|实习|摄影)+$")
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
_DOTS = frozenset("·・•‧")

_SUFFIX_SET = frozenset(ORG_SUFFIXES)
_LONGEST_SUFFIX = max(map(len, ORG_SUFFIXES))
_MODIFIER_TAGS = frozenset(("ns", "nt", "nz", "n", "j"))
_NAMELIKE_TAGS = frozenset(("ns", "nt", "nz"))

# Tags of a piece that may be a given name after a lone surname (蒋|万安); "nz" stands
# for a piece not in the dictionary.
_GIVEN = frozenset(("nz", "nr", "nrfg"))
_PERSON_TAGS = frozenset(("nr", "nrfg", "nrt"))
_TRANSLIT = re.compile(f"[{TRANSLITERATION}]+")
# Bits of `_Kinds`: the passes a piece is a candidate for.
_HEAD, _PERSON, _ANCHOR, _DOT, _PLACE, _ORG_END = 1, 2, 4, 8, 16, 32
_KINDS_CACHED = 300_000  # distinct pieces remembered; later ones are classified each time


@dataclass(frozen=True)
class _Lexicon:
    tags: dict[str, str]
    freq: dict[str, int]
    surnames: frozenset[str]
    japanese: frozenset[str]
    places: frozenset[str]
    not_places: frozenset[str]
    orgs: frozenset[str]
    named: frozenset[str]  # people the shipped or user dictionary names (`韩国瑜 2000 nr`)
    kinds: _Kinds  # piece -> which passes look at it


class _Kinds(dict[str, int]):
    """piece -> the bits of the passes that look at it, computed once per distinct piece."""

    def __init__(self, tags: dict[str, str], **lists: frozenset[str]) -> None:
        super().__init__()
        self.tags = tags
        self.surnames = lists["surnames"] | lists["japanese"]
        self.starters = frozenset(name[0] for name in lists["surnames"])
        self.orgs = lists["orgs"]
        # the ends of the shipped organisations: where one jieba cut into pieces may end
        self.org_ends = frozenset(
            org[n:]
            for org in self.orgs
            for n in range(1, len(org))
            if len(org) - n > 1 or org[n:] in _SUFFIX_SET
        )
        self.places = lists["places"]
        self.not_places = lists["not_places"]

    def __missing__(self, piece: str) -> int:
        tag = self.tags.get(piece)
        kind = 0
        if (
            _suffix(piece, self.tags)
            or (tag == "nt" and len(piece) > 1 and piece not in GENERIC_ORGS)  # not 暨
            or piece in self.orgs
            or (len(piece) >= 3 and piece.endswith(POST_ENDINGS))
        ):
            kind |= _HEAD
        if piece in self.org_ends:
            kind |= _HEAD | _ORG_END
        if (
            _HAN.fullmatch(piece)
            and (
                (piece[0] in self.starters and (tag is None or tag in ("nr", "nrfg")))
                or (tag == "nz" and len(piece) == 2 and piece[0] in self.starters)
                or (tag is None and piece[0] in NAME_PREFIXES)
                or piece in self.surnames
                or piece[:2] in self.surnames  # 桥本龙太郎
                or piece[:3] in self.surnames
            )
        ):
            kind |= _PERSON
        if tag in ("nr", "nrt") or (tag == "ns" and _TRANSLIT.fullmatch(piece)):
            kind |= _ANCHOR
        if piece in _DOTS:
            kind |= _DOT
        if len(piece) >= 2 and piece not in self.not_places:
            if tag == "ns" or piece in self.places or piece.endswith(PLACE_SUFFIXES):
                kind |= _PLACE
        if len(self) < _KINDS_CACHED:
            self[piece] = kind
        return kind


@lru_cache(maxsize=2)
def _lexicon(tokenizer: jieba.Tokenizer) -> _Lexicon:
    """jieba's dictionary tags and frequencies as `tokenizer` (analysis.segmenter, with
    the shipped and the user dictionary) has them, and the shipped lists: loaded once
    per tokenizer, so a changed user dictionary is seen."""
    # The shipped and the user dictionary's tags win: a newsroom that adds `柯文哲 nr`
    # to its user dictionary makes him a person.
    tags = {**jieba.posseg.dt.word_tag_tab, **tokenizer.user_word_tag_tab}
    named = frozenset(w for w, tag in tokenizer.user_word_tag_tab.items() if tag in _PERSON_TAGS)
    return _Lexicon(
        tags=tags,
        freq=tokenizer.FREQ,
        surnames=SURNAMES,
        japanese=JAPANESE_SURNAMES,
        places=PLACES,
        not_places=NOT_PLACES,
        orgs=ORGS,
        named=named,
        kinds=_Kinds(
            tags,
            surnames=SURNAMES,
            japanese=JAPANESE_SURNAMES,
            orgs=ORGS,
            places=PLACES,
            not_places=NOT_PLACES,
        ),
    )


@dataclass
class _Found:
    orgs: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    people: Counter[str] = field(default_factory=Counter)
    vouched: set[str] = field(default_factory=set)  # people with a strong form or a cue


def _is_han(piece: str) -> bool:
    return _HAN.fullmatch(piece) is not None


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


class _Pieces:
    """An article's pieces, each unit ended by a "\\n" piece; their offsets, which passes
    each may serve (`kinds`), and which are spoken for (`taken`).

    Each pass visits only the `marked` pieces: a Python call per piece would
    cost more than jieba's cut.
    """

    def __init__(self, pieces: Sequence[str], lex: _Lexicon, found: _Found) -> None:
        self.pieces = pieces
        self.lex = lex
        self.found = found
        self.text = text = "".join(pieces)
        self.kinds = list(map(lex.kinds.__getitem__, pieces))
        self.marked = list(compress(range(len(pieces)), self.kinds))
        self.taken = [False] * len(pieces)
        for match in _DATELINE.finditer(text):
            self._take(match.start(), match.end())
        if _OPENER_HINT.search(text):
            for match in _OPENER.finditer(text):
                self._take(match.start(), match.end())
        if _BYLINE_HINT.search(text):
            for match in _BYLINE.finditer(text):
                start = match.start()
                prefix = _CREDIT_PREFIX.search(text, max(0, start - 8), start)
                self._take(prefix.start() if prefix else start, match.end())
        if ")" in text:
            for match in _CLOSING.finditer(text):
                self._take(match.start(), match.end())
        for match in _AUTHOR_NOTE.finditer(text):
            self._take(match.start(), match.end())

    @cached_property
    def starts(self) -> list[int]:
        """Each piece's offset in the text, and the text's length."""
        return [0, *accumulate(map(len, self.pieces))]

    def _take(self, start: int, end: int) -> None:
        """Mark the pieces that start inside text[start:end] taken."""
        first = bisect_left(self.starts, start)
        for i in range(first, min(bisect_left(self.starts, end, first), len(self.pieces))):
            self.taken[i] = True

    def _take_pieces(self, first: int, end: int) -> None:
        for i in range(first, end):
            self.taken[i] = True

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.pieces) and not self.taken[i]

    def _take_org(self, start: int, end: int, aligned: bool) -> None:
        """text[start:end] is an organisation, unless its pieces are spoken for
        (or, `aligned`, it does not start and end at piece boundaries)."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end, first)
        if aligned and (self.starts[first] != start or self.starts[last] != end):
            return
        if first < len(self.pieces) and all(self.free(i) for i in range(first, last)):
            self._take(start, end)
            self.found.orgs[self.text[start:end]] += 1

    # organisations

    def orgs(self) -> None:
        text = self.text
        if "《" in text:
            for match in _PAPER.finditer(text):
                self._take_org(match.start(1), match.end(1), aligned=False)
        if "驻" in text:
            for match in _MISSION.finditer(text):
                prefix = _MISSION_PREFIX.search(text, max(0, match.start() - 3), match.start())
                start = prefix.start() if prefix else match.start()
                self._take_org(start, match.end(), aligned=False)
        if _LATIN.search(text):
            for match in _LATIN_MEDIUM.finditer(text):
                self._take_org(match.start(), match.end(), aligned=True)
        kinds = self.kinds
        heads = [i for i in reversed(self.marked) if kinds[i] & _HEAD]
        for i in heads:
            if not self.taken[i]:
                self._org_at(i)
        for i in heads:
            if kinds[i] & _ORG_END and not self.taken[i]:
                self._known_org_at(i)

    def _known_org_at(self, i: int) -> None:
        """国家|发展|改革|委: a shipped organisation that jieba cut into pieces ending at i."""
        for first in range(max(0, i - 4), i):
            if "".join(self.pieces[first : i + 1]) in self.lex.orgs:
                self._take_org(self.starts[first], self.starts[i + 1], aligned=True)
                return

    def _namelike(self, piece: str) -> bool:
        lex = self.lex
        if piece in GENERIC_ORGS or piece in lex.not_places:
            return False
        tag = lex.tags.get(piece)
        return tag is None or tag in _NAMELIKE_TAGS or piece in lex.places or piece in lex.orgs

    def _modifier(self, i: int) -> bool:
        """Can piece i stand in front of an organisation's name (中国|环境监测|总站)?"""
        piece = self.pieces[i]
        tag = self.lex.tags.get(piece)
        if tag in ("nr", "nrt") and self.pieces[i + 1] in COMPANY_WORDS:
            return self.free(i)  # 巨石|集团, 爱立信|(: a brand before a company word
        if not self.free(i) or piece in NOT_MODIFIERS or piece in TITLES or not _is_han(piece):
            return False
        if tag is None:
            return not FUNCTION_CHARS.intersection(piece)
        return tag in _MODIFIER_TAGS or piece in self.lex.orgs

    def _org_at(self, i: int) -> None:
        piece, lex = self.pieces[i], self.lex
        head = piece
        for post in POST_ENDINGS if piece.endswith(POST_ENDINGS) else ():
            stem = piece[: -len(post)]
            if piece.endswith(post) and len(stem) >= 2:
                if self._is_place(stem):
                    self.found.places[stem] += 1
                    self.taken[i] = True
                    return
                if _suffix(stem, lex.tags) is not None:
                    head = stem
                    break
        caucus = head.endswith("党") and self.free(i + 1) and self.pieces[i + 1][:1] == "团"
        if caucus:
            head += "团"
        tag = lex.tags.get(head)
        known = head in lex.orgs or tag == "nt"
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
            if self.pieces[first - 1] == ")" and first >= 3 and self.pieces[first - 3] == "(":
                if not self._modifier(first - 2):
                    break
                first -= 3
                namelike = True  # 爱立信(中国)有限公司
                continue
            if not self._modifier(first - 1):
                break
            first -= 1
            namelike = namelike or self._namelike(self.pieces[first])
        if not namelike or (first == i and (head in GENERIC_ORGS or head == suffix)):
            return
        prefix = "".join(self.pieces[first:i])
        if head.endswith("政府"):
            country = prefix + head[: -len("政府")]
            if len(country) < 2:
                return
            if country in lex.places or lex.tags.get(country) == "ns":
                self.found.places[country] += 1
                self._take_pieces(first, i + 1)
                return
        name = prefix + head
        if name in GENERIC_ORGS:
            return
        self._take_pieces(first, i + 1)
        self.found.orgs[name] += 1

    # people

    def people(self) -> None:
        kinds = self.kinds
        for k in self.marked:
            if kinds[k] & _DOT:
                self._dotted(k)
        for k in self.marked:
            if kinds[k] & _ANCHOR:
                self._transliterated(k)
        pieces, tags, last = self.pieces, self.lex.tags, len(self.pieces) - 1
        end = 0
        for i in self.marked:
            if i < end or not kinds[i] & _PERSON or self.taken[i]:
                continue
            if len(pieces[i]) == 1 and (i == last or tags.get(pieces[i + 1], "nz") not in _GIVEN):
                continue  # a lone surname takes only a given name jieba does not know
            end = self._person_at(i)

    def _person_at(self, i: int) -> int:
        """Look for a person starting at piece i; the index to go on from."""
        pieces, lex = self.pieces, self.lex
        piece = pieces[i]
        if piece in lex.places:
            return i + 1
        nxt = pieces[i + 1] if self.free(i + 1) else ""
        name, end, strong = self._japanese(piece, nxt)
        if not name:
            name, end, strong = self._chinese(piece, lex.tags.get(piece), nxt)
        if not name or (name[-1] in ADMIN_SUFFIXES and name[:2] not in lex.japanese):
            return i + 1
        end += i
        self.found.people[name] += 1
        if strong or name in lex.named or self._cued(i, end):
            self.found.vouched.add(name)
        self._take_pieces(i, end)
        return end

    def _japanese(self, piece: str, nxt: str) -> tuple[str, int, bool]:
        """桥本龙太郎, 堀内|光雄: a Japanese family name and a given name."""
        family = next((piece[:n] for n in (3, 2) if piece[:n] in self.lex.japanese), "")
        if not family:
            return "", 0, False
        if 4 <= len(piece) <= 5 and len(piece) - len(family) >= 2:
            return piece, 1, True
        if piece == family and _is_han(nxt) and 2 <= len(nxt) <= 3 and nxt not in TITLES:
            return piece + nxt, 2, False
        return "", 0, False

    def _chinese(self, piece: str, tag: str | None, nxt: str) -> tuple[str, int, bool]:
        """A surname and a given name, whole (韩国瑜) or split by jieba (柯文|哲, 柯|文哲)."""
        surname = self._surname(piece)
        rest = len(piece) - len(surname)
        single = len(nxt) == 1 and _is_han(nxt) and nxt not in NOT_GIVEN
        if len(nxt) == 2 and nxt not in self.lex.tags and nxt[1] in NOT_GIVEN:
            single, nxt = _is_han(nxt[0]), nxt[0]  # 柯文|哲说
        if not surname:
            if tag is None and len(piece) == 3 and piece[0] in NAME_PREFIXES:
                if self._surname(piece[1:]):  # 对林菱: a preposition glued to a name
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
        given = self.lex.tags.get(nxt, "nz") in _GIVEN and nxt not in TITLES
        if rest == 0 and _is_han(nxt) and 1 <= len(nxt) <= 2 and given:
            return piece + nxt, 2, len(nxt) == 2 and nxt in self.lex.tags  # 蒋|万安
        if rest == 1 and tag in ("nz", "nr") and single:
            return piece + nxt, 2, True
        return "", 0, False

    def _surname(self, piece: str) -> str:
        if len(piece) >= 2 and piece[:2] in self.lex.surnames:
            return piece[:2]
        return piece[:1] if piece[:1] in self.lex.surnames else ""

    def _cued(self, first: int, end: int, before_only: bool = False) -> bool:
        """A post or title before, or a title or speech verb after, the pieces first..end."""
        before = self.pieces[first - 1] if first > 0 else ""
        after = self.pieces[end] if end < len(self.pieces) and not before_only else ""
        if after in TITLES or after in SPEECH:
            return True
        return before in TITLES or (_is_han(before) and before.endswith(POST_SUFFIXES))

    def _translit(self, i: int) -> bool:
        return self.free(i) and _TRANSLIT.fullmatch(self.pieces[i]) is not None

    def _dotted(self, k: int) -> None:
        """托尼·布莱尔: transliterated parts joined by middle dots, around the dot at k."""
        first = k
        while first > 0 and k - first < 3 and self._translit(first - 1):
            first -= 1
        end = k
        while first < k and end < len(self.pieces) and self.pieces[end] in _DOTS:
            after = end + 1
            while after - end <= 3 and self._translit(after):
                after += 1
            if after == end + 1:
                break
            end = after
        if end > k:
            self._person(first, end, vouched=True)

    def _transliterated(self, k: int) -> None:
        """普京, 武亚|诺维奇, 阿尔布佐|夫: transliteration pieces around one tagged a name
        (or tagged a place but after a post: 总统|普京)."""
        if not self._translit(k):
            return
        if self.lex.tags.get(self.pieces[k]) == "ns":
            if self.pieces[k] in self.lex.places or not self._cued(k, k + 1, before_only=True):
                return
        first, end = k, k + 1
        tags = self.lex.tags
        while first > 0 and k - first < 2 and self.pieces[first - 1] not in tags:
            if not self._translit(first - 1):
                break
            first -= 1
        nxt = self.pieces[end] if end < len(self.pieces) else ""
        if self._translit(end) and (nxt not in tags or len(nxt) == 1):
            if nxt not in NOT_GIVEN:
                end += 1
        if end - first == 1 and (self._surname(self.pieces[k]) or len(self.pieces[k]) < 2):
            return  # 李鹏 is a Chinese name, left to the next pass
        self._person(first, end, vouched=self._cued(first, end))

    def _person(self, first: int, end: int, vouched: bool) -> None:
        name = "".join(self.pieces[first:end])
        if name in self.lex.places:
            return
        self.found.people[name] += 1
        if vouched:
            self.found.vouched.add(name)
        self._take_pieces(first, end)

    # places

    def places(self) -> None:
        pieces, lex, kinds = self.pieces, self.lex, self.kinds
        for i in self.marked:
            piece = pieces[i]
            if not kinds[i] & _PLACE or self.taken[i] or len(piece) < 2:
                continue
            after = pieces[i + 1] if self.free(i + 1) else ""
            if piece.endswith("市") and after[:1] == "民":
                piece = piece[:-1]  # 高雄市|民对: jieba cut 高雄|市民 wrongly
            elif after in LOCAL_POSTS and piece in lex.places:
                piece += after[0]  # 台北|市长: the city is 台北市
            if self._is_place(piece):
                self.found.places[piece] += 1
                continue
            for n in (2, 3):  # 上海浦东新区: two places in one piece
                if piece[:n] in lex.places and self._is_place(piece[n:]):
                    self.found.places[piece[:n]] += 1
                    self.found.places[piece[n:]] += 1
                    break

    def _is_place(self, piece: str) -> bool:
        lex = self.lex
        if piece in lex.places:
            return True
        if len(piece) < 2 or piece in lex.not_places or not _is_han(piece):
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


def _people(found: _Found) -> Counter[str]:
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


def _places(found: _Found) -> Counter[str]:
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


def extract(units: Sequence[Sequence[str]], authors: Sequence[str] = ()) -> tuple[Mention, ...]:
    """Each entity the units mention, once, with its count: people, places, organisations,
    each kind by count (most first), then name."""
    lex = _lexicon(segmenter())
    found = _Found()
    bylines = frozenset(authors)
    pieces: list[str] = []
    for unit in units:
        if bylines and len(unit) < 12 and bylines.issuperset("".join(unit).split()):
            continue  # a paragraph of byline names
        pieces.extend(unit)
        pieces.append("\n")
    article = _Pieces(pieces, lex, found)
    article.orgs()
    article.people()
    article.places()
    counts: Counter[tuple[EntityKind, str]] = Counter()
    by_kind: tuple[tuple[EntityKind, Counter[str]], ...] = (
        ("person", _people(found)),
        ("place", _places(found)),
        ("org", found.orgs),
    )
    for kind, names in by_kind:
        for name, count in names.items():
            counts[kind, name] += count
    order = {kind: n for n, kind in enumerate(ENTITY_KINDS)}
    ranked = sorted(counts.items(), key=lambda item: (order[item[0][0]], -item[1], item[0][1]))
    return tuple(Mention(kind, name, count) for (kind, name), count in ranked)
