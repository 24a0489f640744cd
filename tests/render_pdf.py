"""Newspaper-like PDF pages set from real corpus articles, with what they print (the truth).

A PDF page has no paragraphs or articles, only glyphs at places: the reader
(`search/ingest/pdfpages.py` + `layout.page_text`) must find them again from
positions and sizes. These pages are set the way a broadsheet is: a masthead
(paper in large type, date and page at the right, a rule under it), then rows of
articles, most across the page, some two side by side; each article a headline
band (引题 kicker in its own type or the body's, the title in large bold type,
——副题, the byline) over 1-4 balanced columns of body text, justified or
ragged-right, with two-character first-line indents; an image with its caption
under it or beside it; a jump line `（下转第二版）` at the end of a story; rules
between articles and columns. The body text is real prose from ../shared/corpus;
the truth is a `pagekit.Story` per article, so a test compares field by field.

The scan tests rasterise these pages: `render(pages)` returns the PDF bytes,
each page's size in points and the stories, and never draws text outside the
page. Fonts: Debian's WenQuanYi Zen Hei (fonts-wqy-zenhei); the bold face is
the same file embedded under a `-Bold` name and drawn filled and stroked, as a
PDF made with a real bold face names its font.
"""

from __future__ import annotations

import datetime
import functools
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pagekit
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from search.ingest.bylines import byline_lead
from search.ingest.markup import ends_sentence
from search.ingest.pages import parse_page

FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
REGULAR, BOLD = "WQYZenHei", "WQYZenHei-Bold"
DAY = datetime.date(1998, 1, 20)
PAPER = "人民日报"
KICKERS = ("来自基层的报告", "新春走基层", "聚焦国企改革", "本报专稿")  # invented furniture

BODY = 9.5  # body text size in points; every other measure is a multiple of it
MARGIN = 36.0
LEADING = 1.5  # body line pitch / body size
GUTTER = 1.5  # between columns, in body sizes
BAND_GAP = 1.4  # between a headline band and its columns, and between articles
TITLE, SUB, CAPTION = 2.1, 1.3, 0.8  # title, kicker/subtitle and caption sizes / body size


@functools.cache
def fonts() -> tuple[str, str]:
    """The regular and bold face, registered once per process."""
    for name, face in ((REGULAR, b"WenQuanYiZenHei"), (BOLD, b"WenQuanYiZenHei-Bold")):
        font = TTFont(name, str(FONT_FILE), subfontIndex=0)
        font.face.name = face  # the embedded font's name: what a reader sees as bold or not
        pdfmetrics.registerFont(font)
    return REGULAR, BOLD


def width_of(text: str, size: float, font: str = REGULAR) -> float:
    fonts()
    return float(pdfmetrics.stringWidth(text, font, size))


def printable(text: str) -> bool:
    """Every character has a glyph in the font (a missing one would print as a box)."""
    fonts()
    face = pdfmetrics.getFont(REGULAR).face  # type: ignore[attr-defined]
    return all(ord(c) in face.charToGlyph for c in text)


def wrap(text: str, width: float, size: float, indent: float = 0.0) -> list[tuple[str, float]]:
    """`text` broken into lines of at most `width` points, character by character as CJK is
    set; the first line starts `indent` in. A space never starts a line: it hangs at the end
    of the line before, so the text of the lines put together is `text` exactly."""
    lines: list[tuple[str, float]] = []
    line, used, offset = "", 0.0, indent
    for char in text:
        advance = width_of(char, size)
        if line and used + advance > width - offset and not char.isspace():
            lines.append((line, offset))
            line, used, offset = "", 0.0, 0.0
        line += char
        used += advance
    lines.append((line, offset))
    return lines


# ---------------------------------------------------------------------------
# What is set: pieces (articles) on pages


