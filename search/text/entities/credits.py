"""Credits and datelines: the byline grammar, and where an article's text prints it.

Bylines, credits and datelines (`本报蚌埠1月1日电`, `记者张三报道`, a closing
`（张三）`) name the people and places behind an article, not the ones it is
about, so the entity passes set their pieces aside (`spans`). The page reader
(ingest/bylines.py) reads the authors from the same grammar: the roles, the
credit words, the name patterns, dates and (in lexicon.py) the surnames are
written once, here; ingest sits above text, so it imports them from here.

Where the two readers differ, the difference is named and says why: a page's
byline is split into words at spaces first and then matched whole
(`NAME_WORD`), running text is searched (`NAME`); a page's lead keeps its
dateline only in digits (`DIGIT_DATE`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The roles a credit gives, by job.
REPORTERS = "记者|通讯员"
EDITORS = "责任编辑|编辑|责编"
WRITERS = "撰文|执笔"
PHOTOGRAPHERS = "摄影"
# A reporter as a page's byline prints one: 本报记者, 新华社特约记者, 实习生.
ROLE = (
    r"(?:(?:本报|本刊|人民网|央视|[\u4e00-\u9fff]{1,5}?社)?(?:特约|见习|实习|首席)?"
    rf"(?:{REPORTERS})|实习生)"
)
# What a page's credit says the named did, as a word of its own (张三 摄, 文/图 李四):
# never cut from a name, since names end in 文 or 图 (张建文, 李宏图).
CREDIT_WORDS = frozenset("文 图 摄 文图 图文 文/图 图/文 文·图 摄影 报道 撰文 供图 整理".split())

# One name in running text: two to four characters, or a transliteration's parts
# joined by middle dots (托尼·布莱尔); bounded, since it is searched for.
NAME = r"[\u4e00-\u9fff]{2,4}(?:[·・•‧][\u4e00-\u9fff]{1,8})*"
# A page's byline word that holds names: up to eight characters, since a page may print
# two or three names glued (李济国贾建舟, split at lexicon.BYLINE_SURNAMES), and only
# the dot · (NAME also takes ・•‧; bylines never did).
NAME_WORD = r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,7}"

# A printed date: 1月4日 (\d takes full-width digits too, as People's Daily prints them).
DIGIT_DATE = r"\d{1,2}月\d{1,2}日"
# Or in Chinese numerals, 一月四日: a page's lead does not keep those (DIGIT_DATE) as it
# never did; reading them there would add a dateline to 8 of pd1998's first 1,500 leads.
DATE = rf"(?:{DIGIT_DATE}|[〇零一二三四五六七八九十]{{1,3}}月[〇零一二三四五六七八九十]{{1,3}}日)"
_AGENCY = r"(?:新华社|中新社|本报|本台|人民日报|中央社|法新社|路透社|美联社|塔斯社|新华网|人民网)"

_ROLES = f"{REPORTERS}|{EDITORS}|{WRITERS}|{PHOTOGRAPHERS}"
# Names and what separates them: one way to match each gap (a comma with any spaces
# around it, or spaces), or a failing match backtracks through every split.
_GAP = r"(?:[^\S\n]*[、,][^\S\n]*|[^\S\n]+)"
_NAMES = rf"{NAME}(?:{_GAP}(?!{_ROLES}){NAME})*"
# A unit's opening dateline, agency and place: 新华社北京1月4日电, 本报讯. Units are
# lines of the text the passes read, so ^ and $ are a unit's start and end.
_DATELINE = re.compile(
    rf"^[^\S\n]*[(]?据?{_AGENCY}(?:记者)?(?:驻?[\u4e00-\u9fff]{{2,8}}?)?{DATE}?(?:电|讯)",
    re.MULTILINE,
)
# Other credits: broadcast openers, bylines and photo credits, notes on the
# author, closing names. Each is looked for only where a literal shows it may be.
_OPENER = re.compile(r"本报(?:特约)?评论员|本台消息[::]?|央视网消息[^\S\n]*\(新闻联播\)[::]?")
_OPENER_HINT = re.compile("评论员|消息")
_BYLINE_ROLES = f"{REPORTERS}|{EDITORS}|{WRITERS}"
_BYLINE = re.compile(
    rf"(?:{_BYLINE_ROLES})"
    rf"[^\S\n]*[::]?[^\S\n]*{_NAMES}(?:[^\S\n]*(?:报道|摄))?"
    rf"(?=[^\S\n]*(?:[)\]:]|$)|[^\S\n]+(?:{_ROLES}))",
    re.MULTILINE,
)
_BYLINE_HINT = re.compile(_BYLINE_ROLES)
# A closing credit: names with gaps between them, or one run of characters (names
# glued together, 陈晓红夏同杰, or a workplace and a name). Never names with optional
# gaps: a long bracketed sentence could be split that way in exponentially many ways.
_CLOSING = re.compile(
    rf"[(][^\S\n]*(?:{_NAMES}|[\u4e00-\u9fff]{{4,24}})[^\S\n]*[)][。.]?[^\S\n]*$",
    re.MULTILINE,
)
_AUTHOR_NOTE = re.compile(r"[(](?:作者|编者)[^)]*[)]")
# What stands before a byline's 记者 and belongs to the credit: 新华社记者, 特约记者.
_CREDIT_PREFIX = re.compile(rf"(?:{_AGENCY}|特约|实习|{PHOTOGRAPHERS})+$")


def spans(text: str) -> Iterator[tuple[int, int]]:
    """Where the (normalised) text prints a dateline, a broadcast opener, a byline, a
    closing credit or a note on the author: (start, end) offsets, in no order."""
    for match in _DATELINE.finditer(text):
        yield match.span()
    if _OPENER_HINT.search(text):
        for match in _OPENER.finditer(text):
            yield match.span()
    if _BYLINE_HINT.search(text):
        for match in _BYLINE.finditer(text):
            start = match.start()
            prefix = _CREDIT_PREFIX.search(text, max(0, start - 8), start)
            yield (prefix.start() if prefix else start), match.end()
    if ")" in text:
        for match in _CLOSING.finditer(text):
            yield match.span()
    for match in _AUTHOR_NOTE.finditer(text):
        yield match.span()
