"""Saved web pages -> page text: e-paper (数字报) article pages and news-site articles.

A newsroom saves the articles of its own e-paper and of news sites as HTML. Each page
holds one article (sometimes two) inside navigation, 上一篇/下一篇 links, share buttons,
related links, comment boxes, copyright footers and scripts. This module finds the
articles and writes them as page text (docs/pages.md), which the one page parser reads:
front matter (date, paper, page, page_name), then per article the 引题 as a `####`
heading right above the `###` title, `——副题`, the byline line, one paragraph per
`<p>`/`<br>` block, captions (under an image line) and table cells as lines.

Rules on lxml, not a general main-text extractor. On the 184 pages of
tests/render_html.py (corpus articles in 方正, 人民日报 and news-site templates, and one
of markup no rule names) the rules gave every article's paragraphs back exactly, with no
furniture; trafilatura 2.3 and readability-lxml 0.9 gave none exactly (they keep the
share and credit lines inside a body, trafilatura reads layout tables as `| … |` rows),
CSS rules on selectolax 80. None of them reads 引题, 副题, 版次 or 版名, which are what
an archive is searched and browsed by. The markups read:

* body: `<founder-content>` (方正); else the innermost element named like a body
  (`#ozoom`, `.article-content`, `.TRS_Editor`, `[itemprop=articleBody]`…); else each
  outermost `<article>`; else the element whose `<p>` children hold the most text.
* title: before the body (or inside it, before its first paragraph) `<founder-title>`,
  `<h1>`, an element named like a title, `<h2>`; else the ENP comment's, `og:title`.
* 引题, 副题: `<h3>` / `.yinti` right above the title and `<h2>` / `.futi` right under
  it, no text between; else `<introtitle>` and `<subtitle>` of the ENP comment.
* byline: `<founder-author>`, `.author`, `.byline`, `p.sec` (up to its `《人民日报》`),
  `<h4>`, when it reads as a byline; else `<meta name="author">`, the ENP `<author>`.
* date, 版次, 版名, paper: the ENP comment (`<!--enpproperty <date>…</date>
  <nodename>第01版：要闻</nodename>…-->`), `article:published_time` and its kin,
  `<time datetime>`, `<founder-date>`, `.date`, then the page's short lines outside the
  articles and links (`人民日报 1998年01月19日`, `第04版：国内`, `《人民日报》（1998年01月
  19日 第04版）`), then `<title>`, read word by word with the page header's grammar
  (furniture.py); else `og:site_name` for the paper.

Text that looks like page-text markup is escaped (`formats.page_line`) so that the page
parser gives it back unchanged. A paragraph made only of rule characters (`***`, `———`)
is a rule here as on a page, a lone URL is furniture, and a leading ■ □ ● is
decoration: the page rules apply to them as written.

Files are untrusted. lxml's HTML parser never loads a DTD or anything else from the
network (`no_network`), nothing is executed, and scripts, styles, forms, iframes,
objects, hidden elements, comments and `javascript:` links are removed before any text
is read (event attributes are attributes: never text). A page that declares its own
entities (an entity bomb), nests deeper than libxml2 reads (it would stop reading
silently), or holds more text than `limits.DOCUMENT_TEXT_MB` is refused.
"""

from __future__ import annotations

import bisect
import codecs
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from search import limits
from search.errors import UnreadableFile
from search.ingest.bylines import byline_line, names_in
from search.ingest.formats import Rendition, page_line
from search.ingest.furniture import Header, read_header
from search.ingest.pages import PageMeta

Element = Any  # lxml ships no type hints; an element of the parsed page

PARSER_DEPTH = 256  # libxml2 reads no deeper, and drops whatever follows: such a page is refused
DECLARATION_BYTES = 1 << 16  # where a page declares its charset or its DOCTYPE
_ENP_CHARS = 1 << 16  # an ENP comment holds a dozen short fields
_HEADER_LINE_CHARS = 80  # furniture.HEADER_CHARS: a longer line is no page header

# ---------------------------------------------------------------------------
# Bytes -> text -> a tree without anything that is never article text

