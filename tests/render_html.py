"""Corpus articles rendered as saved web pages, with the furniture real pages carry.

Four templates: `founder` (a 方正 e-paper article page: tables, `<founder-title>`,
`<founder-author>`, `<founder-content>`, `<founder-date>`), `people` (the 人民日报
paper.people.com.cn layout: `<h3>` 引题, `<h1>`, `<h2>` 副题, `p.sec`, `#ozoom` with an
`<!--enpproperty-->` comment), `news` (a news site: `<article>`, `og:` and `article:`
meta tags, a byline `作者：…`) and `plain` (markup no rule knows: meaningless class
names). Each wraps the article in navigation, 上一篇/下一篇, share buttons, related
links, comment forms, copyright lines, scripts, styles and iframes; `FURNITURE` lists
their words, which must never reach an article.

The article text is read from ../shared/corpus at test time (never copied here); a
`WebPage` keeps it as the truth and `expected` says what reading the page must give.
"""

from __future__ import annotations

import datetime
import functools
import html
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from pagekit import corpus_article
from support import CORPUS_DIR

from search.ingest.pages import parse_page
from search.models import Article

TEMPLATES = ("founder", "people", "news", "plain")
# Which templates print which fields; the others are None when read back.
KICKERS = SUBTITLES = CAPTIONS = ("founder", "people", "news")
PAGED = ("founder", "people", "plain")  # e-paper pages print their 版次 (the news site none)
NAMED = ("founder", "people")  # and these its 版名
SITES = {"pd1998": "人民网", "xwlb": "央视网"}  # og:site_name: a news site's paper
PAPERS = {"pd1998": "人民日报", "xwlb": "新闻联播"}
PAGE_NAMES = {1: "要闻", 2: "经济", 3: "要闻", 4: "国内", 5: "理论", 6: "国际", 7: "国际"}
WEEKDAYS = "一二三四五六日"

# Invented furniture: every string is put on the pages and must never reach an article.
SCRIPT_WORDS = "脚本里的假标题"
FURNITURE = (
    SCRIPT_WORDS,
    "脚本写入的段落",
    "样式表里的字",
    "返回目录",
    "上一版",
    "下一版",
    "上一篇",
    "下一篇",
    "打印本页",
    "关闭窗口",
    "分享到微信朋友圈",
    "分享到微博",
    "相关新闻",
    "网友评论",
    "评论框里的默认文字",
    "发表评论",
    "搜索关键词",
    "国内新闻",
    "版权所有",
    "Copyright",
    "京ICP备",
    "请启用浏览器脚本",
    "内嵌框架的文字",
    "图片替代文字",
    "javascript",
    "onclick",
    "分享本文",
    "读者来信摘登",
    "更多精彩内容请点击",
    "【关闭】",
)
# Furniture inside the element that holds the article's text, as news sites print it: a
# block named like furniture, controls, a line of links, a credit line.
IN_BODY = """<div class="share-tools">分享本文：微信 微博 QQ空间</div>
<div class="related-reading"><p>读者来信摘登：本周共收到来信三百封。</p></div>
<p>【打印】 【关闭】</p>
<p><a href="/more.html">更多精彩内容请点击</a></p>
<p>上一篇：<a href="/1.html">全国铁路春运工作会议召开</a></p>
"""
KICKER = "新春走基层"
SUBTITLE = "——来自基层一线的报道"
CAPTION = "1998年1月，旅客在北京站候车。（本报记者 王晓东摄）"


@dataclass(frozen=True)
class WebStory:
    """One article as a page prints it; `body` replaces its `<p>` paragraphs with
    hand-written markup (a table, hostile elements) in hand-written cases."""

    title: str
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...] = ()
    kicker: str | None = None
    subtitle: str | None = None
    caption: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class WebPage:
    source: str  # corpus source: pd1998 or xwlb
    date: datetime.date | None
    page: int | None
    stories: tuple[WebStory, ...]
    related: tuple[str, ...] = ("全国铁路春运工作会议召开", "京九铁路运输繁忙")

    @property
    def paper(self) -> str:
        return PAPERS[self.source]

    @property
    def page_name(self) -> str | None:
        return PAGE_NAMES.get(self.page, "综合") if self.page else None


