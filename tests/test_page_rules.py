"""One test per rule of docs/pages.md, on pages rendered from real corpus articles.

Every page is built with tests/pagekit.py from articles of ../shared/corpus (plain
prose: each paragraph ends a sentence) plus invented furniture, and every test compares
the whole read-back (ids, titles, kicker, subtitle, section, authors, dateline,
metadata, paragraphs and their kinds) with what the rule says, so a broken rule fails
with a field-by-field diff. Section numbers below are those of docs/pages.md.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from pagekit import (
    BYLINE_LINES,
    CAPTIONS,
    FOOTERS,
    IMAGE_LINES,
    JUMPS_IN,
    JUMPS_OUT,
    LEADS,
    LIST_MARKERS,
    NAV_LINES,
    SEPARATORS,
    Page,
    Story,
    assert_same,
    header,
    paras,
    read_back,
    split,
    title,
    wrap,
)

from search.ingest.files import decode
from search.ingest.pages import PageMeta, parse_page

RAIL = "pd1998-19980119-04-006"  # 火车今年继续提速: 3 paragraphs, page 4 of 1998-01-19
NUCLEAR = "pd1998-19980119-04-004"  # 四座新建核电站进展顺利: 4, with dates in the text
GRAIN = "pd1998-19980120-02-002"  # 调整结构不能丢了粮食: 4 long paragraphs
PRICES = "pd1998-19980123-02-003"  # 物价的监管与疏导: 3
ARMY = "pd1998-19980111-01-003"  # 双拥的创举: 3, one of 374 characters
HAN = "chinatimes-0067"  # 韓國瑜始終是英雄好漢: Traditional, ASCII digits

DAY = datetime.date(1998, 1, 19)  # RAIL's and NUCLEAR's date in the corpus
BYLINE = ("本报记者 王晓东", ("王晓东",))  # a byline line and the authors it gives


def parsed(page: Page, meta: PageMeta | None = None, text: str | None = None) -> list[Any]:
    """`parse_page` on the page's text (or `text`, e.g. decoded bytes), read back."""
    path = f"/pages/{page.stem}.txt"
    return read_back(parse_page(page.text() if text is None else text, path, meta or PageMeta()))


# ---------------------------------------------------------------------------
# 1. Text clean-up


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings_decode_to_the_same_articles(encoding: str) -> None:
    """UTF-8 with or without BOM, GB18030 and UTF-16 with BOM are one page, Simplified
    and Traditional alike (`utf-16` writes a BOM)."""
    page = Page()
    page.article(RAIL, byline=BYLINE)
    page.article(HAN, 0, 3)
    text = decode(page.text().encode(encoding))
    assert text is not None, encoding
    assert_same(parsed(page, text=text), page.expected())


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_crlf_and_cr_line_ends_read_as_lf(newline: str) -> None:
    page = Page()
    page.article(GRAIN, byline=BYLINE)
    page.article(HAN, 0, 3)
    assert_same(parsed(page, text=page.text(newline)), page.expected())


def test_control_characters_are_removed() -> None:
    """`\\x1a` (a DOS end of file), `\\x0b`, `\\x0c`, `\\x7f` inside sentences vanish; the
    file is still read (few controls in a long page) and the paragraphs are the corpus's."""
    page = Page()
    for article_id in (GRAIN, ARMY, PRICES, NUCLEAR):
        page.article(article_id)
    page.article(HAN)
    for block, control in zip((2, 7, 10, 15), "\x1a\x0b\x0c\x7f", strict=True):
        first, second = split(page.blocks[block])
        page.blocks[block] = first + control + second
    text = page.text() + "\x1a"
    assert len(text) > 3000  # decode() allows one control character per 1000
    decoded = decode(text.encode("utf-8"))
    assert decoded is not None
    assert_same(parsed(page, text=decoded), page.expected())


