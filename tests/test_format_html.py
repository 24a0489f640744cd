"""Saved web pages (search/ingest/webpages.py): corpus articles in e-paper and news-site
templates (tests/render_html.py) read back through `read_document`, field by field.

Every page carries navigation, 上一篇/下一篇, share buttons, related links, comment
forms, copyright lines, scripts and iframes (render_html.FURNITURE): none of it may
reach an article. Hostile pages are skipped with a reason while the good pages beside
them are indexed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pagekit import han_phrase, paras
from render_html import (
    CAPTION,
    KICKER,
    SUBTITLE,
    TEMPLATES,
    WebPage,
    expected,
    leaked,
    read_back,
    render,
    round_trip_pool,
    templates_for,
    web_page,
    with_fields,
)
from support import reader_for, settings_for

from search import limits
from search.backends import backend_for
from search.ingest.formats import read_document
from search.ingest.pages import ParsedPage
from search.ingest.pipeline import import_paths
from search.models import IndexReport, Skipped
from search.query.request import SearchRequest

RAIL = "pd1998-19980119-04-006"  # 火车今年继续提速: 3 paragraphs, page 4 of 1998-01-19
NUCLEAR = "pd1998-19980119-04-004"  # 四座新建核电站进展顺利: 5, same page


def read(path: Path) -> ParsedPage:
    page = read_document(path)
    assert not isinstance(page, Skipped), page
    assert page.format == "html"
    return page


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def assert_reads_back(path: Path, template: str, page: WebPage) -> None:
    articles = read(path).articles
    assert read_back(articles) == expected(template, page, path.stem)
    assert leaked(articles, page) == []


# ---------------------------------------------------------------------------
# 1. Round trip: any pool article in any template, with or without 引题, 副题, caption


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, WebPage, str]:
    article_id = draw(st.sampled_from(round_trip_pool()))
    template = draw(st.sampled_from(templates_for(article_id)))
    fields = {
        "kicker": draw(st.sampled_from((None, KICKER))),
        "subtitle": draw(st.sampled_from((None, SUBTITLE))),
        "caption": draw(st.sampled_from((None, CAPTION))),
    }
    return (
        template,
        with_fields(web_page(article_id), **fields),
        draw(st.sampled_from(("utf-8", "gbk"))),
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=pages())
def test_pages_read_back_as_their_articles(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, WebPage, str]
) -> None:
    """Title, 引题, 副题, byline authors, date, paper, 版次, 版名 and the paragraphs (text
    exactly, in order; the caption first, as printed) come back; no furniture does."""
    template, page, charset = case
    folder = tmp_path_factory.mktemp(template)
    path = write(folder, "page.html", render(template, page, charset))
    assert_reads_back(path, template, page)


# ---------------------------------------------------------------------------
# 2. Hand-written cases


@pytest.mark.parametrize("template", ["founder", "people", "news"])
def test_a_page_with_two_articles_gives_two(tmp_path: Path, template: str) -> None:
    """Markup no rule knows (`plain`) gives its one densest block: two articles there are
    told apart by nothing the page marks."""
    page = with_fields(web_page(RAIL, NUCLEAR), subtitle=SUBTITLE)
    path = write(tmp_path, "two.html", render(template, page))
    assert_reads_back(path, template, page)
    assert [a.id for a in read(path).articles] == ["two-01", "two-02"]


def test_table_cells_are_lines_between_the_paragraphs(tmp_path: Path) -> None:
    before, after = paras(NUCLEAR, 0, 2), paras(NUCLEAR, 2)
    cells = ["电站", "装机容量", "秦山二期", "２×６０万千瓦", "岭澳", "２×９８万千瓦"]
    rows = "".join(
        f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in zip(cells[::2], cells[1::2], strict=True)
    )
    body = (
        "".join(f"<p>{html.escape(p)}</p>" for p in before)
        + f'<table border="1"><tbody>{rows}</tbody></table>'
        + "".join(f"<p>{html.escape(p)}</p>" for p in after)
    )
    page = with_fields(web_page(NUCLEAR), body=body)
    (article,) = read(write(tmp_path, "table.html", render("people", page))).articles
    assert [p.text for p in article.paragraphs] == [*before, *cells, *after]


@pytest.mark.parametrize(
    ("codec", "declared"),
    [
        ("gb18030", "gb2312"),
        ("gb18030", "GBK"),
        ("gb18030", None),  # old 数字报 pages often declare nothing
        ("utf-8-sig", None),
        ("utf-16", None),  # with its byte-order mark
        ("utf-8", "gb2312"),  # saved again by a browser, the old declaration kept
    ],
)
def test_encodings(tmp_path: Path, codec: str, declared: str | None) -> None:
    page = with_fields(web_page(RAIL), kicker=KICKER, caption=CAPTION)
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    text = render("founder", page).decode("utf-8")
    text = text.replace(meta, meta.replace("utf-8", declared) if declared else "")
    path = write(tmp_path, "encoded.html", text.encode(codec))
    assert_reads_back(path, "founder", page)


HOSTILE_BODY = """<p onclick="steal(document.cookie)" onmouseover="alert('悬停')">{0}</p>
<script>document.write('<p>脚本写入的段落</p>'); var x = "</p><p>脚本里的段落";</script>
<p>{1}<a href="javascript:alert('链接里的字')">【打印】</a><a
 href=" JavaScript:void(0)">点这里</a></p>
