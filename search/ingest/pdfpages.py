"""PDF files with a text layer -> page text (search/ingest/formats.py).

An e-paper's PDF page is one printed page: glyphs placed on it, images and rules, and
no paragraphs or articles. Each page is read into a `layout.PrintedPage` (lines of
characters with their size and boldness, image boxes, rules) and written as page text
by `layout.page_text`, the same as a scan's OCR boxes; the page parser then finds the
header (人民日报 1998年1月20日 星期二 第1版), titles, bylines, captions and jumps.

The PDF is read with pypdfium2 (PDFium, Chrome's PDF engine; Apache-2.0/BSD-3): over
50 rendered test pages (3 articles, ~1,000 characters each) it gives the same
characters and articles as pdfplumber on pdfminer.six (MIT), 5-6 times faster (16 ms
a page against 94 in one run), and PDFium is fuzzed continuously, while pdfminer loops
forever on an object that refers to itself (`4 0 obj 4 0 R endobj`).

Files are untrusted: more pages than `limits.DOCUMENT_PAGES`, a page of zero or absurd size,
more text than `limits.DOCUMENT_TEXT_MB`, or a file PDFium cannot open is refused with
`UnreadableFile`. A PDF without a text layer (a scan saved as PDF, `has_text_layer`) is
read by OCR (`scans.render_pdf_scan`), its pages rasterised.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from search import limits
from search.errors import UnreadableFile
from search.ingest.formats import Rendition
from search.ingest.furniture import read_header
from search.ingest.layout import Box, PrintedPage, TextLine, page_text

MAX_PAGE_POINTS = 14_400  # the largest page PDF allows (200 inches); beyond it a page is bogus
RULE_POINTS = 4.0  # a path thinner than this (and 10 times as long) is a rule
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold|[-,]B$|黑体", re.IGNORECASE)
_FONT_NAME_BYTES = 256


def render_pdf(data: bytes, path: Path) -> Rendition:
    """The PDF's pages as page text, in page order; the metadata's header, if it has one
    (a title like `人民日报 1998年1月20日 第1版`), fills in what the first page's header
    does not print."""
    pages, metadata = read_pdf(data)
    if not has_text_layer(pages):
        from search.ingest.scans import render_pdf_scan  # OCR: loaded with the first scan

        return render_pdf_scan(data, path)
    first, *later = [page_text(page) for page in pages]
    return Rendition(with_metadata(first, metadata), later_pages=tuple(later))


def has_text_layer(pages: Sequence[PrintedPage]) -> bool:
    """Whether the pages carry text: a scan saved as PDF is an image and nothing else."""
    return any(line.text.strip() for page in pages for line in page.lines)


def read_pdf(data: bytes) -> tuple[list[PrintedPage], list[str]]:
    """Every page as printed lines, images and rules (top-left origin, points), and the
    metadata's title, subject and keywords."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(f"not a readable PDF ({exc})") from None
    try:
        count = len(document)
        if count == 0:
            raise UnreadableFile("a PDF without pages")
        if count > limits.DOCUMENT_PAGES:
            raise UnreadableFile(f"{count} pages, over the limit of {limits.DOCUMENT_PAGES}")
        metadata = document.get_metadata_dict(skip_empty=True)
        budget = TextLineBudget(limits.DOCUMENT_TEXT_MB << 20)
        pages = [_read_page(document, number, budget) for number in range(count)]
        return pages, [metadata[k] for k in ("Title", "Subject", "Keywords") if k in metadata]
    finally:
        document.close()


@dataclass
class TextLineBudget:
    """Characters a file may still hold: checked with PDFium's count before each page's
    characters are read one by one (a text bomb is refused before it costs minutes)."""

    left: int

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise UnreadableFile(f"more than {limits.DOCUMENT_TEXT_MB} MB of text")


def _read_page(document: pdfium.PdfDocument, number: int, budget: TextLineBudget) -> PrintedPage:
    try:
        page = document[number]
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(f"page {number + 1} cannot be read ({exc})") from None
    try:
        width, height = page.get_size()
        if not (1 <= width <= MAX_PAGE_POINTS and 1 <= height <= MAX_PAGE_POINTS):
            raise UnreadableFile(f"page {number + 1} is {width:g} x {height:g} points")
        images, rules = _boxes(page, height)
        textpage = page.get_textpage()
        try:
            budget.spend(textpage.count_chars())
            lines = tuple(_lines(list(_chars(textpage, height)), rules))
        finally:
            textpage.close()
        return PrintedPage(width, height, lines, images, rules)
    finally:
        page.close()


