"""Newspaper page text (a markdown-ish scrape) -> articles; `docs/pages.md` is the rule book.

The page goes through four steps, each undoing one thing the scrape did:

1. `markup.clean_lines`: HTML, markdown images and links, separators and
   decoration become clean lines; lines that were only markup are dropped.
2. Furniture (`furniture.py`): header lines at the top (paper, date, 第N版)
   are dropped and give the page's metadata; running headers and footer
   credits (责任编辑…) are dropped wherever they are. Jump lines
   (`（下转第二版）`, `jumps.py`) are markers, never text.
3. Structure: headings (`#`…`####`, `**bold**` lines) are section banners
   (followed by a heading of the same or deeper level), kickers (followed by a shallower one),
   titles, or the subheads of an open article with a shallower title. Byline
   lines and leads give authors (`bylines.py`); captions are recognised.
4. Column breaks: a body paragraph that does not end a sentence is joined
   with the next one; what sat between the halves is kept as a caption.

Every drop and join is recorded as a `PageNote` for `baoku parse`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from search.ingest.bylines import byline_lead, byline_line, trailing_credit
from search.ingest.furniture import Header, is_footer, page_label, read_header
from search.ingest.jumps import Jump, jump_line, strip_jumps
from search.ingest.markup import BOLD, Line, clean_lines, ends_sentence, split_lines
from search.models import Article, Paragraph, ParagraphKind

_CLAUSE_PUNCT = re.compile(r"[，,。；;：:！!？?、]")
_CAPTION_START = re.compile(r"^(?:图为|图[：:]|[上下左右中]图[：:为]?|题图|图片说明)")
_CAPTION_END = re.compile(
    r"(?:摄|摄[）)]|新华社发[）)]?|资料图片[）)]?|供图[）)]?|视觉中国[）)]?)$"
)
SUBHEAD_CHARS = 30  # a subhead or kicker is a short line
KICKER_CHARS = 40
CAPTION_BETWEEN_CHARS = 80  # longer sentence-less text between two halves is a third piece
_FRONT_MATTER_KEYS = ("date", "paper", "page", "page_name")
_FRONT_MATTER_KEY = re.compile(r"[A-Za-z_][\w-]*")

NoteKind = Literal["dropped", "metadata", "byline", "jump", "joined", "caption"]


class PageFormatError(ValueError):
    """The page cannot be read as a page (bad front matter); the file is skipped."""


@dataclass(frozen=True, slots=True)
class PageMeta:
    date: datetime.date | None = None
    paper: str | None = None
    page: str | None = None
    page_name: str | None = None


@dataclass(frozen=True, slots=True)
class PageNote:
    """One thing the parser did that is not visible in the articles: for `baoku parse`."""

    line: int
    kind: NoteKind
    detail: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class ParsedPage:
    path: str
    meta: PageMeta
    meta_from: dict[str, str]  # field -> "front matter" | "option" | "header"
    articles: tuple[Article, ...]
    notes: tuple[PageNote, ...]
    format: str = "page"  # the file's format (search/ingest/formats.py), for `baoku parse`


@dataclass
class _Para:
    text: str
    kind: ParagraphKind
    line: int
    last: int = 0  # the line it ends on (0: `line`)


@dataclass
class _Draft:
    title: str
    section: str | None
    level: int = 0  # the title's heading level; 0 for an untitled article
    kicker: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    dateline: str | None = None
    paragraphs: list[_Para] = field(default_factory=list)
    onward: str | None = None
    back: str | None = None

    def fresh(self) -> bool:
        return not any(p.kind == "body" for p in self.paragraphs)

    def jump(self, jump: Jump) -> None:
        if jump.onward:
            self.onward = jump.page
        else:
            self.back = jump.page


def parse_page(text: str, path: str, defaults: PageMeta | None = None) -> list[Article]:
    """All articles of one page file, in page order, with ids `<file stem>-NN`."""
    return list(read_page_text(text, path, defaults).articles)


def read_page_text(
    text: str, path: str, defaults: PageMeta | None = None, stem: str | None = None
) -> ParsedPage:
    """The page read, with what was dropped or joined; `defaults` are `--date/--paper`.
    Articles have ids `<stem>-NN`, the file's stem unless one page of several."""
    lines = split_lines(text)
    front, body_start = _front_matter(lines)
    cleaned, dropped = clean_lines(lines[body_start:], body_start + 1)
    notes = [PageNote(d.number, "dropped", d.what, d.text) for d in dropped]
    items, header = _furniture(cleaned, notes)
    meta, meta_from = _merge_meta(front, defaults or PageMeta(), header)
    images = {d.number for d in dropped if d.what == "image"}
    drafts = _Structure(notes, images).read(items)
    stem = stem or Path(path).stem
    articles = []
    for n, d in enumerate(drafts, 1):
        paragraphs = _rejoin(d.paragraphs, notes)
        if not (d.title or paragraphs):
            continue
        articles.append(
            Article(
                id=f"{stem}-{n:02d}",
                title=d.title,
                section=d.section or meta.page_name,
                authors=tuple(dict.fromkeys(d.authors)),
                photographers=tuple(dict.fromkeys(d.photographers)),
                date=meta.date,
                paragraphs=tuple(Paragraph(p.text, p.kind) for p in paragraphs),
                source=Path(path).name,
                origin=path,
                subtitle=d.subtitle,
                dateline=d.dateline,
                paper=meta.paper,
                page=meta.page,
                kicker=d.kicker,
                page_name=meta.page_name,
                continued_on=d.onward,
                continued_from=d.back,
            )
        )
    notes.sort(key=lambda n: n.line)
    return ParsedPage(path, meta, meta_from, tuple(articles), tuple(notes))


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """`---` / key: value / `---` opening the file: (values, index of the first body line).

    Only front matter when it opens the file, is closed and holds `key: value`
    lines; a lone `---` is a separator. Keys other than date/paper/page are ignored."""
    start = next((i for i, line in enumerate(lines) if line.strip("\ufeff \t")), len(lines))
    if start == len(lines) or lines[start].strip("\ufeff \t") != "---":
        return {}, 0
    values: dict[str, str] = {}
    for end in range(start + 1, len(lines)):
        line = lines[end].strip()
        if line == "---":
            return values, end + 1
        key, colon, value = line.partition(":")
        if line and not (colon and _FRONT_MATTER_KEY.fullmatch(key.strip())):
            return {}, 0
        if key.strip().lower() in _FRONT_MATTER_KEYS and value.strip():
            values[key.strip().lower()] = value.strip()
    return {}, 0