_DECLARED = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([\w.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})""",
    re.IGNORECASE,
)
# What pages declare, and the codec that reads what they really hold: GB2312 and GBK
# pages carry GB18030 characters; "latin1" pages are windows-1252, as browsers read them.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # \f is HTML white space: it stays
_ENTITY_DECLARATION = re.compile(r"<!DOCTYPE[^>\[]{0,1000}\[[^\]]{0,65536}?<!ENTITY", re.I)

# Elements whose content is never article text (`head` and `title` once read).
_NEVER_TEXT = frozenset(
    "script style noscript template iframe frame frameset object applet form input "
    "button select option optgroup textarea label svg math canvas audio video map area nav "
    "aside footer link meta base dialog menu head title".split()
)
# Void in HTML, but libxml2 nests what follows them inside them: their tags go, their
# "content" (the rest of the page) stays. (<wbr> too, but it is read as inline text.)
_UNCLOSED_VOIDS = ("embed", "source", "track", "keygen")
# Parts of class and id names (`share-bar`, `related_news`) that name page furniture.
_FURNITURE_NAMES = frozenset(
    "nav navbar menu share sharing social related recommend comment comments footer "
    "copyright breadcrumb crumbs toolbar sidebar advert ad ads pager pagination prev next "
    "login search tags keywords".split()
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _decode(data: bytes) -> str:
    """The page's text. Bytes that are UTF-8 are UTF-8 whatever the page declares (a browser
    saving a page again keeps its old `<meta charset=gb2312>`), and so are bytes with a few
    broken sequences (a cut download: read as GB18030 it would all be mojibake); else the
    declared charset, else GB18030 (old 数字报 pages often declare nothing)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile("not UTF-16 text after its byte-order mark") from exc
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        lossy = data.decode("utf-8", "replace")
    wide = len(lossy) - len(lossy.encode("ascii", "ignore"))
    if lossy.count("\ufffd") * 20 <= wide:  # GBK read as UTF-8 breaks nearly every character
        return lossy
    match = _DECLARED.search(data[:DECLARATION_BYTES])
    declared = (match.group(1) or match.group(2)).decode("ascii").lower() if match else None
    for encoding in dict.fromkeys(e for e in (declared, "gb18030") if e):
        try:
            return data.decode(_SUPERSETS.get(encoding, encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableFile("not text in UTF-8, GB18030 or the charset the page declares")


def _parse(text: str) -> Element:
    """The page as an lxml tree, or `UnreadableFile` for a page built to break parsers."""
    if _ENTITY_DECLARATION.search(text, 0, DECLARATION_BYTES):
        raise UnreadableFile("declares its own entities (a DTD): refused as an entity bomb")
    text = _CONTROL.sub("", text)  # as on a page (markup.py); libxml2 would make NUL a U+FFFD
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, remove_pis=True, collect_ids=False, huge_tree=False
    )
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except etree.Error as exc:
        raise UnreadableFile(f"not HTML the parser can read ({exc})") from exc
    fatal = [e.message.strip() for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if any("depth" in message for message in fatal):
        raise UnreadableFile(f"elements nested deeper than {PARSER_DEPTH} levels")
    if fatal:
        raise UnreadableFile(f"refused by the HTML parser ({fatal[0]})")
    if root is None:
        raise UnreadableFile("no HTML elements in the file")
    return root


def _words(element: Element) -> set[str]:
    """An element's class and id names, lower case (`article-content`, `ozoom`)."""
    return set(f"{element.get('class', '')} {element.get('id', '')}".lower().split())


def _name_parts(element: Element) -> set[str]:
    return {part for word in _words(element) for part in re.split(r"[-_]", word) if part}


def _drop(element: Element) -> None:
    """Remove `element` but keep its tail: the text after it belongs to its parent."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _strip(root: Element) -> None:
    """Remove what is never article text: comments, scripts, forms and the other
    `_NEVER_TEXT` elements, hidden elements, `javascript:` links, and blocks named like
    furniture (`.share`, `#related`) unless they hold an article's title or body."""
    etree.strip_tags(root, *_UNCLOSED_VOIDS)
    keep: set[Element] = set()
    anchors = [e for e in root.iter() if isinstance(e.tag, str) and _words(e) & _BODY_NAMES]
    for anchor in [*root.iter("h1", "founder-content", "founder-title"), *anchors]:
        keep.update(anchor.iterancestors())
        keep.add(anchor)
    doomed = []
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):  # a comment
            doomed.append(element)
        elif tag in _NEVER_TEXT or _HIDDEN.search(element.get("style", "")):
            doomed.append(element)
        elif tag == "a" and element.get("href", "").strip().lower().startswith("javascript:"):
            doomed.append(element)
        elif element not in keep and _name_parts(element) & _FURNITURE_NAMES:
            doomed.append(element)
    for element in doomed:
        _drop(element)


def _check_size(root: Element) -> None:
    size = sum(len(text.encode("utf-8", "surrogatepass")) for text in root.itertext())
    if size > limits.DOCUMENT_TEXT_MB << 20:
        raise UnreadableFile(
            f"{size / (1 << 20):.0f} MB of text; at most {limits.DOCUMENT_TEXT_MB} MB"
        )


# ---------------------------------------------------------------------------
# What the page says about itself: meta tags, ENP comments, <title>


@dataclass(frozen=True, slots=True)
class _Enp:
    """One `<!--enpproperty <date>…</date><nodename>…</nodename>…-->` comment of the 方正
    ENP publishing system (人民日报 and many city papers), and the element it sits in."""

    fields: dict[str, str]
    parent: Element


_ENP_TAG = re.compile(r"<([a-z][\w-]{0,30})>")
_INNER_TAG = re.compile(r"<[^<>]{0,200}>")


def _enp_comments(root: Element) -> list[_Enp]:
    found = []
    for comment in root.iter(etree.Comment):
        text = (comment.text or "")[:_ENP_CHARS]
        if "enpproperty" not in text and "<founder-" not in text:
            continue
        fields: dict[str, str] = {}
        for match in _ENP_TAG.finditer(text):
            name = match.group(1)
            end = text.find(f"</{name}>", match.end(), match.end() + 4000)
            if end > 0:
                value = _squeeze(html.unescape(_INNER_TAG.sub(" ", text[match.end() : end])))
                fields.setdefault(name.removeprefix("founder-"), value)
        if fields:
            found.append(_Enp(fields, comment.getparent()))
    return found


def _meta_tags(root: Element) -> dict[str, str]:
    tags: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = _squeeze(meta.get("content") or "")
        if key and content:
            tags.setdefault(key, content)
    return tags


_DATE_METAS = (
    "article:published_time",
    "og:article:published_time",
    "publishdate",
    "publish_date",
    "pubdate",
    "datepublished",
    "dc.date",
    "date",
)

# ---------------------------------------------------------------------------
# Text as lines: one per block element or <br>, with whitespace as HTML collapses it

_BLOCKS = frozenset(
    "address article blockquote body center dd details dir div dl dt figcaption figure "
    "founder-content h1 h2 h3 h4 h5 h6 header hgroup hr html li main ol p pre section "
    "summary table tbody thead tfoot tr td th caption ul br".split()
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses ASCII space only: 　 and &nbsp; stay
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A source line break between two Han characters is no space (CSS Text 3 removes it).
_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_WIDE}])")