@dataclass
class Piece:
    """One article as set on a page; the text comes from the corpus unless given."""

    article_id: str
    columns: int = 3
    start: int = 0
    stop: int | None = None
    paragraphs: list[str] | None = None  # instead of the corpus paragraphs[start:stop]
    title: str | None = None  # instead of the corpus title
    kicker: str | None = None
    subtitle: str | None = None
    byline: bool = True  # 本报记者 + the corpus authors, under the headline
    figure_at: float | None = None  # where the image sits in the body, 0..1; None: no image
    caption: tuple[str, tuple[str, ...]] | None = None  # (caption, photographers it credits)
    beside: bool = False  # the caption set beside the image (narrower), not under it
    share: float = 1.0  # of the page's width; pieces whose shares add up to 1 share a row
    kicker_size: float = SUB  # in body sizes: 1 sets the kicker in the body's type
    jump_out: tuple[str, str] | None = None  # (marker, page), e.g. ("（下转第二版）", "2")
    jump_in: tuple[str, str] | None = None  # (marker, page), e.g. ("（上接第一版）", "1")
    verse: bool = False  # paragraphs set flush left, as a poem's lines

    def body(self) -> list[str]:
        if self.paragraphs is not None:
            return list(self.paragraphs)
        return pagekit.paras(self.article_id, self.start, self.stop)

    def heading(self) -> str:
        return self.title if self.title is not None else pagekit.title(self.article_id)

    def authors(self) -> tuple[str, ...]:
        if not self.byline:
            return ()
        return tuple(pagekit.corpus_article(self.article_id)["authors"])

    def story(self, caption_after: int | None) -> pagekit.Story:
        """What the reader must give back; the caption after paragraph `caption_after`
        (-1: before the first), as the page parser keeps a caption found inside one."""
        story = pagekit.Story(
            self.heading(),
            kicker=self.kicker,
            subtitle=self.subtitle,
            authors=self.authors(),
            continued_on=self.jump_out[1] if self.jump_out else None,
            continued_from=self.jump_in[1] if self.jump_in else None,
        )
        paragraphs = [("body", p) for p in self.body()]
        if self.caption and caption_after is not None:
            paragraphs.insert(caption_after + 1, ("caption", self.caption[0]))
            story.photographers = self.caption[1]
        story.paragraphs = paragraphs
        return story


@dataclass
class PageSpec:
    pieces: list[Piece]
    page: int = 1
    date: datetime.date = DAY
    paper: str = PAPER
    width: float = 595.0  # A4 wide; the height follows from what is set
    masthead: bool = True
    rules: bool = True  # a rule between articles and between columns
    justify: bool = True  # body lines stretched to the column's width (ragged-right if not)

    def header(self) -> str:
        week = pagekit.WEEKDAYS[self.date.weekday()]
        day = f"{self.date.year}年{self.date.month}月{self.date.day}日"
        return f"{day} 星期{week} 第{self.page}版"


@dataclass
class Rendered:
    """A PDF file and what it prints: each page's size in points and stories in page order."""

    pdf: bytes
    sizes: list[tuple[float, float]]
    stories: list[list[pagekit.Story]]
    specs: list[PageSpec]

    def expected(self, stem: str) -> list[dict[str, Any]]:
        """The articles `read_document` must give: each page's own metadata (from its
        masthead), ids `<stem>-NN` for a one-page file, `<stem>-p<N>-NN` for page N of
        several."""
        out = []
        for number, (spec, stories) in enumerate(zip(self.specs, self.stories, strict=True), 1):
            meta = {
                "date": spec.date if spec.masthead else None,
                "paper": spec.paper if spec.masthead else None,
                "page": str(spec.page) if spec.masthead else None,
            }
            prefix = stem if len(self.specs) == 1 else f"{stem}-p{number}"
            out += [
                pagekit.expect(f"{prefix}-{n:02d}", s, **meta) for n, s in enumerate(stories, 1)
            ]
        return out


def render(pages: list[PageSpec], title: str | None = None) -> Rendered:
    """The pages set into one PDF; `title` is the PDF's metadata title."""
    fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pageCompression=1, invariant=1)
    if title:
        pdf.setTitle(title)
    sizes, stories = [], []
    for spec in pages:
        setter = _Setter(spec)
        setter.set_page()
        pdf.setPageSize((spec.width, setter.height))
        for draw in setter.drawn:
            draw(pdf, setter.height)
        pdf.showPage()
        sizes.append((spec.width, setter.height))
        stories.append(setter.stories)
    pdf.save()
    return Rendered(out.getvalue(), sizes, stories, pages)


