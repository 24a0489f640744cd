"""Bylines and credits -> author names (and the dateline a byline lead prints).

Three places name the people behind an article: a byline LINE under the title
(`本报记者 李莉 龙雨晴 文图`, `文/图 张三`), a byline LEAD opening the first
paragraph (`本报讯(记者 张立 杨宜楠)12月29日,…`, `新华社北京1月4日电(记者 张三)…`),
and trailing CREDITS (`（记者 张三 摄）`, `（张三）` after the last sentence).

A name is never cut: a credit word (文, 图, 摄, 文图, 文/图, 摄影, 报道) counts only
as a word of its own, since names end in 文 or 图 (张建文, 李宏图). The one
exception is a photo credit in parentheses whose 摄 is glued to the name
(`（新华社记者兰红光摄）`), how People's Daily prints them.

The grammar (roles, credit words, the name and date patterns) is
text/entities/credits.py's and the surnames text/entities/lexicon.py's: the
entity rules set the same credits aside, so both read them from one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.markup import SENTENCE_END
from search.text.entities.credits import CREDIT_WORDS, DIGIT_DATE, NAME_WORD, ROLE
from search.text.entities.lexicon import BYLINE_SURNAMES, COMPOUND_SURNAMES

_ROLE = re.compile(ROLE)
_NAME = re.compile(NAME_WORD)
# Column names that follow a role like a name would: `记者手记` is a heading, not a byline.
_NOT_NAMES = frozenset(
    "手记 观察 调查 来信 连线 专访 述评 见闻 探访 走访 随笔 札记 笔记 节日 眼中 视角 "
    "体验 日记 追踪 直击 访谈 感言 之家 待续 未完 附件 全文完 续完 节选 有删节 摘编 综合 "
    "资料图 资料图片 传真照片 传真 照片 图片 漫画 插图 题图 剪纸 书法 国画 社论 短评 编者按 "
    "摄影作品".split()
)
# Sources, not people: （据新华社）, （本报综合）, （新华网）.
_NOT_A_PERSON = re.compile(r"^[据本]|[社报台网电刊站部稿]$")
# Where a second (third) name may start in a glued word of 4, 5 or 6 characters.
_CUTS: dict[int, list[tuple[int, ...]]] = {4: [(2,)], 5: [(2,), (3,)], 6: [(3,), (2, 4)]}
_SPLIT = re.compile(r"[\s、，,;；]+")
_LEAD = re.compile(
    r"^(?P<prefix>本报讯|本报消息|本报[^\s（(，,。]{1,12}?[讯电]|[^\s（(，,。]{1,20}?电)?\s*"
    r"[（(]\s*(?P<credit>" + ROLE + r"[^）)]{0,60})[）)]"
)
_DATELINE = re.compile(DIGIT_DATE)
_TRAILING = re.compile(r"[（(]\s*(?P<credit>[^（()）]{2,60})[）)]$")
_CAPTION_CREDIT = re.compile(r"(?P<credit>" + ROLE + r"\s*[\u4e00-\u9fff·\s]{2,20}?)\s*摄$")
_AGENCY = re.compile(r"[\u4e00-\u9fff]{1,8}社发")


def names_in(credit: str, glued_photo: bool = False) -> list[str] | None:
    """The names in a credit (`记者 张三 通讯员 李四 摄`), or None when it is not one:
    every word must be a role, a credit word or a name, and one a name."""
    words = [w for w in _SPLIT.split(credit.strip()) if w]
    if glued_photo and words and words[-1].endswith("摄") and len(words[-1]) >= 3:
        words[-1] = words[-1][:-1]
    names: list[str] = []
    for word in words:
        if word in CREDIT_WORDS:
            continue
        rest = _ROLE.sub("", word, count=1) if _ROLE.match(word) else word
        if not rest:
            continue
        if not _NAME.fullmatch(rest) or rest in _NOT_NAMES or _NOT_A_PERSON.search(rest):
            return None
        names += _unglued(rest)
    return names or None


def _unglued(word: str) -> list[str]:
    """Two or three names printed without a space (`李济国贾建舟`, `王锦鹄毛磊`), split where
    a common surname (`BYLINE_SURNAMES`) starts a 2- or 3-character name; anything unclear
    stays one word (`欧阳明华`, and `次仁卓玛`, whose first character is no surname)."""
    if (
        "·" in word
        or len(word) < 4
        or word[0] not in BYLINE_SURNAMES
        or word[:2] in COMPOUND_SURNAMES
    ):
        return [word]
    fits = [
        cut
        for cut in _CUTS.get(len(word), [])
        if all(word[i] in BYLINE_SURNAMES for i in cut)
        and all(1 < b - a < 4 for a, b in zip((0, *cut), (*cut, len(word)), strict=True))
    ]
    if len(fits) != 1:
        return [word]
    bounds = (0, *fits[0], len(word))
    return [word[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def byline_line(line: str) -> list[str] | None:
    """Authors when the whole line is a byline (removed from the text), else None."""
    text = line.strip()
    if text[:1] in "（(" and text[-1:] in "）)":
        text = text[1:-1].strip()
    words = [w for w in _SPLIT.split(text) if w]
    if not any(_ROLE.match(w) or w in CREDIT_WORDS for w in words):
        return None
    return names_in(text, glued_photo=text.endswith("摄"))


@dataclass(frozen=True, slots=True)
class Lead:
    authors: tuple[str, ...]
    dateline: str | None


def byline_lead(paragraph: str) -> Lead | None:
    """The authors and dateline of a first paragraph opening with a byline lead."""
    match = _LEAD.match(paragraph)
    if not match:
        return None
    names = names_in(match.group("credit"))
    if names is None:
        return None
    date = _DATELINE.search(match.group("prefix") or "") or _DATELINE.match(
        paragraph[match.end() :].lstrip()
    )
    return Lead(tuple(names), date.group(0) if date else None)


def trailing_credit(paragraph: str) -> tuple[list[str], str] | None:
    """(authors, the paragraph without the credit) for a paragraph ending in a credit:
    `…现场。（记者 张三 摄）`, `…讲话。（张三）`; a bare name needs the sentence end
    before it, so `成立了领导小组（组长）` keeps its words."""
    if not paragraph.endswith(("）", ")", "摄")):
        return None
    match = _TRAILING.search(paragraph[-62:]) or _CAPTION_CREDIT.search(paragraph[-40:])
    if not match:
        return None
    credit = match.group("credit").strip()
    before = paragraph[: len(paragraph) - len(match.group(0))].rstrip()
    agency = _AGENCY.match(credit)
    if agency:  # （新华社发）, （新华社发 张三摄）
        credit = credit[agency.end() :].strip()
        if not credit:
            return [], before
    photo = credit.endswith("摄")
    if not (agency or photo or _ROLE.search(credit)) and before and before[-1] not in SENTENCE_END:
        return None
    names = names_in(credit, glued_photo=photo)
    return None if names is None else (names, before)