def _squeeze(text: str) -> str:
    return _HTML_SPACE.sub(" ", _WIDE_BREAK.sub("", text)).strip()


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    caption: bool = False
    linked: bool = False  # all its text is link text (a menu, a related-links list)


@dataclass
class _Lines:
    """Walks elements into `_Line`s; `skip` says which elements (with their content, not
    their tail) are not read; `captions` which elements are captions."""

    skip: Callable[[Element], bool]
    captions: Callable[[Element], bool] = lambda element: False
    lines: list[_Line] = field(default_factory=list, init=False)
    pieces: list[tuple[str, bool]] = field(default_factory=list, init=False)  # the open line

    def read(self, element: Element) -> list[_Line]:
        self._walk(element, element.tag == "a")
        self._flush()
        return self.lines

    def _walk(self, element: Element, linked: bool) -> None:
        if self.skip(element):
            return
        if self.captions(element):
            self._flush()
            caption = _Lines(self.skip).read(element)
            text = "".join(line.text for line in caption)
            if text:
                self.lines.append(_Line(text, caption=True))
            return
        block = element.tag in _BLOCKS
        if block:
            self._flush()
        if element.text:
            self.pieces.append((element.text, linked))
        for child in element:
            if isinstance(child.tag, str):
                self._walk(child, linked or child.tag == "a")
            if child.tail:
                self.pieces.append((child.tail, linked))
        if block:
            self._flush()

    def _flush(self) -> None:
        text = _squeeze("".join(piece for piece, _ in self.pieces))
        if text:
            unlinked = _squeeze("".join(piece for piece, linked in self.pieces if not linked))
            self.lines.append(_Line(text, linked=not unlinked))
        self.pieces.clear()