def test_html_remnants_are_decoded_or_removed() -> None:
    """`&nbsp;` is a space, other entities their character, `<br>` and `<p>` line breaks
    (here inside a sentence: a column break), other tags and image tags are removed."""
    page = Page()
    rail = paras(RAIL)
    first, second = split(rail[2])
    page.add(f"### {title(RAIL)}", "本报记者&nbsp;王晓东", "&nbsp;&nbsp;" + rail[0])
    page.add(f"<p>{rail[1]}</p>", f"{first}<br>{second}", '<div class="photo"></div>')
    page.add(IMAGE_LINES[1])
    page.stories.append(Story(title(RAIL), authors=BYLINE[1]).add("body", *rail))
    grain = paras(GRAIN)
    quoted = grain[2].replace("“", "&ldquo;").replace("”", "&rdquo;")
    assert quoted != grain[2]
    span = f'{grain[0][:10]}<span style="color:#c00">{grain[0][10:20]}</span>{grain[0][20:]}'
    page.add(f"### {title(GRAIN)}", span, grain[1], quoted, grain[3])
    page.stories.append(Story(title(GRAIN)).add("body", *grain))
    assert_same(parsed(page), page.expected())


def test_images_links_and_urls_are_furniture() -> None:
    """Image lines, link-only (navigation) lines and URL lines are dropped; an image at the
    start of a line and a link's URL go, the rest of the line and the link text stay."""
    rail = paras(RAIL)
    linked = f"{rail[1][:10]}[{rail[1][10:20]}](http://paper.example.cn/a.htm){rail[1][20:]}"
    page = Page().add(NAV_LINES[0], f"### {title(RAIL)}", BYLINE[0], rail[0], IMAGE_LINES[0])
    page.add(linked, f"![京广线](http://paper.example.cn/p.jpg){rail[2]}", *NAV_LINES[1:])
    page.stories.append(Story(title(RAIL), authors=BYLINE[1]).add("body", *rail))
    page.article(PRICES)
    assert_same(parsed(page), page.expected())


def test_separators_are_dropped() -> None:
    """Every separator form between paragraphs and between articles: no paragraph, no
    subtitle (`———`), no bold heading (`***`), no front matter (`---` mid-page)."""
    page = Page()
    page.article(RAIL)
    page.article(GRAIN)
    blocks = page.blocks
    for at, separator in zip((1, 2, 3, 5, 6, 7, 8), SEPARATORS, strict=True):
        blocks[at] += "\n\n" + separator
    assert_same(parsed(page), page.expected())


def test_a_lone_dash_line_opening_the_page_is_a_separator() -> None:
    """`---` that opens the file but is never closed is no front matter and no error."""
    page = Page().add("---")
    page.article(RAIL, byline=BYLINE)
    assert_same(parsed(page), page.expected())


def test_front_matter_ignores_other_keys() -> None:
    page = Page(date=DAY, paper="人民日报", page="4")
    page.add("---\ndate: 1998-01-19\npaper: 人民日报\npage: 4\ntitle: 第四版\nsource: 扫描\n---")
    page.article(RAIL, byline=BYLINE)
    assert_same(parsed(page), page.expected())


@pytest.mark.parametrize("marker", LIST_MARKERS)
def test_list_markers_are_removed(marker: str) -> None:
    """A marker starting a line goes and the line is read normally: `□本报记者 王晓东` is
    a byline, a marked paragraph is the corpus paragraph."""
    rail = paras(RAIL)
    page = Page().add(f"### {title(RAIL)}", f"{marker}本报记者 王晓东", marker + rail[0])
    page.add(marker + rail[1], rail[2])
    page.stories.append(Story(title(RAIL), authors=BYLINE[1]).add("body", *rail))
    assert_same(parsed(page), page.expected())


def test_bold_inside_a_line_loses_its_asterisks() -> None:
    rail = paras(RAIL)
    page = Page().add(f"### **{title(RAIL)}**", BYLINE[0])
    page.add(f"{rail[0][:8]}**{rail[0][8:16]}**{rail[0][16:]}", *rail[1:])
    page.stories.append(Story(title(RAIL), authors=BYLINE[1]).add("body", *rail))
    assert_same(parsed(page), page.expected())