def render_one(pieces: list[Piece], **page: object) -> Rendered:
    return render([PageSpec(pieces, **page)])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Setting a page: top-down coordinates, turned into PDF's bottom-up when drawn


@dataclass
class _Slot:
    """One thing in a column's flow: a body line (of paragraph `paragraph`) or the figure."""

    height: float
    text: str = ""
    offset: float = 0.0
    paragraph: int = -1  # -1: the figure or a jump line
    right: bool = False  # set flush right (a jump line)
    figure: bool = False
    last: bool = False  # the last line of its paragraph (never stretched)


@dataclass
class _Setter:
    spec: PageSpec
    drawn: list[Callable[[canvas.Canvas, float], None]] = field(default_factory=list)
    stories: list[pagekit.Story] = field(default_factory=list)
    height: float = 0.0

    def set_page(self) -> None:
        """The masthead, then rows of pieces side by side (most rows hold one)."""
        y = MARGIN
        if self.spec.masthead:
            y = self._masthead(y)
        full = self.spec.width - 2 * MARGIN
        for n, row in enumerate(_rows(self.spec.pieces)):
            if n and self.spec.rules:
                self._rule(MARGIN, y - BAND_GAP * BODY / 2, self.spec.width - MARGIN)
            x, bottom, between = MARGIN, y, []
            room = full - (len(row) - 1) * GUTTER * BODY
            for k, piece in enumerate(row):
                if k:
                    between.append(x - GUTTER * BODY / 2)
                width = room * piece.share
                bottom = max(bottom, self._piece(piece, x, y, width))
                x += width + GUTTER * BODY
            if self.spec.rules:
                for rule in between:
                    self._rule(rule, y, rule, 0.5, bottom - y)
            y = bottom + BAND_GAP * BODY
        self.height = math.ceil(y - BAND_GAP * BODY + MARGIN)

    def _masthead(self, y: float) -> float:
        size = 2.6 * BODY
        self._text(self.spec.paper, MARGIN, y, size, bold=True)
        date = self.spec.header()
        right = self.spec.width - MARGIN - width_of(date, BODY)
        self._text(date, right, y + size - 1.2 * BODY, BODY)
        y += size + 0.6 * BODY
        self._rule(MARGIN, y, self.spec.width - MARGIN, 1.5)
        return y + BAND_GAP * BODY

    def _piece(self, piece: Piece, x: float, y: float, width: float) -> float:
        """The headline band over the columns, `width` wide from `x`; the bottom."""
        if piece.kicker:
            y = self._centred(piece.kicker, x, y, piece.kicker_size * BODY, width)
            y += 0.3 * BODY
        y = self._centred(piece.heading(), x, y, TITLE * BODY, width, bold=True)
        if piece.subtitle:
            y = self._centred("——" + piece.subtitle, x, y + 0.3 * BODY, SUB * BODY, width)
        if piece.authors():
            y += 0.5 * BODY
            self._text("本报记者 " + " ".join(piece.authors()), x, y, BODY)
            y += BODY
        column = (width - (piece.columns - 1) * GUTTER * BODY) / piece.columns
        slots, caption_after = self._flow(piece, column)
        self.stories.append(piece.story(caption_after))
        return self._columns(piece, slots, x, y + BAND_GAP * BODY, column)

    def _flow(self, piece: Piece, column: float) -> tuple[list[_Slot], int | None]:
        """The body as slots in reading order, and the paragraph the caption follows."""
        pitch = LEADING * BODY
        slots: list[_Slot] = []
        if piece.jump_in:
            slots.append(_Slot(pitch, piece.jump_in[0]))
        indent = 0.0 if piece.verse else 2 * width_of("国", BODY)
        for n, paragraph in enumerate(piece.body()):
            lines = wrap(paragraph, column, BODY, indent)
            for k, (text, offset) in enumerate(lines, 1):
                slots.append(_Slot(pitch, text, offset, n, last=k == len(lines)))
        if piece.jump_out:
            slots.append(_Slot(pitch, piece.jump_out[0], right=True))
        caption_after = None
        if piece.figure_at is not None and piece.caption:
            body = [s for s in slots if s.paragraph >= 0]
            at = min(round(piece.figure_at * len(body)), len(body))
            caption_after = body[at - 1].paragraph if at else -1
            where = slots.index(body[at]) if at < len(body) else len(slots)
            height = self._figure(piece, 0, 0, column, draw=False)
            slots.insert(where, _Slot(height, figure=True))
        return slots, caption_after

    def _columns(
        self, piece: Piece, slots: list[_Slot], left: float, top: float, column: float
    ) -> float:
        """Slots filled into balanced columns (the shortest height that holds them all);
        a figure that does not fit under a column's lines goes to the next column's top."""
        height = sum(s.height for s in slots) / piece.columns
        while (placed := _fill(slots, height, piece.columns)) is None:
            height += 1.0
        bottom = top
        for slot, (n, y) in zip(slots, placed, strict=True):
            x = left + n * (column + GUTTER * BODY)
            if slot.figure:
                self._figure(piece, x, top + y, column)
            elif slot.right:
                self._text(slot.text, x + column - width_of(slot.text, BODY), top + y, BODY)
            else:
                stretch = self.spec.justify and slot.paragraph >= 0 and not slot.last
                self._text(
                    slot.text,
                    x + slot.offset,
                    top + y,
                    BODY,
                    to=column - slot.offset if stretch else None,
                )
            bottom = max(bottom, top + y + slot.height)
        if self.spec.rules:
            for n in range(1, piece.columns):
                x = left + n * (column + GUTTER * BODY) - GUTTER * BODY / 2
                self._rule(x, top, x, 0.5, bottom - top)
        return bottom

    def _figure(self, piece: Piece, x: float, y: float, width: float, draw: bool = True) -> float:
        """The image with its caption under it (or beside it, the image narrower), at `x`,
        `y` in a column `width` wide; the height it takes, with the space under it."""
        assert piece.caption is not None
        size, pitch = CAPTION * BODY, 1.4 * CAPTION * BODY
        if piece.beside:
            image_width = 0.55 * width
            lines = wrap(piece.caption[0], width - image_width - 0.8 * BODY, size)
            image_height = max(0.45 * width, len(lines) * pitch)
            where = (x + image_width + 0.8 * BODY, y)
            height = image_height
        else:
            image_width, image_height = width, 0.6 * width
            lines = wrap(piece.caption[0], width, size)
            where = (x, y + image_height + 0.5 * BODY)
            height = image_height + 0.5 * BODY + len(lines) * pitch
        if draw:
            bottom = y + image_height

            def image(pdf: canvas.Canvas, page: float) -> None:
                pdf.drawImage(_photo(), x, page - bottom, image_width, image_height)

            self.drawn.append(image)
            for n, (text, _) in enumerate(lines):
                self._text(text, where[0], where[1] + n * pitch, size)
        return height + 0.8 * BODY

    def _centred(
        self, text: str, x: float, y: float, size: float, width: float, bold: bool = False
    ) -> float:
        """Headline lines centred over `width` from `x`; the y under them."""
        for line, _ in wrap(text, width, size):
            line_width = width_of(line, size, BOLD if bold else REGULAR)
            self._text(line, x + (width - line_width) / 2, y, size, bold)
            y += 1.25 * size
        return y

    def _text(
        self,
        text: str,
        x: float,
        top: float,
        size: float,
        bold: bool = False,
        to: float | None = None,
    ) -> None:
        """One line whose glyphs' top is `top` (the baseline is 0.88 size under it),
        stretched by letter-spacing to `to` points wide when given (justified)."""
        natural = width_of(text.rstrip(), size)
        spacing = (to - natural) / (len(text.rstrip()) - 1) if to and len(text.rstrip()) > 1 else 0
        spacing = max(spacing, 0.0)

        def draw(pdf: canvas.Canvas, page: float) -> None:
            line = pdf.beginText(x, page - top - 0.88 * size)
            line.setFont(BOLD if bold else REGULAR, size)
            line.setCharSpace(spacing)
            pdf.setLineWidth(size / 40)
            line.setTextRenderMode(2 if bold else 0)  # filled and stroked: bold to the eye
            line.textOut(text)
            pdf.drawText(line)

        self.drawn.append(draw)

    def _rule(self, x0: float, y0: float, x1: float, weight: float = 0.5, down: float = 0) -> None:
        self.drawn.append(_Rule(x0, y0, x1, weight, down))