def _inline_text(element: Element, skip: Callable[[Element], bool] = lambda e: False) -> str:
    """A heading's or a caption's text on one line (a `<br>` in a title joins its halves)."""
    return "".join(line.text for line in _Lines(skip).read(element))


def _is_link(element: Element) -> bool:
    return element.tag == "a"


# Lines of page furniture inside an article's body: a line made only of controls
# (`打印 | 关闭`), or opening with the words of navigation, sharing and credits.
_CONTROLS = re.compile(
    r"(?:[【\[]?(?:打印本页|打印|关闭窗口|关闭|收藏|分享|点赞|纠错|举报|推荐|评论|放大|缩小|"
    r"默认|字号|大|中|小|返回顶部|返回|首页|上一页|下一页|尾页)[】\]]?[\s|｜:：/]*)+"
)
_FURNITURE_LINE = re.compile(
    r"^[【\[（(]?(?:上一篇|下一篇|上一版|下一版|返回目录|返回首页|返回版面|返回顶部|分享到|"
    r"相关新闻|相关阅读|相关链接|延伸阅读|推荐阅读|发表评论|网友评论|我要评论|扫一扫|"
    r"来源[：:]|原标题[：:]|本文来源|责任编辑[：:]|Copyright|©|京ICP)",
    re.IGNORECASE,
)


def _is_furniture(text: str) -> bool:
    if len(text) > _HEADER_LINE_CHARS:
        return False
    if _CONTROLS.fullmatch(text) or _FURNITURE_LINE.match(text):
        return True
    return "版权所有" in text and "。" not in text


# ---------------------------------------------------------------------------
# Articles: bodies, and the title, 引题, 副题 and byline each body's head holds

_BODY_NAMES = frozenset(
    "ozoom article-content articlecontent article_content content_article article-body "
    "articlebody article_body post-content entry-content main-text maintext rm_txt_con "
    "trs_editor text_con textcon newsdetatext detail-content news-content newscontent "
    "art_content content-text articletext".split()
)
_TITLE_NAMES = frozenset(
    "title article-title articletitle news-title newstitle main-title maintitle biaoti "
    "headline art_title detail-title".split()
)
_KICKER_NAMES = frozenset("yinti introtitle intro-title pretitle kicker leadtitle".split())
_SUBTITLE_NAMES = frozenset("futi subtitle sub-title sub_title fubiaoti".split())
_BYLINE_NAMES = frozenset("author byline sec writer zuozhe article-author".split())
_DATE_NAMES = frozenset("date time pubtime pub-time publish-time post-time newstime ban".split())
_CAPTION_NAMES = frozenset(
    "caption pictext pic-text img-text imgtext picture-text photo-text pic_desc img_desc "
    "attachment".split()
)


def _is_caption(element: Element) -> bool:
    return element.tag == "figcaption" or bool(_words(element) & _CAPTION_NAMES)


def _title_rank(element: Element) -> int | None:
    """How surely `element` is an article's title (0 surest), None when it is no title."""
    if element.tag == "founder-title":
        return 0
    if element.tag == "h1":
        return 1
    if _words(element) & _TITLE_NAMES:
        return 2
    return 3 if element.tag == "h2" else None


def _is_kicker(element: Element) -> bool:
    return element.tag == "h3" or bool(_words(element) & _KICKER_NAMES)


def _is_subtitle(element: Element) -> bool:
    return element.tag == "h2" or bool(_words(element) & _SUBTITLE_NAMES)