def _chars(textpage: pdfium.PdfTextPage, height: float) -> Iterator[TextLine]:
    """The page's characters, each a line of one character: its box (the font's box, not
    the glyph's ink, so every character of a line has the same top and bottom), size and
    boldness. The spaces and line ends PDFium makes up are left out, and so is turned
    text (a vertical headline)."""
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    name = ctypes.create_string_buffer(_FONT_NAME_BYTES)
    flags = ctypes.c_int()
    bold: dict[bytes, bool] = {}  # font name -> bold: by its name, else by its weight
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0, 10, 13, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            continue
        if abs(pdfium_c.FPDFText_GetCharAngle(raw, i)) > 0.01:
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
            continue
        pdfium_c.FPDFText_GetFontInfo(raw, i, name, _FONT_NAME_BYTES, flags)
        font = name.value
        if font not in bold:
            bold[font] = bool(_BOLD_NAME.search(font.decode("latin-1").split("+")[-1])) or (
                pdfium_c.FPDFText_GetFontWeight(raw, i) >= 600
            )
        top, bottom = height - box.top, height - box.bottom
        yield TextLine(chr(code), box.left, top, box.right, bottom, bottom - top, bold[font])


def _lines(chars: list[TextLine], rules: Sequence[Box]) -> Iterator[TextLine]:
    """Characters -> printed lines: characters whose boxes share a row, split where a gap
    opens wider than a character (of the body's size at most: two headlines side by side
    are a gutter apart, not a headline character) or a rule runs down between them."""
    if not chars:
        return
    body = statistics.median(c.size for c in chars)
    for row in _rows(chars):
        run: list[TextLine] = []
        for char in sorted(row, key=lambda c: c.x0):
            if run and _parted(run[-1], char, body, rules):
                yield from _line(run)
                run = []
            run.append(char)
        yield from _line(run)


def _parted(left: TextLine, right: TextLine, body: float, rules: Sequence[Box]) -> bool:
    gap = right.x0 - left.x1
    if gap > 0.8 * min(left.size, right.size, 1.5 * body):
        return True
    return gap > 0 and any(
        left.x1 <= (rule.x0 + rule.x1) / 2 <= right.x0
        and rule.top <= min(left.top, right.top)
        and rule.bottom >= max(left.bottom, right.bottom)
        for rule in rules
    )


def _rows(chars: list[TextLine]) -> Iterator[list[TextLine]]:
    """Characters grouped by row: sorted by their vertical middle, a row goes on while the
    next character's middle is within a third of the smaller type's size of the last
    one's (so a headline beside two lines of a caption does not make them one row)."""
    ordered = sorted(chars, key=lambda c: (c.top + c.bottom) / 2)
    row: list[TextLine] = []
    for char in ordered:
        middle = (char.top + char.bottom) / 2
        last = row[-1] if row else char
        if abs(middle - (last.top + last.bottom) / 2) > 0.35 * min(char.size, last.size):
            yield row
            row = []
        row.append(char)
    if row:
        yield row


def _line(run: list[TextLine]) -> Iterator[TextLine]:
    """One line from its characters, left to right; its box is that of its ink (spaces at
    either end do not count), its leading spaces dropped (an indent printed as spaces)."""
    ink = [c for c in run if not c.text.isspace()]
    if not ink:
        return
    start = run.index(ink[0])
    yield TextLine(
        "".join(c.text for c in run[start:]),
        ink[0].x0,
        min(c.top for c in ink),
        ink[-1].x1,
        max(c.bottom for c in ink),
        statistics.median(c.size for c in ink),
        sum(c.bold for c in ink) * 2 > len(ink),
    )


def _boxes(page: pdfium.PdfPage, height: float) -> tuple[tuple[Box, ...], tuple[Box, ...]]:
    """The page's images, and its rules (thin paths: lines between columns and articles)."""
    images, rules = [], []
    kinds = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH)
    for item in page.get_objects(filter=kinds, max_depth=4):
        left, bottom, right, top = item.get_bounds()
        box = Box(left, height - top, right, height - bottom)
        if item.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(box)
        elif min(right - left, top - bottom) <= RULE_POINTS and (
            max(right - left, top - bottom) >= 10 * min(right - left, top - bottom)
        ):
            rules.append(box)
    return tuple(images), tuple(rules)


def with_metadata(text: str, metadata: list[str]) -> str:
    """The first page's text with the metadata's header lines under its own header lines:
    still furniture to the parser, and what the page prints wins."""
    headers = [m.strip() for m in metadata if read_header(m.strip(), True) is not None]
    blocks = text.split("\n\n")
    top = 0
    while top < len(blocks) and read_header(blocks[top].lstrip("#").strip(), True):
        top += 1
    return "\n\n".join([*blocks[:top], *headers, *blocks[top:]])