def story(article_id: str, **fields: Any) -> WebStory:
    record = corpus_article(article_id)
    return WebStory(
        title=record["title"],
        paragraphs=tuple(record["paragraphs"]),
        authors=tuple(record["authors"]),
        **fields,
    )


def web_page(*article_ids: str, **fields: Any) -> WebPage:
    """The page of the first article's date and 版 (from its id) holding the articles."""
    source, day, *rest = article_ids[0].split("-")
    date = datetime.date(int(day[:4]), int(day[4:6]), int(day[6:]))
    page = int(rest[0]) if source == "pd1998" else None
    return WebPage(source, date, page, tuple(story(i, **fields) for i in article_ids))


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _paragraphs(story: WebStory, tag: str = "p", indent: str = "") -> str:
    if story.body is not None:
        return story.body
    return "".join(f"<{tag}>{indent}{_e(p)}</{tag}>\n" for p in story.paragraphs)


def _names(story: WebStory) -> str:
    return " ".join(story.authors)


def _head(charset: str, title: str, extra: str = "") -> str:
    return f"""<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{_e(title)}</title>{extra}
<link href="../../../style/style.css" rel="stylesheet" type="text/css">
<style type="text/css">.font01{{font-size:16px}} /* 样式表里的字 */</style>
<script type="text/javascript">var t = "{SCRIPT_WORDS}"; document.write("<p>脚本写入的段落</p>");
</script>
</head>"""


def _founder(page: WebPage, charset: str) -> str:
    assert page.date is not None and page.page is not None
    ymd = f"{page.date.year}年{page.date.month:02d}月{page.date.day:02d}日"
    stories = []
    for s in page.stories:
        caption = (
            f'<tr><td><table><tr><td><img src="../../../res/1/1/pic1.jpg" '
            f"onerror=\"this.src='x.jpg'\"></td></tr>"
            f'<tr><td class="pictext">{_e(s.caption)}</td></tr></table></td></tr>'
            if s.caption
            else ""
        )
        byline = f"本报记者 {_names(s)}" if s.authors else ""
        stories.append(f"""<table class="article" width="600" border="0">
<tr><td class="yinti">{_e(s.kicker)}</td></tr>
<tr><td class="font01"><founder-title>{_e(s.title)}</founder-title></td></tr>
<tr><td class="futi">{_e(s.subtitle)}</td></tr>
<tr><td class="px12"><founder-author>{_e(byline)}</founder-author></td></tr>
{caption}<tr><td><div id="ozoom" style="font-size:14px"><founder-content>
{_paragraphs(s, "P", "　　")}</founder-content></div></td></tr>
</table>
<table><tr><td><a href="content_5.htm">上一篇：{_e(page.related[0])}</a></td>
<td><a href="content_7.htm">下一篇：{_e(page.related[1])}</a></td></tr></table>""")
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>{_head(charset, page.paper + "数字报")}
<body onload="init()">
<table width="1000"><tr>
<td class="px12">{page.paper}　{ymd}　星期{WEEKDAYS[page.date.weekday()]}</td>
<td><a href="../../../html/node_2.htm">返回目录</a> <a href="node_3.htm">上一版</a>
<a href="node_5.htm">下一版</a></td></tr>
<tr><td class="px12">第{page.page:02d}版：{page.page_name}</td>
<td><a href="javascript:window.print()">打印本页</a>
<a href="javascript:window.close()">关闭窗口</a></td></tr></table>
{"".join(stories)}
<table><tr><td><founder-date>{page.date.isoformat()}</founder-date></td></tr></table>
<div class="footer">{page.paper}社版权所有 未经许可不得转载</div>
<iframe src="ad.htm" width="0">内嵌框架的文字</iframe>
</body></html>
"""


def _people(page: WebPage, charset: str) -> str:
    assert page.date is not None and page.page is not None
    ymd = f"{page.date.year}年{page.date.month:02d}月{page.date.day:02d}日"
    nav = "".join(
        f'<li><a href="nw.D110000renmrb_{page.date:%Y%m%d}_1-{n:02d}.htm">'
        f"第{n:02d}版：{name}</a></li>"
        for n, name in PAGE_NAMES.items()
    )
    stories = []
    for s in page.stories:
        caption = (
            f'<div class="attachment"><table><tr><td><img src="../../../pic/1.jpg"></td></tr>'
            f"<tr><td>{_e(s.caption)}</td></tr></table></div>"
            if s.caption
            else ""
        )
        enp = (
            f"<!--enpproperty <articleid>1001</articleid><date>{page.date.isoformat()} 00:00:00.0"
            f"</date><author>{_e(_names(s))}</author><title>{_e(s.title)}</title><keyword>"
            f"</keyword><subtitle>{_e(s.subtitle)}</subtitle><introtitle>{_e(s.kicker)}"
            f"</introtitle><siteid>1</siteid><nodeid>{page.page}</nodeid><nodename>"
            f"第{page.page:02d}版：{page.page_name}</nodename><nodesearchname></nodesearchname>"
            f"<picurl></picurl>/enpproperty-->"
        )
        byline = f"本报记者 {_names(s)}" if s.authors else ""
        stories.append(f"""<div class="article">