# ---------------------------------------------------------------------------
# 2. Page furniture and metadata


@pytest.mark.parametrize(
    ("style", "paper", "page_name"),
    [
        (0, "郑州日报", "要闻"),
        (1, "人民日报", None),
        (1, "人民日报海外版", None),
        (2, "人民日报", "要闻"),
        (3, "人民日报", None),
        (4, "人民日报", None),
        (5, "人民日报", None),
    ],
)
def test_header_is_metadata_never_an_article(style: int, paper: str, page_name: str | None) -> None:
    """The masthead at the top gives date, paper, page and page name; it is no untitled
    article and takes no id (the first article is -01); the page name is the section of
    articles under no banner."""
    page = Page(date=DAY, paper=paper, page="4", page_name=page_name)
    page.add(header(DAY, paper, 4, "要闻", style))
    page.article(RAIL, byline=BYLINE, section=page_name)
    page.article(NUCLEAR, section=page_name)
    assert_same(parsed(page), page.expected())


def test_running_footer_lines_are_furniture() -> None:
    """A line with a page and a date or paper anywhere on the page is header, not text."""
    page = Page(date=DAY, paper="人民日报", page="4").add(header(DAY, "人民日报", 4, "", 1))
    page.article(RAIL, byline=BYLINE)
    page.add("第4版 人民日报")
    page.article(NUCLEAR)
    page.add("1998年1月19日 第4版")
    assert_same(parsed(page), page.expected())


@pytest.mark.parametrize(
    ("front", "meta", "expected"),
    [
        ("", PageMeta(), (DAY, "人民日报", "4")),
        (
            "",
            PageMeta(date=datetime.date(1998, 1, 20), paper="人民日报海外版"),
            (datetime.date(1998, 1, 20), "人民日报海外版", "4"),
        ),
        (
            "---\ndate: 1998-01-21\npaper: 经济日报\npage: 5\n---",
            PageMeta(date=datetime.date(1998, 1, 20), paper="人民日报海外版"),
            (datetime.date(1998, 1, 21), "经济日报", "5"),
        ),
    ],
    ids=["header", "defaults-beat-header", "front-matter-beats-all"],
)
def test_metadata_precedence(front: str, meta: PageMeta, expected: tuple[Any, ...]) -> None:
    """Front matter wins, then `--date/--paper` (PageMeta), then the header."""
    date, paper, number = expected
    page = Page(date=date, paper=paper, page=number)
    if front:
        page.add(front)
    page.add(header(DAY, "人民日报", 4, "", 1))
    page.article(RAIL, byline=BYLINE)
    assert_same(parsed(page, meta), page.expected())


def test_a_page_without_any_date_has_date_none() -> None:
    """No header, no front matter, no defaults: date None, even though the text names
    dates (１９９６年６月２日): nothing is ever guessed."""
    page = Page()
    page.article(NUCLEAR, byline=BYLINE)
    page.article(RAIL)
    assert "１９９６年６月２日" in page.text()
    assert_same(parsed(page), page.expected())


@pytest.mark.parametrize("footer", FOOTERS)
def test_footer_credits_are_not_text(footer: str) -> None:
    """Credit lines, mid-page or last, are no paragraph: the last article still ends with
    its own last paragraph."""
    page = Page()
    page.article(RAIL, byline=BYLINE)
    page.article(GRAIN)
    page.blocks[-2] += "\n\n" + footer
    page.add(footer)
    assert_same(parsed(page), page.expected())


# ---------------------------------------------------------------------------
# 3. Headings


@pytest.mark.parametrize("level", [1, 2, 3, 4, 0], ids=["#", "##", "###", "####", "bold"])
def test_headings_of_every_level_start_articles(level: int) -> None:
    page = Page()
    page.article(RAIL, level=level, byline=BYLINE)
    page.article(PRICES, level=level, byline=("记者 孙立", ("孙立",)))
    assert_same(parsed(page), page.expected())