def _merge_meta(
    front: dict[str, str], defaults: PageMeta, header: Header
) -> tuple[PageMeta, dict[str, str]]:
    """Front matter wins, then the options (`--date/--paper`), then the page's header."""
    date = None
    if front.get("date"):
        try:
            date = datetime.date.fromisoformat(front["date"])
        except ValueError as exc:
            raise PageFormatError(f"front matter date {front['date']!r} is not YYYY-MM-DD") from exc
    chosen: dict[str, object] = {}
    meta_from: dict[str, str] = {}
    for name, values in (
        ("date", (date, defaults.date, header.date)),
        ("paper", (front.get("paper"), defaults.paper, header.paper)),
        ("page", (_page(front.get("page")), defaults.page, header.page)),
        ("page_name", (front.get("page_name"), defaults.page_name, header.page_name)),
    ):
        for origin, value in zip(("front matter", "option", "header"), values, strict=True):
            if value:
                chosen[name], meta_from[name] = value, origin
                break
    return PageMeta(**chosen), meta_from  # type: ignore[arg-type]


def _page(printed: str | None) -> str | None:
    return (page_label(printed) or printed) if printed else None


def _furniture(lines: list[Line], notes: list[PageNote]) -> tuple[list[Line | Jump], Header]:
    """The lines that are not furniture (jump lines become `Jump`s), and the header's metadata."""
    items: list[Line | Jump] = []
    found = Header()
    top = True
    for line in lines:
        if not line.text:
            items.append(line)
            continue
        header = read_header(line.text, top)
        if header is not None:
            notes.append(PageNote(line.number, "dropped", "header", line.text))
            found = Header(
                found.date or header.date,
                found.paper or header.paper,
                found.page or header.page,
                found.page_name or header.page_name,
            )
            continue
        top = False
        if is_footer(line.text):
            notes.append(PageNote(line.number, "dropped", "footer", line.text))
        elif (jump := jump_line(line.text)) is not None:
            notes.append(PageNote(line.number, "jump", _jump_words(jump), line.text))
            items.append(jump)
        else:
            items.append(line)
    return items, found


def _jump_words(jump: Jump) -> str:
    return f"continued on page {jump.page}" if jump.onward else f"continued from page {jump.page}"