<h3>{_e(s.kicker)}</h3>
<h1>{_e(s.title)}</h1>
<h2>{_e(s.subtitle)}</h2>
<p class="sec">{_e(byline)}
<span class="date">《 {page.paper} 》（ {ymd}   第 {page.page:02d} 版）</span></p>
{caption}
<div id="ozoom">{enp}<!--enpcontent-->{_paragraphs(s)}<!--/enpcontent--></div>
<div class="share"><a href="javascript:void(0)" onclick="share('wx')">分享到微信朋友圈</a></div>
</div>""")
    return f"""<!DOCTYPE html>
<html>{_head(charset, page.paper + "-人民网", '<meta name="author" content="人民日报">')}
<body>
<div class="header"><p class="date">{page.paper} {ymd} 星期{WEEKDAYS[page.date.weekday()]}</p></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="paper-bot"><p class="left ban">第{page.page:02d}版：{page.page_name}</p>
<p class="right btn"><a href="#">上一版</a> <a href="#">下一版</a>
<a href="#">返回目录</a></p></div>
{"".join(stories)}
<div class="news"><h4>相关新闻</h4><ul>
{"".join(f'<li><a href="#">{_e(t)}</a></li>' for t in page.related)}</ul></div>
<div class="copyright">人民日报社版权所有，未经书面授权禁止使用 Copyright © 1997-2024</div>
</body></html>
"""


def _news(page: WebPage, charset: str) -> str:
    assert page.date is not None
    site = SITES[page.source]
    when = f"{page.date.isoformat()}T19:30:00+08:00"
    stories = []
    for s in page.stories:
        figure = (
            f'<figure><img src="/img/1.jpg" alt="图片替代文字" onerror="alert(1)">'
            f"<figcaption>{_e(s.caption)}</figcaption></figure>"
            if s.caption
            else ""
        )
        kicker = f'<p class="kicker">{_e(s.kicker)}</p>' if s.kicker else ""
        subtitle = f'<h2 class="subtitle">{_e(s.subtitle)}</h2>' if s.subtitle else ""
        stories.append(f"""<article>
<header>{kicker}
<h1 class="article-title">{_e(s.title)}</h1>{subtitle}
<div class="info"><span class="byline">{"作者：" + _e(_names(s)) if s.authors else ""}</span>
<time datetime="{when}">{page.date.isoformat()} 19:30</time> <span>来源：{site}</span></div>
</header>
<div class="share-bar"><a href="javascript:void(0)" onclick="share('weixin')">分享到微信朋友圈</a>
<a href="javascript:void(0)">分享到微博</a></div>
{figure}
<div class="article-content">
{_paragraphs(s)}{IN_BODY}</div>
<div class="pager"><a href="/1.html">上一篇：{_e(page.related[0])}</a>
<a href="/2.html">下一篇：{_e(page.related[1])}</a></div>
</article>""")
    first = page.stories[0]
    metas = f"""