def test_a_banner_names_the_section_until_a_heading_of_its_level() -> None:
    """`## X` directly followed by `###` is a banner; the next `##` ends it (a `##`
    followed by a byline is an article of its own, under no banner)."""
    page = Page().add("## 经济新闻")
    page.article(RAIL, byline=BYLINE, section="经济新闻")
    page.article(NUCLEAR, section="经济新闻")
    page.add("## 评论")
    page.article(GRAIN, section="评论")
    page.article(PRICES, section="评论")
    page.article(ARMY, level=2, byline=("本报记者 孙立", ("孙立",)))
    assert_same(parsed(page), page.expected())


@pytest.mark.parametrize("banner", ["## 经济新闻", "## **经济新闻**"])
def test_bold_titles_under_a_banner_are_articles_of_that_section(banner: str) -> None:
    """A `**bold**` line is one level below the deepest `#` (here `##`): each is an
    article of the banner's section; the banner does not swallow the page."""
    page = Page().add(banner)
    page.article(RAIL, level=0, byline=BYLINE, section="经济新闻")
    page.article(NUCLEAR, level=0, section="经济新闻")
    page.article(PRICES, level=0, section="经济新闻")
    assert_same(parsed(page), page.expected())


def test_kickers() -> None:
    """A heading followed by a shallower one, and a short plain line on the line right
    above a title, are the title's 引题 (not a subhead of the article before)."""
    page = Page().add("#### 春运前夕铁路再提速")
    page.article(RAIL, byline=BYLINE, kicker="春运前夕铁路再提速")
    page.article(NUCLEAR, kicker="聚焦核电建设", above="聚焦核电建设")
    page.add("### 新年新气象")
    page.article(ARMY, level=2, kicker="新年新气象")
    assert_same(parsed(page), page.expected())


def test_a_short_line_a_blank_line_above_a_title_stays_with_the_article_before() -> None:
    """The last line of a poem or a list is no kicker: only a line set with its title is."""
    page = Page()
    page.article(RAIL).add("subhead", "聚焦核电建设")
    page.add("聚焦核电建设")
    page.article(NUCLEAR)
    assert_same(parsed(page), page.expected())


def test_a_bold_banner_over_bold_titles() -> None:
    """On a page with only `**bold**` headings, one followed directly by another is the
    section banner: its articles keep the section until the next banner."""
    page = Page().add("**经济新闻**")
    page.article(RAIL, level=0, section="经济新闻")
    page.article(NUCLEAR, level=0, section="经济新闻")
    page.add("**社会新闻**")
    page.article(PRICES, level=0, section="社会新闻")
    assert_same(parsed(page), page.expected())


def test_subheads() -> None:
    """Under an open `###` title, a `####`, a `**bold**` line (one level below `####`) and
    a short plain line after a sentence are subheads in place, not new articles."""
    grain = paras(GRAIN)
    page = Page().add(f"### {title(GRAIN)}", BYLINE[0], grain[0], "#### 粮食生产不能放松")
    page.add(grain[1], "**保持总供给基本稳定**", grain[2], "结构调整要看市场", grain[3])
    story = Story(title(GRAIN), authors=BYLINE[1]).add("body", grain[0])
    story.add("subhead", "粮食生产不能放松").add("body", grain[1])
    story.add("subhead", "保持总供给基本稳定").add("body", grain[2])
    page.stories.append(story.add("subhead", "结构调整要看市场").add("body", grain[3]))
    page.article(PRICES)
    assert_same(parsed(page), page.expected())


def test_a_heading_above_a_subhead_is_kept() -> None:
    """A deeper heading right above a subhead of the open story (a bold caption, a bold
    line) is no kicker of a new article: it stays in the story, a caption when it reads
    as one, never lost."""
    grain = paras(GRAIN)
    page = Page().add(f"## {title(GRAIN)}", grain[0], "**图为京广线上的提速列车**")
    page.add("### 粮食生产不能放松", grain[1], "**保持总供给基本稳定**", "### 结构调整", grain[2])
    story = Story(title(GRAIN)).add("body", grain[0]).add("caption", "图为京广线上的提速列车")
    story.add("subhead", "粮食生产不能放松").add("body", grain[1])
    page.stories.append(
        story.add("subhead", "保持总供给基本稳定", "结构调整").add("body", grain[2])
    )
    assert_same(parsed(page), page.expected())