class _Structure:
    """Headings, paragraphs and jumps -> article drafts (step 3 of the module docstring)."""

    def __init__(self, notes: list[PageNote], images: set[int]) -> None:
        self.notes = notes
        self.images = images  # line numbers of image lines (`![](…)`, `<img>`)
        self.drafts: list[_Draft] = []
        self.section: str | None = None
        self.section_level = 0
        self.current: _Draft | None = None
        self.kicker: str | None = None

    def read(self, items: list[Line | Jump]) -> list[_Draft]:
        blocks = [
            b
            for b in _paragraphs(_bold_levels(items))
            if not (isinstance(b, Line) and not b.text and not b.heading)
        ]
        for i, block in enumerate(blocks):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(block, Jump):
                self._jump(block)
            elif isinstance(block, Line):
                self._heading(block, following)
            elif self._is_kicker(block, following):
                self.kicker = block.text
            else:
                self._paragraph(block)
        return self.drafts

    def _heading(self, line: Line, following: object) -> None:
        title, jumps = strip_jumps(line.text)
        next_level = following.heading if isinstance(following, Line) else 0
        if next_level >= line.heading:
            # A heading with no text of its own before the next one of its level or deeper
            # is a banner; its section lasts while titles stay at that next level.
            # A bare `##` banner names no section: None, not "" (an empty facet value).
            self.section, self.section_level, self.current = title or None, next_level, None
            return
        current = self.current
        in_story = current is not None and 0 < current.level < next_level
        if next_level and next_level < line.heading and title and not in_story:
            self.kicker = title  # above a title; above a subhead it is a subhead itself
            return
        if current is not None and 0 < current.level < line.heading:
            if title:  # a bare `###` is no subhead; "" would show as an empty paragraph
                kind: ParagraphKind = "caption" if _is_caption(title) else "subhead"
                current.paragraphs.append(_Para(title, kind, line.number))
            for jump in jumps:
                current.jump(jump)
            return
        if self.section_level and line.heading < self.section_level:
            self.section, self.section_level = None, 0
        self.current = _Draft(
            title=title, section=self.section, level=line.heading, kicker=self.kicker
        )
        self.kicker = None
        for jump in jumps:
            self.current.jump(jump)
        self.drafts.append(self.current)

    def _is_kicker(self, para: _Para, following: object) -> bool:
        """A short sentence-less line on the line right above a title (not a caption, not
        a byline): the last line of a poem or a list above the next title stays text."""
        if not (isinstance(following, Line) and following.heading):
            return False
        if following.number != (para.last or para.line) + 1:
            return False  # a kicker is set with its title, not a blank line above it
        current = self.current
        if current is not None and 0 < current.level < following.heading:
            return False  # the heading is a subhead of the open article
        text = para.text
        if len(text) > KICKER_CHARS or ends_sentence(text) or _is_caption(text):
            return False
        if current is not None and current.paragraphs and current.paragraphs[-1].kind == "body":
            if not ends_sentence(current.paragraphs[-1].text):
                return False  # mid-sentence: a caption between halves
        return byline_line(text) is None

    def _jump(self, jump: Jump) -> None:
        if self.current is None or (not jump.onward and not self.current.fresh()):
            if jump.onward:
                return  # nothing to continue
            self.current = _Draft(title="", section=self.section)
            self.drafts.append(self.current)
        self.current.jump(jump)

    def _paragraph(self, para: _Para) -> None:
        text, jumps = strip_jumps(para.text)
        if jumps:
            back = [j for j in jumps if not j.onward]
            if back and self.current is not None and not self.current.fresh():
                self.current = _Draft(title="", section=self.section)
                self.drafts.append(self.current)
            self.notes.append(
                PageNote(para.line, "jump", ", ".join(map(_jump_words, jumps)), para.text)
            )
        if self.current is None:
            self.current = _Draft(title="", section=self.section)
            self.drafts.append(self.current)
        draft = self.current
        for jump in jumps:
            draft.jump(jump)
        if text:
            self._add(draft, _Para(text, "body", para.line))

    def _add(self, draft: _Draft, para: _Para) -> None:
        text = para.text
        credit = trailing_credit(text)
        captioned = _is_caption(text)
        if credit is not None and not credit[1] and captioned and self._caption_above(draft):
            self._caption_credit(draft, para, credit[0])
            return
        fresh = draft.fresh()
        if fresh and draft.subtitle is None and not draft.paragraphs and text.startswith("——"):
            # A bare `——` is a rule, not a subtitle: None, never "" shown as an empty subtitle.
            draft.subtitle = text.lstrip("—").strip() or None
            return
        if fresh and (names := byline_line(text)) is not None:
            draft.authors.extend(names)
            self.notes.append(PageNote(para.line, "byline", "authors: " + "、".join(names), text))
            return
        caption = captioned or self._under_image(para)
        if credit is not None and not credit[1]:
            who = draft.photographers if caption else draft.authors  # （张三摄） / （张三）
            who.extend(credit[0])
            kind = "photographers" if caption else "authors"
            self.notes.append(
                PageNote(para.line, "byline", f"{kind}: " + "、".join(credit[0]), text)
            )
            return
        if fresh and not draft.authors and (lead := byline_lead(text)) is not None:
            draft.authors.extend(lead.authors)
            draft.dateline = lead.dateline
        if credit is not None:
            (draft.photographers if caption else draft.authors).extend(credit[0])
        if caption:
            para.kind = "caption"
        elif _looks_like_subhead(text):
            para.kind = "subhead"
        draft.paragraphs.append(para)

    def _under_image(self, para: _Para) -> bool:
        """A short line of its own right under an image line is the image's caption,
        whatever its words (`![](…)` then `农民在田间收割小麦`)."""
        return (
            para.line - 1 in self.images
            and (para.last or para.line) == para.line
            and len(para.text) <= CAPTION_BETWEEN_CHARS
        )

    @staticmethod
    def _caption_above(draft: _Draft) -> bool:
        return bool(draft.paragraphs) and draft.paragraphs[-1].kind == "caption"

    def _caption_credit(self, draft: _Draft, para: _Para, names: list[str]) -> None:
        """`（记者 张三摄）` alone on the line under a caption: that caption's credit,
        joined to it, and its names photographers (not a byline, even before the body)."""
        draft.paragraphs[-1].text += para.text
        draft.photographers.extend(names)
        self.notes.append(
            PageNote(para.line, "caption", "the credit of the caption above", para.text)
        )