<iframe src="http://example.com/ad" srcdoc="<p>框架里的段落</p>">内嵌框架的文字</iframe>
<svg><script>alert(1)</script><text x="0" y="10">矢量图里的字</text></svg>
<object data="x.swf"><param name="a" value="b">插件里的字</object><embed src="y.swf">
<noscript>请启用浏览器脚本</noscript><template><p>模板里的段落</p></template>
<div style="display: none">隐藏的段落</div><img src="x" onerror="alert('图片')">
<style>p::after {{ content: "样式里的字" }}</style>
<form action="javascript:alert(2)"><input value="表单里的字"><button>按钮里的字</button></form>
<p>{2}</p>"""
HOSTILE_WORDS = (
    "脚本",
    "悬停",
    "链接里的字",
    "打印",
    "点这里",
    "框架",
    "矢量图",
    "插件",
    "模板",
    "隐藏",
    "样式",
    "表单",
    "按钮",
    "alert",
    "cookie",
    "javascript",
)


@pytest.mark.parametrize("template", TEMPLATES)
def test_scripts_event_handlers_and_javascript_links_never_reach_the_text(
    tmp_path: Path, template: str
) -> None:
    page = with_fields(web_page(RAIL), body=HOSTILE_BODY.format(*map(html.escape, paras(RAIL))))
    path = write(tmp_path, "hostile.html", render(template, page))
    assert_reads_back(path, template, page)
    text = "".join(p.text for a in read(path).articles for p in a.paragraphs)
    truth = "".join(paras(RAIL))
    assert [w for w in HOSTILE_WORDS if w in text and w not in truth] == []


def test_text_that_looks_like_page_markup_stays_text(tmp_path: Path) -> None:
    """Headings (`#`), bold (`**`), rules (`---`), links and tags are page-text markup; in
    an HTML paragraph they are the paragraph's text and come back unchanged."""
    lookalikes = [
        "#两会进行时# 代表委员热议政府工作报告。",
        "### 这不是标题。",
        "**重点**提示：王**、李**两位代表的发言。",
        "*注：本版数据截至1月18日。",
        "---以下为讲话全文---",
        "[1](见第三版)《参考文献》<b>不是标签</b> &nbsp; &amp; 都是原文。",
        "——摘自新华社电讯",
    ]
    body = "".join(f"<p>{p}</p>" for p in paras(RAIL, 0, 1))
    body += "".join(f"<p>{html.escape(p)}</p>" for p in lookalikes)
    page = with_fields(web_page(RAIL), body=body)
    (article,) = read(write(tmp_path, "markup.html", render("people", page))).articles
    assert [p.text for p in article.paragraphs] == [*paras(RAIL, 0, 1), *lookalikes]
    assert article.title == page.stories[0].title


def _nested(depth: int) -> bytes:
    inner = "<p>深处的段落。</p>".encode()
    return b"<html><body>" + b"<div>" * depth + inner + b"</div>" * depth + b"</body></html>"


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE html [\n<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">\n'
    + "".join(f'<!ENTITY {chr(98 + n)} "{f"&{chr(97 + n)};" * 10}">\n' for n in range(9))
    + "]>\n<html><body><h1>标题</h1><p>&j;</p></body></html>"
).encode()


@dataclass(frozen=True)
class Imported:
    report: IndexReport
    index_dir: Path
    nuclear: WebPage


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """One folder, imported once (indexing costs seconds): two good pages (UTF-8 and GBK)
    beside four hostile ones."""
    folder = tmp_path_factory.mktemp("pages")
    nuclear = with_fields(web_page(NUCLEAR), kicker=KICKER)
    write(folder, "rail.html", render("people", web_page(RAIL)))
    write(folder, "nuclear.html", render("founder", nuclear, "gbk"))
    write(folder, "nested.html", _nested(100_000))
    write(folder, "laughs.html", LAUGHS)
    paragraph = "<p>" + "长" * 1000 + "。</p>"  # 3 KB of text: 350 make a MB
    wordy = paragraph.encode() * ((limits.DOCUMENT_TEXT_MB + 1) * 350)
    write(folder, "wordy.html", b"<html><body>" + wordy + b"</body></html>")
    with (folder / "huge.html").open("wb") as sparse:  # over DOCUMENT_MB, costs no disk
        sparse.truncate((limits.DOCUMENT_MB + 1) << 20)
    index_dir = folder.parent / f"{folder.name}-index"
    # What build_index does, keeping the report: the skipped files and their reasons.
    report = import_paths(backend_for(settings_for(index_dir)).writer(), [folder])
    return Imported(report, index_dir, nuclear)


def test_hostile_pages_are_reported_and_skipped_beside_good_ones(imported: Imported) -> None:
    reasons = {Path(s.path).name: s.reason for s in imported.report.skipped}
    assert set(reasons) == {"nested.html", "laughs.html", "wordy.html", "huge.html"}, reasons
    assert "nested deeper" in reasons["nested.html"]
    assert "entities" in reasons["laughs.html"]
    assert f"at most {limits.DOCUMENT_TEXT_MB} MB" in reasons["wordy.html"]
    assert "too large" in reasons["huge.html"]
    assert reader_for(imported.index_dir).stats().articles == 2


# ---------------------------------------------------------------------------
# 3. Through the index


def test_an_html_page_is_indexed_and_found_by_a_quoted_phrase(imported: Imported) -> None:
    phrase = han_phrase(paras(NUCLEAR)[1])
    result = reader_for(imported.index_dir).search(SearchRequest(query=f'"{phrase}"'))
    assert [h.article_id for h in result.hits] == ["nuclear-01"]
    assert result.hits[0].title == imported.nuclear.stories[0].title