def test_subtitle_and_bare_dash() -> None:
    """`——…` right after a title is the 副题; a bare `——` is nothing."""
    page = Page()
    page.add(f"### {title(RAIL)}", "——京广京沪京哈三大干线再提速")
    rail = Story(title(RAIL), subtitle="京广京沪京哈三大干线再提速", authors=BYLINE[1])
    page.add(BYLINE[0], *paras(RAIL))
    page.stories.append(rail.add("body", *paras(RAIL)))
    page.add(f"### {title(NUCLEAR)}", "——", *paras(NUCLEAR))
    page.stories.append(Story(title(NUCLEAR)).add("body", *paras(NUCLEAR)))
    assert_same(parsed(page), page.expected())


# ---------------------------------------------------------------------------
# 4. Bylines and credits


@pytest.mark.parametrize(("byline", "authors"), BYLINE_LINES, ids=[b for b, _ in BYLINE_LINES])
def test_byline_lines_give_authors_and_leave_the_text(
    byline: str, authors: tuple[str, ...]
) -> None:
    """Every byline form of section 4; names are never cut (`张建文`, `李文`)."""
    page = Page()
    page.article(RAIL, byline=(byline, authors))
    page.article(PRICES)
    assert_same(parsed(page), page.expected())


@pytest.mark.parametrize(("lead", "authors", "dateline"), LEADS, ids=[lead for lead, *_ in LEADS])
def test_byline_leads_stay_in_the_first_paragraph(
    lead: str, authors: tuple[str, ...], dateline: str | None
) -> None:
    nuclear = paras(NUCLEAR)
    page = Page().add(f"### {title(NUCLEAR)}", lead + nuclear[0], *nuclear[1:])
    story = Story(title(NUCLEAR), authors=authors, dateline=dateline)
    page.stories.append(story.add("body", lead + nuclear[0], *nuclear[1:]))
    assert_same(parsed(page), page.expected())


def test_trailing_credits_give_authors_and_photographers() -> None:
    """Photo credits ending captions and `（王晓东）` ending the last paragraph stay in the
    text; a paragraph that is only a credit is removed. A caption's credit names a
    photographer, never an author; authors in page order."""
    rail, nuclear = paras(RAIL), paras(NUCLEAR)
    photo = "图为京广线上的提速列车（记者 赵明 摄）"
    page = Page().add(f"### {title(RAIL)}", rail[0], photo, rail[1], rail[2] + "（王晓东）")
    story = Story(title(RAIL), authors=("王晓东",), photographers=("赵明",)).add("body", rail[0])
    page.stories.append(story.add("caption", photo).add("body", rail[1], rail[2] + "（王晓东）"))
    xinhua = "秦山核电站工地一角（新华社记者兰红光摄）"
    page.add(f"### {title(NUCLEAR)}", nuclear[0], xinhua, *nuclear[1:], "（本报记者 孙立）")
    story = Story(title(NUCLEAR), authors=("孙立",), photographers=("兰红光",))
    story.add("body", nuclear[0])
    page.stories.append(story.add("caption", xinhua).add("body", *nuclear[1:]))
    assert_same(parsed(page), page.expected())


def test_byline_and_photo_credit_keep_the_whole_name() -> None:
    """`本报记者 张建文` and `（记者 张建文 摄）` name 张建文 (author and photographer),
    never 张建."""
    rail = paras(RAIL)
    photo = "图为京广线提速列车运行现场（记者 张建文 摄）"
    page = Page().add(f"### {title(RAIL)}", "本报记者 张建文", rail[0], photo, *rail[1:])
    story = Story(title(RAIL), authors=("张建文",), photographers=("张建文",))
    story.add("body", rail[0]).add("caption", photo)
    page.stories.append(story.add("body", *rail[1:]))
    assert_same(parsed(page), page.expected())