def _bold_levels(items: list[Line | Jump]) -> list[Line | Jump]:
    """`**bold**` lines as headings one level below the page's deepest `#` (`###` without)."""
    levels = [i.heading for i in items if isinstance(i, Line) and i.heading > 0]
    bold = min(max(levels) + 1, 6) if levels else 3
    return [
        replace(i, heading=bold) if isinstance(i, Line) and i.heading == BOLD else i for i in items
    ]


def _paragraphs(items: list[Line | Jump]) -> list[Line | Jump | _Para]:
    """Text lines -> paragraphs. Lines without a blank line between them are one paragraph
    while a line is long and does not end a sentence (a hard-wrapped block); a short or
    sentence-ending line ends it (one paragraph per line, subheads, bylines)."""
    out: list[Line | Jump | _Para] = []
    open_para: _Para | None = None
    for item in items:
        if isinstance(item, Line) and item.text and not item.heading:
            if open_para is not None and _wraps(open_para.text, item.text):
                open_para.text += item.text
                open_para.last = item.number
            else:
                open_para = _Para(item.text, "body", item.number)
                out.append(open_para)
            continue
        open_para = None
        out.append(item)
    return out


def _wraps(line: str, following: str) -> bool:
    if ends_sentence(line) or _looks_like_subhead(line) or byline_line(line) is not None:
        return False
    if _CAPTION_END.search(line):
        return False  # a caption's credit (…新华社记者 张三 摄) ends it: body text follows
    return not (following.startswith("——") or _is_caption(following) or jump_line(following))


def _is_caption(text: str) -> bool:
    return bool(_CAPTION_START.match(text) or _CAPTION_END.search(text))


def _looks_like_subhead(text: str) -> bool:
    return len(text) <= SUBHEAD_CHARS and not ends_sentence(text) and not _CLAUSE_PUNCT.search(text)


def _rejoin(paragraphs: list[_Para], notes: list[PageNote]) -> list[_Para]:
    """Glue the halves of paragraphs the column layout broke; what sat between the halves
    (a caption, a subhead-like line, a short sentence-less line) is kept as a caption."""
    out: list[_Para] = []
    pending = list(paragraphs)
    while pending:
        para = pending.pop(0)
        captions: list[_Para] = []
        while para.kind == "body" and not ends_sentence(para.text) and pending:
            between = 0
            while between < len(pending) and _between_halves(pending[between]):
                between += 1
            if between == len(pending) or pending[between].kind != "body":
                break
            if between == 0 and len(pending) > 1 and _between_halves(pending[0], body=True):
                if pending[1].kind == "body":
                    between = 1  # a sentence-less body line between two halves
            for middle in pending[:between]:
                captions.append(replace(middle, kind="caption"))
                notes.append(
                    PageNote(
                        middle.line, "caption", "between the halves of a paragraph", middle.text
                    )
                )
            rest = pending[between]
            del pending[: between + 1]
            notes.append(
                PageNote(
                    rest.line,
                    "joined",
                    f"continues the paragraph of line {para.line}",
                    rest.text[:40],
                )
            )
            para = replace(para, text=para.text + rest.text)
        out.append(para)
        out.extend(captions)
    return out


def _between_halves(para: _Para, body: bool = False) -> bool:
    """Whether `para` can sit between two halves: a caption or subhead-like line; with
    `body`, also a short body line that ends no sentence (the seed page's photo caption)."""
    if para.kind in ("caption", "subhead"):
        return True
    return body and not ends_sentence(para.text) and len(para.text) <= CAPTION_BETWEEN_CHARS