def _is_byline(element: Element) -> bool:
    return (
        element.tag in ("founder-author", "h4")
        or bool(_words(element) & _BYLINE_NAMES)
        or element.get("rel") == "author"
        or element.get("itemprop") == "author"
    )


def _is_date(element: Element) -> bool:
    return element.tag in ("founder-date", "time") or bool(_words(element) & _DATE_NAMES)


def _bodies(root: Element) -> list[Element]:
    """The elements that hold the articles' text, in page order (see the module docstring)."""
    founder = list(root.iter("founder-content"))
    if founder:
        return founder
    named = [
        e
        for e in root.iter()
        if isinstance(e.tag, str)
        and (_words(e) & _BODY_NAMES or e.get("itemprop", "").lower() == "articlebody")
    ]
    innermost = [e for e in named if not any(o is not e and _inside(o, e) for o in named)]
    if innermost:
        return innermost
    articles = [
        e for e in root.iter("article") if not any(True for _ in e.iterancestors("article"))
    ]
    if articles:
        return articles
    densest = _densest(root)
    return [densest] if densest is not None else []


def _inside(element: Element, container: Element) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def _densest(root: Element) -> Element | None:
    """The element whose `<p>` children (or `<br>`-broken lines) hold the most text outside
    links: where a page of unknown markup keeps its article (not its lists of links)."""
    scores: dict[Element, int] = {}
    for block in root.iter("p", "br"):
        parent = block.getparent()
        if parent is not None:
            text = block.tail or "" if block.tag == "br" else _inline_text(block, _is_link)
            scores[parent] = scores.get(parent, 0) + len(_squeeze(text))
    best = max(scores, key=scores.__getitem__, default=None)
    return best if best is not None and scores[best] else None


@dataclass(frozen=True, slots=True)
class _Story:
    """One article as the page printed it."""

    title: str
    kicker: str | None
    subtitle: str | None
    byline: str | None
    lines: tuple[_Line, ...]