def test_a_photo_credit_keeps_a_name_that_starts_with_a_rarer_surname_whole() -> None:
    """索朗罗布 is one Tibetan name: a glued byline is split only where it starts with a
    surname bylines know, and 索 is one only running text reads (data/more_surnames.txt)."""
    rail = paras(RAIL)
    photo = "图为京广线提速列车运行现场（新华社记者索朗罗布摄）"
    page = Page().add(f"### {title(RAIL)}", rail[0], photo, *rail[1:])
    story = Story(title(RAIL), photographers=("索朗罗布",))
    story.add("body", rail[0]).add("caption", photo)
    page.stories.append(story.add("body", *rail[1:]))
    assert_same(parsed(page), page.expected())


# ---------------------------------------------------------------------------
# 5. Captions and column breaks


@pytest.mark.parametrize(("form", "photographers"), CAPTIONS, ids=[c for c, _ in CAPTIONS])
def test_captions_are_kept_as_captions(form: str, photographers: tuple[str, ...]) -> None:
    """Each caption form between two paragraphs is a `caption` in place (a short one is
    not a subhead); its photo credit names a photographer, not an author."""
    rail = paras(RAIL)
    caption = form.format("京广线上的提速列车")
    page = Page().add(f"### {title(RAIL)}", rail[0], caption, *rail[1:])
    story = Story(title(RAIL), photographers=photographers)
    story.add("body", rail[0]).add("caption", caption)
    page.stories.append(story.add("body", *rail[1:]))
    assert_same(parsed(page), page.expected())


@pytest.mark.parametrize(
    ("lines", "caption", "photographers"),
    [
        (
            ("图为京广线上的提速列车", "（记者 赵明摄）"),
            "图为京广线上的提速列车（记者 赵明摄）",
            ("赵明",),
        ),
        (("图为京广线上的提速列车。新华社记者 赵明 摄",), None, ("赵明",)),
        (("京广线上的提速列车（新华社记者兰红光摄）",), None, ("兰红光",)),
        (("图为京广线上的提速列车",), None, ()),
    ],
    ids=["caption+credit-line", "credit-without-parens", "credit-in-parens", "caption"],
)
def test_a_caption_under_an_image_stays_a_caption(
    lines: tuple[str, ...], caption: str | None, photographers: tuple[str, ...]
) -> None:
    """`![](…)`, then the caption and its credit, then the story on the next lines with no
    blank line: the caption (its credit line joined to it) is a caption, its names are
    photographers, and the story's first paragraph is body text, never glued to it."""
    rail = paras(RAIL)
    block = "\n".join([IMAGE_LINES[0], *lines, rail[0]])
    page = Page().add(f"### {title(RAIL)}", "本报记者 孙立", block, *rail[1:])
    story = Story(title(RAIL), authors=("孙立",), photographers=photographers)
    story.add("caption", caption or lines[0]).add("body", *rail)
    page.stories.append(story)
    assert_same(parsed(page), page.expected())


@pytest.mark.parametrize(
    ("between", "captions"),
    [
        ((), ()),
        (("图为京广线提速列车运行现场",), ("图为京广线提速列车运行现场",)),
        ((IMAGE_LINES[0],), ()),
        ((IMAGE_LINES[1],), ()),
        (("提速列车运行平稳",), ("提速列车运行平稳",)),
        ((IMAGE_LINES[0], "图：京广线上的提速列车"), ("图：京广线上的提速列车",)),
    ],
    ids=["nothing", "caption", "markdown-image", "img-tag", "subhead-like-line", "image+caption"],
)
def test_column_break_halves_are_rejoined(
    between: tuple[str, ...], captions: tuple[str, ...]
) -> None:
    """A paragraph cut inside a sentence comes back whole; what sat between the halves is
    a caption after it (a subhead-looking line too), an image line nothing."""
    rail = paras(RAIL)
    first, second = split(rail[1])
    page = Page().add(f"### {title(RAIL)}", BYLINE[0], rail[0], first, *between, second, rail[2])
    story = Story(title(RAIL), authors=BYLINE[1]).add("body", rail[0], rail[1])
    page.stories.append(story.add("caption", *captions).add("body", rail[2]))
    page.article(PRICES)
    assert_same(parsed(page), page.expected())


