"""Real corpus articles rendered into newspaper page text, with what the parser must read back.

docs/pages.md is the rule book; the tests build pages here so that every body paragraph
is real newspaper prose, read from ../shared/corpus at test time (never copied into the
repository), and every expectation is exact. A test then fails only when the parser
breaks a rule, not because a hand-typed page drifted from what it meant to say.

A `Page` is a list of blocks (joined by blank lines, as in the seed page) and the
`Story` list the parser must give back; furniture is added with `Page.add` and takes
no story. `read_back` turns parsed `Article`s into the same dicts `Page.expected` gives.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from support import CORPUS_DIR

from search.models import Article

_FILES = {"pd1998": "pd1998.jsonl", "chinatimes": "chinatimes_tw.jsonl", "xwlb": "xwlb.jsonl"}


@functools.cache
def _lines(name: str) -> dict[str, str]:
    """id -> JSONL line of one corpus file, read once; lines are parsed only when asked for
    (xwlb.jsonl is 120 MB). Every line starts `{"id": "…"`."""
    lines = (CORPUS_DIR / name).read_text("utf-8").splitlines()
    return {line.split('"', 4)[3]: line for line in lines if line}


def corpus_article(article_id: str) -> dict[str, Any]:
    """The corpus record (id, date, title, section, authors, source, paragraphs)."""
    return json.loads(_lines(_FILES[article_id.split("-", 1)[0]])[article_id])


def paras(article_id: str, start: int = 0, stop: int | None = None) -> list[str]:
    return list(corpus_article(article_id)["paragraphs"][start:stop])


def title(article_id: str) -> str:
    return str(corpus_article(article_id)["title"])


# ---------------------------------------------------------------------------
# Cutting real paragraphs: column breaks and hard wraps

CAPTION_STARTS = ("图为", "图：", "上图", "下图", "左图", "右图", "题图")


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _cuts(text: str) -> list[int]:
    """Offsets between two Han characters: a break there is inside a sentence, and neither
    piece ends like a credit or caption (…摄, …文, 新华社发) nor starts like one (图为…)."""
    return [
        i
        for i in range(1, len(text))
        if _is_han(text[i - 1])
        and _is_han(text[i])
        and text[i - 1] not in "摄图文发讯电"
        and not text[i:].startswith(("图", *CAPTION_STARTS))
    ]


def split(text: str, at: float = 0.5) -> tuple[str, str]:
    """A column break: `text` cut inside a sentence nearest `at`. The first half is over 40
    characters so it cannot pass for a kicker or subhead; the second ends the sentence."""
    cuts = [i for i in _cuts(text) if i > 40 and len(text) - i >= 20]
    assert cuts, f"no mid-sentence cut in {text[:20]}…"
    cut = min(cuts, key=lambda i: abs(i - at * len(text)))
    return text[:cut], text[cut:]


def wrap(text: str, width: int = 41) -> str:
    """A hard-wrapped block: lines over 40 characters (never a kicker or subhead), each
    broken inside a sentence, so only the column-break rule can put them back together."""
    lines, start = [], 0
    for i in _cuts(text):
        if i - start >= width and len(text) - i >= width:
            lines.append(text[start:i])
            start = i
    return "\n".join([*lines, text[start:]])


def han_phrase(text: str, size: int = 10) -> str:
    """The first run of `size` Han characters: a phrase query found only where `text` is."""
    for i in range(len(text) - size):
        if all(_is_han(c) for c in text[i : i + size]):
            return text[i : i + size]
    raise AssertionError(f"no {size} Han characters in a row in {text[:20]}…")


# ---------------------------------------------------------------------------
# Furniture (section 1 and 2 of docs/pages.md): invented, never article text

_DIGITS = "〇一二三四五六七八九"
WEEKDAYS = "一二三四五六日"


def cn_number(n: int) -> str:
    """1..99 as printed in a page number or date: 3 -> 三, 12 -> 十二, 31 -> 三十一."""
    tens, ones = divmod(n, 10)
    return (
        (_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (_DIGITS[ones] * bool(ones))
    )


def header(date: datetime.date, paper: str, page: int, page_name: str, style: int) -> str:
    """The masthead in one of the forms of section 2, `style` 0-5; each names the date,
    paper and page, and styles 0 and 2 the page name as well."""
    ymd = f"{date.year}年{date.month}月{date.day}日"
    week = WEEKDAYS[date.weekday()]
    cn_date = "".join(_DIGITS[int(d)] for d in str(date.year))
    cn_date += f"年{cn_number(date.month)}月{cn_number(date.day)}日"
    return [
        f"{paper}\n{ymd} 星期{week}\n第{page:02d}版：{page_name}",
        f"{paper} {ymd} 星期{week} 第{page}版",
        f"{paper} | {date.isoformat()} | 周{week} | {page_name} 第{page}版",
        f"# {paper} · {cn_date} · 第{cn_number(page)}版",
        f"{cn_date} 星期{week} 农历丁丑年腊月廿一 / 总第12345期\n{paper}\n{page:02d}版",
        f"第12345期 {paper} {date.isoformat()} 第{page}版",
    ][style]


FOOTERS = (
    "责任编辑：王小明 美术编辑：李大为 校对：赵六",
    "（本版编辑：王小明 版式：李大为）",
    "责编：王小明 美编：李大为 制图：孙七 组版：赵六",
    "(图片编辑：孙七)",
)
IMAGE_LINES = ("![](http://paper.example.cn/images/1998-01/19/04/p4_b.jpg)", '<img src="p4.jpg">')
NAV_LINES = (
    "[首页](http://paper.example.cn/) [上一版](node_3.htm) [下一版](node_5.htm)",
    "http://paper.example.cn/html/1998-01/19/content_4.htm",
    "www.example.cn",
)
SEPARATORS = ("---", "***", "===", "___", "* * *", "———", "——————")
LIST_MARKERS = "■□●◆▲★◇○☆△▼◎※•▶►"

# Bylines and credits (section 4): (text, the authors it gives).
BYLINE_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("本报记者 李莉 龙雨晴 文图", ("李莉", "龙雨晴")),
    ("记者 王晓东 通讯员 赵明", ("王晓东", "赵明")),
    ("□本报记者 孙立", ("孙立",)),
    ("（记者 孙立）", ("孙立",)),
    ("(记者 王晓东 通讯员 赵明)", ("王晓东", "赵明")),
    ("文/图 孙立", ("孙立",)),
    ("文·图 孙立", ("孙立",)),
    ("图/文 孙立", ("孙立",)),
    ("孙立 文/图", ("孙立",)),
    ("摄影 孙立", ("孙立",)),
    ("本报记者 张建文", ("张建文",)),  # names are never cut: 张建文, not 张建
    ("文/图 张建文", ("张建文",)),
    ("本报记者 李文 张建文 文", ("李文", "张建文")),
    ("新华社记者 王晓东 孙立", ("王晓东", "孙立")),
    ("本报特约记者 王晓东", ("王晓东",)),
    ("人民网记者 王晓东", ("王晓东",)),
    ("中新社记者 王晓东", ("王晓东",)),
    ("见习记者 王晓东 实习生 赵明", ("王晓东", "赵明")),
)
# Leads that stay in the first paragraph: (prefix, authors, dateline).
LEADS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("本报讯(记者 张立 杨宜楠)12月29日,", ("张立", "杨宜楠"), "12月29日"),
    ("本报讯（记者 孙立）", ("孙立",), None),
    ("新华社北京1月4日电(记者 孙立 王晓东)", ("孙立", "王晓东"), "1月4日"),
    ("本报北京12月30日电（记者 王晓东 通讯员 赵明）", ("王晓东", "赵明"), "12月30日"),
)
# Captions (section 5) about `subject`: (caption, authors its credit gives).
# Caption forms: (form, the photographers its credit gives).
CAPTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("图为{}现场", ()),
    ("图：{}", ()),
    ("上图　{}", ()),
    ("下图：{}", ()),
    ("左图为{}", ()),
    ("右图：{}", ()),
    ("题图：{}", ()),
    ("{}（记者 赵明 摄）", ("赵明",)),
    ("{}（新华社记者兰红光摄）", ("兰红光",)),
    ("{}（新华社发）", ()),
    ("{}　新华社发", ()),
    ("{}（资料图片）", ()),
    ("{}　铁道部供图", ()),
)
# Jump markers (section 6): (marker, page). Out: `下转`; in: `上接` and its kin.
JUMPS_OUT = (("（下转第二版）", "2"), ("（转2版）", "2"), ("(下转A2版)", "A2"), ("下转第2版", "2"))
JUMPS_IN = (
    ("（上接第一版）", "1"),
    ("（接1版）", "1"),
    ("（紧接第一版）", "1"),
    ("（续第一版）", "1"),
)


# ---------------------------------------------------------------------------
# Pages and what they must read back as


@dataclass
class Story:
    """One article as the parser must give it back; page-wide metadata comes from `Page`."""

    title: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)
    kicker: str | None = None
    subtitle: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    dateline: str | None = None
    continued_on: str | None = None
    continued_from: str | None = None
    continuation_at: int | None = None

    def add(self, kind: str, *texts: str) -> Story:
        self.paragraphs += [(kind, t) for t in texts]
        return self


@dataclass
class Page:
    """Page text built block by block, with the stories it holds in page order."""

    stem: str = "page"
    date: datetime.date | None = None
    paper: str | None = None
    page: str | None = None
    page_name: str | None = None
    blocks: list[str] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)

    def add(self, *blocks: str) -> Page:
        self.blocks += blocks
        return self

    def article(
        self,
        article_id: str,
        start: int = 0,
        stop: int | None = None,
        *,
        level: int = 3,
        byline: tuple[str, tuple[str, ...]] | None = None,
        above: str | None = None,
        **story: Any,
    ) -> Story:
        """A heading (`level` 0: a `**bold**` line) with `above` on the line right above it,
        an optional byline line, and the corpus paragraphs [start:stop] as blocks; the
        Story is returned to add to."""
        heading = title(article_id)
        line = f"{'#' * level} {heading}" if level else f"**{heading}**"
        self.add(f"{above}\n{line}" if above else line)
        if byline:
            self.add(byline[0])
            story.setdefault("authors", byline[1])
        body = paras(article_id, start, stop)
        self.add(*body)
        self.stories.append(Story(heading, **story).add("body", *body))
        return self.stories[-1]

    def text(self, newline: str = "\n") -> str:
        return newline.join("\n\n".join(self.blocks).split("\n")) + newline

    def expected(self) -> list[dict[str, Any]]:
        meta = {"date": self.date, "paper": self.paper, "page": self.page}
        return [
            expect(f"{self.stem}-{n:02d}", s, **meta, page_name=self.page_name)
            for n, s in enumerate(self.stories, 1)
        ]


def expect(article_id: str, story: Story, **meta: Any) -> dict[str, Any]:
    """What `read_back` must give for `story` under id `article_id`; `meta` sets date,
    paper, page and page_name (None when not given: nothing is ever guessed)."""
    page_meta = dict.fromkeys(("date", "paper", "page", "page_name"))
    return {"id": article_id, **asdict(story), **page_meta, **meta}


_FIELDS = tuple(Story.__dataclass_fields__) + ("date", "paper", "page", "page_name")


def assert_same(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    """Article boundaries first (ids and titles), then each article field by field, with
    messages that name what differs (pytest does not rewrite asserts in this module)."""
    heads = [(a["id"], a["title"]) for a in got], [(a["id"], a["title"]) for a in want]
    assert heads[0] == heads[1], f"articles (id, title):\n got {heads[0]}\nwant {heads[1]}"
    for got_article, want_article in zip(got, want, strict=True):
        diff = {k: (got_article[k], v) for k, v in want_article.items() if got_article[k] != v}
        if "paragraphs" in diff:  # name the first paragraph that differs, not two lists
            pairs = itertools.zip_longest(*diff.pop("paragraphs"))
            n, (g, w) = next((n, p) for n, p in enumerate(pairs) if p[0] != p[1])
            diff[f"paragraph {n}"] = (g, w)
        assert not diff, f"{want_article['id']} (got, want): {diff}"


def read_back(articles: list[Article] | tuple[Article, ...]) -> list[dict[str, Any]]:
    """Parsed articles in the shape of `Page.expected`: a failing test diffs field by field."""
    return [
        {
            "id": a.id,
            **{name: getattr(a, name) for name in _FIELDS},
            "paragraphs": [(p.kind, p.text) for p in a.paragraphs],
            "authors": tuple(a.authors),
            "photographers": tuple(a.photographers),
        }
        for a in articles
    ]