@dataclass(frozen=True)
class _Rule:
    """A rule from (x0, y0) to (x1, y0 + down), `weight` points thick."""

    x0: float
    y0: float
    x1: float
    weight: float
    down: float

    def __call__(self, pdf: canvas.Canvas, page: float) -> None:
        pdf.setLineWidth(self.weight)
        pdf.line(self.x0, page - self.y0, self.x1, page - self.y0 - self.down)


def _rows(pieces: list[Piece]) -> Iterator[list[Piece]]:
    """Pieces in rows: consecutive pieces whose shares of the width add up to at most 1."""
    row: list[Piece] = []
    for piece in pieces:
        if row and sum(p.share for p in row) + piece.share > 1.001:
            yield row
            row = []
        row.append(piece)
    if row:
        yield row


def _fill(slots: list[_Slot], height: float, columns: int) -> list[tuple[int, float]] | None:
    """(column, top) of each slot filling columns of `height` in order; None if they overflow."""
    placed, n, y = [], 0, 0.0
    for slot in slots:
        if y + slot.height > height + 0.01 and y > 0:
            n, y = n + 1, 0.0
        if n == columns:
            return None
        placed.append((n, y))
        y += slot.height
    return placed


@functools.cache
def _photo() -> ImageReader:
    """A small grey gradient standing for a press photo (scaled up when drawn)."""
    image = Image.linear_gradient("L").resize((32, 20))
    return ImageReader(image)