def test_hard_wrapped_blocks_are_rejoined() -> None:
    """Lines broken inside sentences, with no blank line after the heading and byline:
    each paragraph comes back whole (Traditional text with ASCII digits too)."""
    page = Page()
    for article_id in (GRAIN, HAN):
        body = paras(article_id, 0, 4)
        assert all("\n" in wrap(p) for p in body)  # the kit did wrap every paragraph
        page.add("\n".join([f"### {title(article_id)}", BYLINE[0], wrap(body[0])]))
        page.add(*(wrap(p) for p in body[1:]))
        page.stories.append(Story(title(article_id), authors=BYLINE[1]).add("body", *body))
    assert_same(parsed(page), page.expected())


# ---------------------------------------------------------------------------
# 6. Jumps between pages (markers on one page; joining is tests/test_jumps.py)

_OUT_CASES = [(m, p, "inline") for m, p in JUMPS_OUT if m.endswith(("）", ")"))]
_OUT_CASES += [(m, p, "own line") for m, p in JUMPS_OUT]


@pytest.mark.parametrize(("marker", "page_on", "where"), _OUT_CASES, ids=str)
def test_jump_out_marker_sets_continued_on(marker: str, page_on: str, where: str) -> None:
    """`（下转第二版）` at the end of the last paragraph or on its own line is never text."""
    rail = paras(RAIL)
    last = [rail[2] + marker] if where == "inline" else [rail[2], marker]
    page = Page().add(f"### {title(RAIL)}", BYLINE[0], *rail[:2], *last)
    story = Story(title(RAIL), authors=BYLINE[1], continued_on=page_on)
    page.stories.append(story.add("body", *rail))
    page.article(PRICES)
    assert_same(parsed(page), page.expected())


_IN_CASES = [(m, p, "line") for m, p in JUMPS_IN] + [(m, p, "heading") for m, p in JUMPS_IN]


@pytest.mark.parametrize(("marker", "page_from", "where"), _IN_CASES, ids=str)
def test_jump_in_marker_sets_continued_from(marker: str, page_from: str, where: str) -> None:
    """`（上接第一版）` after the continuation's title, or ending it, is never a paragraph."""
    grain = paras(GRAIN, 2)
    if where == "line":
        page = Page().add(f"### {title(GRAIN)}", marker, *grain)
    else:
        page = Page().add(f"### {title(GRAIN)}{marker}", *grain)
    page.stories.append(Story(title(GRAIN), continued_from=page_from).add("body", *grain))
    page.article(PRICES)
    assert_same(parsed(page), page.expected())


# ---------------------------------------------------------------------------
# 7. Ids


def test_furniture_takes_no_number() -> None:
    """Header, navigation, images, separators and footer around three articles: ids are
    -01, -02, -03 in page order."""
    page = Page(date=DAY, paper="人民日报", page="4", page_name="要闻")
    page.add(NAV_LINES[0], header(DAY, "人民日报", 4, "要闻", 0), IMAGE_LINES[0])
    page.article(RAIL, byline=BYLINE, section="要闻")
    page.add(SEPARATORS[0], IMAGE_LINES[1])
    page.article(NUCLEAR, section="要闻")
    page.add(FOOTERS[1], SEPARATORS[5])
    page.article(PRICES, section="要闻")
    page.add(FOOTERS[0], NAV_LINES[1])
    assert [a["id"] for a in parsed(page)] == ["page-01", "page-02", "page-03"]
    assert_same(parsed(page), page.expected())