<meta property="og:title" content="{_e(first.title)}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{when}">
<meta name="author" content="{_e(_names(first))}">"""
    return f"""<!doctype html>
<html lang="zh-CN">{_head(charset, first.title + "_" + site, metas)}
<body>
<header class="site-header"><a class="logo" href="/"><h1>{site}</h1></a>
<nav class="main-nav"><ul><li><a href="/">首页</a></li>
<li><a href="/china/">国内新闻</a></li></ul></nav>
<form class="search-box" action="/s"><input name="q" placeholder="搜索关键词">
<button>搜索关键词</button></form></header>
<main>
{"".join(stories)}
<aside class="related"><h2>相关新闻</h2><ul>
{"".join(f'<li><a href="/3.html">{_e(t)}</a></li>' for t in page.related)}</ul></aside>
<section class="comments"><h3>网友评论</h3><form><textarea name="c">评论框里的默认文字</textarea>
<button type="submit">发表评论</button></form></section>
</main>
<footer class="site-footer"><p>Copyright © 1998-2024 example.cn All Rights Reserved</p>
<p>{site}版权所有 京ICP备00000000号</p></footer>
<script src="/js/stats.js"></script><noscript>请启用浏览器脚本</noscript>
</body></html>
"""


def _plain(page: WebPage, charset: str) -> str:
    """Markup no rule of baoku knows: only the `<h1>` and the `<p>`s mean anything."""
    assert page.date is not None
    printed = f"第{page.page}版" if page.page else ""
    masthead = f"{page.paper} {page.date.year}年{page.date.month}月{page.date.day}日 {printed}"
    stories = []
    for s in page.stories:
        byline = f"<p>记者 {_e(_names(s))}</p>\n" if s.authors else ""
        stories.append(f"""<div class="k5"><h1>{_e(s.title)}</h1>
<div class="k8">{byline}{_paragraphs(s)}{IN_BODY}</div>
<div class="k9"><a href="/1.html">上一篇：{_e(page.related[0])}</a> |
<a href="/2.html">下一篇：{_e(page.related[1])}</a></div></div>""")
    return f"""<html>{_head(charset, page.stories[0].title)}