class _Page:
    """The parsed page: its articles and what it says about its date, paper and page."""

    def __init__(self, root: Element) -> None:
        self.root = root
        self.enp = _enp_comments(root)
        self.metas = _meta_tags(root)
        self.page_title = _squeeze(" ".join(t.text or "" for t in root.iter("title")))
        _strip(root)
        _check_size(root)
        self.order = {element: n for n, element in enumerate(root.iter())}
        # Where text stands (an element's own text or its tail): 引题 and 副题 touch the title.
        self.texts = sorted(
            n
            for e, n in self.order.items()
            if (e.text and e.text.strip()) or (e.tail and e.tail.strip())
        )
        self.bodies = _bodies(root)
        self.used: set[Element] = set()  # head elements read as fields, never as text
        self.head_texts: list[str] = []  # what the heads print of dates, for `meta`
        self.stories = [s for s in self._stories() if s.lines]

    def _stories(self) -> Iterator[_Story]:
        start = -1
        for body in self.bodies:
            yield self._story(body, start)
            start = self._end(body)

    def _end(self, element: Element) -> int:
        return max(self.order.get(e, 0) for e in element.iter())

    def _head(self, body: Element, start: int) -> list[Element]:
        """The elements an article's title, 引题, 副题 and byline may be: after the previous
        body and before this one, or inside it before its first paragraph."""
        first_p = next((p for p in body.iter("p") if _inline_text(p)), None)
        inside = self.order[first_p] if first_p is not None else self.order[body]
        others = [b for b in self.bodies if b is not body]
        return [
            e
            for e, n in self.order.items()
            if isinstance(e.tag, str)
            and (start < n < self.order[body] or self.order[body] < n < inside)
            and not any(e is b or _inside(e, b) for b in others)
        ]

    def _story(self, body: Element, start: int) -> _Story:
        head = self._head(body, start)
        titles = [e for e in reversed(head) if _title_rank(e) is not None and _inline_text(e)]
        heading = min(titles, key=lambda e: _title_rank(e) or 0, default=None)
        title = _inline_text(heading) if heading is not None else ""
        enp = self._enp_for(body, start, title)
        single = len(self.bodies) == 1
        if not title:
            title = enp.get("title") or (self.metas.get("og:title", "") if single else "")
        kicker = subtitle = None
        if heading is not None:
            self.used.add(heading)
            kicker = self._touching(head, heading, _is_kicker, above=True)
            subtitle = self._touching(head, heading, _is_subtitle, above=False)
        after = self.order[heading] if heading is not None else start
        captions: list[_Line] = []
        bylines = []
        for element in head:
            if element in self.used or any(_inside(element, u) for u in self.used):
                continue
            if _is_byline(element) or _is_date(element):
                self.used.add(element)
                text = _inline_text(element)
                self.head_texts.append(text)
                if _is_byline(element) and self.order[element] > after:
                    bylines.append(text)
            elif _is_caption(element) and not _inside(element, body):
                captions += [replace(c, caption=True) for c in _Lines(self._used).read(element)]
                self.used.add(element)
        byline = next((b for b in map(_byline, bylines) if b), None)
        if byline is None and single:
            byline = _byline(self.metas.get("author", "")) or _byline(enp.get("author", ""))
        lines = [
            line
            for line in _Lines(self._used, _is_caption).read(body)
            if not line.linked and not _is_furniture(line.text)
        ]
        return _Story(
            title=title,
            kicker=kicker or enp.get("introtitle") or None,
            subtitle=subtitle or enp.get("subtitle") or None,
            byline=byline,
            lines=(*captions, *lines),
        )

    def _used(self, element: Element) -> bool:
        return element in self.used

    def _touching(
        self, head: list[Element], title: Element, wanted: Callable[[Element], bool], above: bool
    ) -> str | None:
        """The text of the `wanted` element right above (or right under) the title, with no
        text between them: a line further away is no 引题 (副题)."""
        at, end = self.order[title], self._end(title)
        if above:
            candidates = [e for e in reversed(head) if self.order[e] < at]
        else:
            candidates = [e for e in head if self.order[e] > end]
        element = next((e for e in candidates if wanted(e) and _title_rank(e) not in (0, 1)), None)
        if element is None:
            return None
        low, high = (self._end(element), at) if above else (end, self.order[element])
        if bisect.bisect_right(self.texts, low) < bisect.bisect_left(self.texts, high):
            return None
        self.used.add(element)
        return _inline_text(element) or None

    def _enp_for(self, body: Element, start: int, title: str) -> dict[str, str]:
        """This article's ENP comment: the one in its body or head (人民日报 prints one in
        each `#ozoom`), else the one of its title, else the page's only one."""
        end = self._end(body)
        for enp in self.enp:
            where = self.order.get(enp.parent)
            if where is None or _inside(body, enp.parent):
                continue  # dropped with furniture, or page-wide (a parent of the body)
            if start < where <= end:
                return enp.fields
        titled = [e.fields for e in self.enp if title and e.fields.get("title") == title]
        if titled:
            return titled[0]
        return self.enp[0].fields if len(self.enp) == 1 and len(self.bodies) == 1 else {}

    def meta(self) -> PageMeta:
        """Date, paper, page and page name from the first source that prints each."""
        sources = [
            *(v for enp in self.enp for k, v in enp.fields.items() if k in ("date", "nodename")),
            *(self.metas[k] for k in _DATE_METAS if k in self.metas),
            *(t.get("datetime", "") for t in self.root.iter("time")),
            *self.head_texts,
            *(line.text for line in self._outside_lines()),
            *re.split(r"(?<!\d)\s*[-_|–—]+\s*(?!\d)", self.page_title),
        ]
        found = _merge(_header_facts(s) for s in sources if s)
        paper = found.paper or self.metas.get("og:site_name")
        return PageMeta(found.date, paper, found.page, found.page_name)

    def _outside_lines(self) -> list[_Line]:
        """The page's short lines outside its articles and links: the masthead, 版面 names."""
        bodies = set(self.bodies)

        def skip(element: Element) -> bool:
            return element in bodies or element in self.used or _is_link(element)

        body = next(self.root.iter("body"), self.root)
        return [line for line in _Lines(skip).read(body) if len(line.text) <= _HEADER_LINE_CHARS]


# ---------------------------------------------------------------------------
# Dates, papers and pages, read with the page header's grammar