# ---------------------------------------------------------------------------
# Which corpus articles a round trip can use


def _reads_back(article_id: str) -> bool:
    """The article as plain page text (title, byline, paragraphs) reads back as itself:
    every paragraph a body paragraph, exactly; the authors are the byline's, and without
    the byline there are none. Articles the page parser reads differently (a paragraph
    that ends no sentence joins the next one, a short line is a subhead, a lead or a
    trailing credit names authors) test the parser, not the PDF reader."""
    record = pagekit.corpus_article(article_id)
    if byline_lead(record["paragraphs"][0]) is not None:
        return False
    for byline in (["本报记者 " + " ".join(record["authors"])] if record["authors"] else [], []):
        text = "\n\n".join([f"### {record['title']}", *byline, *record["paragraphs"]]) + "\n"
        articles = parse_page(text, "check.txt")
        if not (
            len(articles) == 1
            and articles[0].title == record["title"]
            and [(p.kind, p.text) for p in articles[0].paragraphs]
            == [("body", p) for p in record["paragraphs"]]
            and list(articles[0].authors) == (record["authors"] if byline else [])
        ):
            return False
    return True


@functools.cache
def round_trip_pool(max_chars: int = 700) -> tuple[str, ...]:
    """People's Daily articles of 1-6 paragraphs and 60 to `max_chars` characters (a page
    holds three) that print in the font and read back from plain page text as themselves."""
    lines = pagekit._lines("pd1998.jsonl")
    pool = []
    for article_id in list(lines)[::4]:
        record = pagekit.corpus_article(article_id)
        body = record["paragraphs"]
        text = record["title"] + "".join(body)
        if not (
            record["title"]
            and 1 <= len(body) <= 6
            and 60 <= len(text) - len(record["title"]) <= max_chars
        ):
            continue
        if not printable(text) or any(p != p.strip() or not ends_sentence(p) for p in body):
            continue
        if _reads_back(article_id):
            pool.append(article_id)
    return tuple(pool)


def caption_for(article_id: str, form: int) -> tuple[str, tuple[str, ...]]:
    """A caption in one of pagekit's caption forms about the article's first Han phrase."""
    text, photographers = pagekit.CAPTIONS[form % len(pagekit.CAPTIONS)]
    return text.format(pagekit.han_phrase("".join(pagekit.paras(article_id)), 8)), photographers