<body><div class="k1"><div class="k2">{masthead}</div>
<div class="k3"><a href="/">首页</a> | <a href="/gn/">国内新闻</a> |
<a href="/s/">搜索关键词</a></div>
{"".join(stories)}
<div class="k4"><p><a href="/r1.html">{_e(page.related[0])}</a></p>
<p><a href="/r2.html">{_e(page.related[1])}</a></p></div>
<div class="k6">Copyright © 1998 example.cn 版权所有</div></div>
<script>document.write("<p>脚本写入的段落</p>")</script>
</body></html>
"""


_RENDERERS = {"founder": _founder, "people": _people, "news": _news, "plain": _plain}


def render(template: str, page: WebPage, charset: str = "utf-8") -> bytes:
    """The page in `template`, encoded as `charset` declares (`gbk` writes GB18030 bytes,
    as GBK pages of 数字报 systems do; `gb2312` too)."""
    text = _RENDERERS[template](page, charset)
    codec = "gb18030" if charset.lower() in ("gbk", "gb2312") else charset
    return text.encode(codec)


def expected(template: str, page: WebPage, stem: str) -> list[dict[str, Any]]:
    """What reading the page must give, in the shape of `read_back`."""
    paged = template in PAGED
    paper: str | None = SITES[page.source] if template == "news" else page.paper
    if template == "plain" and page.source == "xwlb":
        paper = None  # a masthead's words are a paper only when they end like one (…报)
    return [
        {
            "id": f"{stem}-{n:02d}",
            "title": s.title,
            "kicker": s.kicker if template in KICKERS else None,
            "subtitle": s.subtitle.lstrip("—") if s.subtitle and template in SUBTITLES else None,
            "authors": s.authors,
            "date": page.date,
            "paper": paper,
            "page": str(page.page) if paged and page.page else None,
            "page_name": page.page_name if template in NAMED else None,
            "paragraphs": [
                *([(True, s.caption)] if s.caption and template in CAPTIONS else []),
                *((False, p) for p in s.paragraphs),
            ],
        }
        for n, s in enumerate(page.stories, 1)
    ]


def read_back(articles: tuple[Article, ...] | list[Article]) -> list[dict[str, Any]]:
    """Parsed articles in the shape of `expected`: (is it a caption, text) per paragraph."""
    return [
        {
            "id": a.id,
            "title": a.title,
            "kicker": a.kicker,
            "subtitle": a.subtitle,
            "authors": a.authors,
            "date": a.date,
            "paper": a.paper,
            "page": a.page,
            "page_name": a.page_name,
            "paragraphs": [(p.kind == "caption", p.text) for p in a.paragraphs],
        }
        for a in articles
    ]


def leaked(articles: tuple[Article, ...] | list[Article], page: WebPage) -> list[str]:
    """The furniture words (and related-link titles) found in the articles' text."""
    text = "\n".join(
        "\n".join([a.title, a.kicker or "", a.subtitle or "", *(p.text for p in a.paragraphs)])
        for a in articles
    )
    truth = "\n".join(p for s in page.stories for p in (s.title, *s.paragraphs))
    return [w for w in (*FURNITURE, *page.related) if w in text and w not in truth]


# ---------------------------------------------------------------------------
# The articles a round trip can use


def _records(name: str, limit: int) -> Iterator[dict[str, Any]]:
    with (CORPUS_DIR / name).open(encoding="utf-8") as lines:
        for line in itertools.islice(lines, limit):
            yield json.loads(line)


def _reads_back(record: dict[str, Any]) -> bool:
    """Whether the page parser gives the article back exactly from plain page text: its
    title, its paragraphs as body text, its authors from a byline line. Articles it
    reads otherwise (captions, column breaks, credits) test the page rules, not HTML."""
    paragraphs = record["paragraphs"]
    if not record["title"] or not 3 <= len(paragraphs) <= 12:
        return False
    if not all(20 <= len(p) <= 1500 for p in paragraphs):
        return False
    byline = [f"本报记者 {' '.join(record['authors'])}"] if record["authors"] else []
    text = "\n\n".join([f"### {record['title']}", *byline, *paragraphs]) + "\n"
    articles = parse_page(text, "/pages/check.txt")
    return (
        len(articles) == 1
        and articles[0].title == record["title"]
        and all(p.kind != "caption" for p in articles[0].paragraphs)
        and [p.text for p in articles[0].paragraphs] == paragraphs
        and articles[0].authors == tuple(record["authors"])
    )


@functools.cache
def round_trip_pool(pd1998: int = 40, xwlb: int = 12) -> tuple[str, ...]:
    """Ids of the first corpus articles (of several paragraphs) that plain page text gives
    back exactly: `pd1998` from People's Daily 1998 and `xwlb` from 新闻联播."""
    picked = [r["id"] for r in _records("pd1998.jsonl", 1500) if r["authors"] and _reads_back(r)][
        :pd1998
    ]
    picked += [r["id"] for r in _records("xwlb.jsonl", 3000) if _reads_back(r)][:xwlb]
    return tuple(picked)


def templates_for(article_id: str) -> tuple[str, ...]:
    """新闻联播 is no newspaper: its transcripts come from a news site's pages."""
    return TEMPLATES if article_id.startswith("pd1998") else ("news", "plain")


def with_fields(page: WebPage, **fields: Any) -> WebPage:
    """The page with its stories' kicker, subtitle or caption set."""
    return replace(page, stories=tuple(replace(s, **fields) for s in page.stories))