_SPACED_PAGE = re.compile(r"第\s*([A-Za-z]?\d{1,3})\s*版|(?<=\s)([A-Za-z]?\d{1,3})\s+版")
_LABELLED_PAGE = re.compile(r"版次\s*[：:]\s*([A-Za-z]?\d{1,3})(?:\s*版名\s*[：:]\s*(\S{1,10}))?")
_PAGE_COLON = re.compile(r"版\s*[：:]\s*")
_ISO_TIME = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[T\s]\d{1,2}:\S*")
_BRACKETS = re.compile(r"[《》〈〉（）()【】\[\]]")
_TOKENS = re.compile(r"[\s|｜/·•，,]+")


def _header_facts(text: str) -> Header:
    """What a line prints of a page header: each word read as furniture.read_header reads
    a header (`人民日报`, `1998年01月19日`, `第04版：国内`), other words passed over."""
    text = unicodedata.normalize("NFKC", text)
    text = _ISO_TIME.sub(r"\1", text)
    text = _LABELLED_PAGE.sub(lambda m: f" 第{m.group(1)}版：{m.group(2) or ''} ", text)
    text = _SPACED_PAGE.sub(lambda m: f"第{m.group(1) or m.group(2)}版", _BRACKETS.sub(" ", text))
    text = _PAGE_COLON.sub("版：", text)
    return _merge(
        header
        for token in _TOKENS.split(text)
        if token and (header := read_header(token.rstrip("：:"), top=True)) is not None
    )


def _merge(headers: Iterable[Header]) -> Header:
    """The first date, paper and page found; the page name goes with its page."""
    date = paper = page = page_name = None
    for header in headers:
        date = date or header.date
        paper = paper or header.paper
        if page is None and header.page:
            page, page_name = header.page, header.page_name
        elif header.page_name and page_name is None and header.page in (None, page):
            page_name = header.page_name
    return Header(date, paper, page, page_name)


# ---------------------------------------------------------------------------
# Page text

_BYLINE_END = re.compile(r"《|来源|发布时间|时间[：:]|责任编辑|编辑[：:]|\d{4}\s*[-年/.]")
_BYLINE_START = re.compile(r"^(?:作者|撰文|文)\s*[：:/／]\s*")


def _byline(raw: str) -> str | None:
    """A byline line the page parser reads as one, or None: `本报记者 张三` as printed;
    bare names (`<meta name="author" content="张三 李四">`, `作者：张三`) as the credit
    `（张三 李四）`; the paper and date after it (`《人民日报》（…）`) cut off."""
    text = _BYLINE_START.sub("", _BYLINE_END.split(raw, 1)[0].strip()).strip(" |·")
    if not text:
        return None
    if byline_line(text) is not None:
        return text
    names = names_in(text)
    return f"（{' '.join(names)}）" if names else None


def _caption(text: str) -> str:
    """A caption as page text: under an image line, where the page rules read a caption
    whatever its words (an empty `![]()`: the image itself is never fetched)."""
    return f"![]()\n{text}"


def _page_text(meta: PageMeta, stories: list[_Story]) -> str:
    front = {
        "date": meta.date.isoformat() if meta.date else None,
        "paper": meta.paper,
        "page": meta.page,
        "page_name": meta.page_name,
    }
    known = "".join(f"{k}: {v}\n" for k, v in front.items() if v)
    blocks = [f"---\n{known}---" if known else ""]
    for story in stories:
        heading = f"### {page_line(story.title, heading=True)}" if story.title else ""
        if story.kicker and heading:
            heading = f"#### {page_line(story.kicker, heading=True)}\n{heading}"
        blocks.append(heading)
        if story.subtitle and story.subtitle.strip("—"):
            blocks.append("——" + page_line(story.subtitle.lstrip("—").strip()))
        if story.byline:
            blocks.append(page_line(story.byline))
        blocks.extend(
            _caption(page_line(line.text)) if line.caption else page_line(line.text)
            for line in story.lines
        )
    return "\n\n".join(b for b in blocks if b) + "\n"


def render_html(data: bytes, path: Path) -> Rendition:
    """A saved web page as page text: its articles with their fields, no furniture."""
    page = _Page(_parse(_decode(data)))
    if not page.stories:
        raise UnreadableFile("no article text found in the page")
    return Rendition(_page_text(page.meta(), page.stories))
