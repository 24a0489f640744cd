"""Page furniture: the header and footer lines a printed page carries around its articles.

A header line (`郑州日报 2024年12月31日 星期二 第03版：要闻`) is never text, and
what it prints is the page's metadata: the date, the paper, the page (版) and
its name. A footer line (`责任编辑：王小明 校对：赵六`) is never text either. Both
are recognised only when the WHOLE line is made of such parts, so a sentence
that mentions a date or an editor stays a sentence.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

HEADER_CHARS = 80  # the longest header line: paper, date, weekday, issue, page and name
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_NUMERAL = "〇零一二三四五六七八九十"


def chinese_number(text: str) -> int | None:
    """`十二` -> 12, `二十` -> 20, `三` -> 3, `二〇二四` -> 2024 (digit by digit); else None."""
    if not text or any(c not in _NUMERAL for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def page_label(raw: str) -> str | None:
    """The printed page as baoku records it: `03` -> `3`, `三` -> `3`, `A03` -> `A3`."""
    raw = unicodedata.normalize("NFKC", raw).strip()
    letter, digits = (
        (raw[0].upper(), raw[1:]) if raw[:1].isascii() and raw[:1].isalpha() else ("", raw)
    )
    number = int(digits) if digits.isdigit() else chinese_number(digits)
    return f"{letter}{number}" if number else None


PAGE_NUMBER = r"[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3}"
_PAGE = re.compile(rf"第?({PAGE_NUMBER})版(?:[：:]\s*([\u4e00-\u9fff·]{{1,10}}))?")
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_CHINESE_DATE = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")
_ISSUE = re.compile(r"[（(]?总?第\d+期[）)]?|[（(]?总\d+号[）)]?")
_LUNAR = re.compile(r"农历\S{2,12}")
# A paper's name: these endings alone (a line `喜报` or `情况通报` at the top is a title).
_PAPER = re.compile(
    r"[\u4e00-\u9fff]{1,10}(?:日报|晚报|早报|时报|商报|周报|青年报|导报|快报|都市报|特区报|"
    r"经济报|法治报|法制报|科技报|农民报|工人报|参考报|文摘报|教育报|消息报|学习报)"
    r"(?:[\u4e00-\u9fff]{1,3}版)?"
)
_SEPARATORS = re.compile(r"[\s|｜/·•]+")
_PAGE_NAME = re.compile(r"[\u4e00-\u9fff·]{1,10}")

_CREDIT_LABELS = (
    "本版责编|本版编辑|责任编辑|值班编辑|美术编辑|图片编辑|文字编辑|版式设计|责任校对|"
    "责编|美编|编辑|版式|校对|制图|组版|排版|审校|终审|复审|初审|监制|统筹"
)
_CREDIT_SPLIT = re.compile(rf"({_CREDIT_LABELS})\s*[：:]")
_CREDIT_NAMES = re.compile(r"[\u4e00-\u9fff·A-Za-z\s、，,]{0,24}")


@dataclass(frozen=True, slots=True)
class Header:
    """What one header line printed; None where it printed nothing of that kind."""

    date: datetime.date | None = None
    paper: str | None = None
    page: str | None = None
    page_name: str | None = None


def read_header(line: str, top: bool) -> Header | None:
    """The line as a header, or None when any part of it is not header furniture.

    At the top of a page a line of only a paper name, a date or an issue
    number is a header; further down only a running header or footer
    (a page together with a date or paper) is, since an article may end with
    a date line (a statement's signing date).
    """
    if len(line) > HEADER_CHARS or not (top or "版" in line):
        return None  # a paragraph, not a header: most lines leave here
    text = unicodedata.normalize("NFKC", line).strip().strip("#*").strip()
    date = paper = page = page_name = None
    kinds: set[str] = set()
    words: list[str] = []
    for token in (t for t in _SEPARATORS.split(text) if t):
        if match := _PAGE.fullmatch(token):
            page, page_name = page_label(match.group(1)), match.group(2) or page_name
            kinds.add("page")
        elif match := _DATE.fullmatch(token):
            date = _date(*match.groups())
            kinds.add("date")
        elif match := _CHINESE_DATE.fullmatch(token):
            date = _date(*(str(chinese_number(g)) for g in match.groups()))
            kinds.add("date")
        elif _PAPER.fullmatch(token):
            paper = token
            kinds.add("paper")
        elif _WEEKDAY.fullmatch(token) or _ISSUE.fullmatch(token) or _LUNAR.fullmatch(token):
            kinds.add("other")
        elif _PAGE_NAME.fullmatch(token) and not words:
            words.append(token)
        else:
            return None
    if words:
        if "page" not in kinds:
            return None  # a lone word is a title or a section, not a page name
        page_name = page_name or words[0]
    wanted = bool(kinds) if top else "page" in kinds and bool(kinds & {"date", "paper"})
    return Header(date, paper, page, page_name) if wanted else None


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def is_footer(line: str) -> bool:
    """A line made only of production credits: `责任编辑：王小明 美术编辑：李大为 校对：赵六`."""
    text = line.strip().strip("*").strip()
    if len(text) > HEADER_CHARS or not ("：" in text or ":" in text):
        return False
    if text[:1] in "（(" and text[-1:] in "）)":
        text = text[1:-1].strip()
    parts = _CREDIT_SPLIT.split(text)
    if len(parts) < 3 or parts[0].strip():
        return False
    names = parts[2::2]
    return all(_CREDIT_NAMES.fullmatch(n) for n in names)
