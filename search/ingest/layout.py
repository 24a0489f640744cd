"""A printed page's positioned text -> page text: what PDF pages and scans have in common.

A PDF's text layer and an OCR's boxes both give lines of text with a place on the page
and a size, and nothing else: no reading order, no article boundaries. This module
decides them the way a reader of a newspaper page does (columns, headlines by size,
captions by their place next to an image, jump lines) and writes the result as page
text (docs/pages.md), which the one page parser then reads.

Four steps, all on positions and sizes (never on what the words say, except that a jump
line `（下转第二版）` is kept a line of its own):

1. The body size: the size most of the page's characters are set in. Lines of 1.2 times
   that or more are headlines.
2. Figures: an image with its caption: lines in smaller type right beside it, else the
   lines right under it until the type or the spacing changes. A figure is read as
   one block.
3. Reading order, by cutting the page (recursive XY-cut): across, at an empty band that
   runs the whole width (along a rule, under a headline), and down, at an empty gutter
   between parts that stand side by side (articles, columns); each piece is cut again
   until nothing cuts (`_Cutter.order` says in which order cuts are tried). So an
   article's headline comes before its columns, and its columns are read left to
   right, each top to bottom. A line under a headline that is only narrower than it
   (a byline) is no column.
4. Paragraphs: a line starts a paragraph when it is indented (Chinese body text starts
   a paragraph two characters in), when the line before it stopped short of its
   column's right edge, after a vertical gap, or in another type size; other lines go
   on the paragraph, joined without spaces, across column breaks too. Captions follow
   the paragraph they interrupt, as the page parser keeps a caption found between the
   halves of one. Headline groups become `#### 引题`, `### 标题`, `——副题` by size:
   the largest type is the title, smaller lines above it the kicker, below it the
   subtitle; a kicker may be in the body's type, one line set right over the title.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from search.ingest.jumps import jump_line


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text as printed: its box in page units (origin top left, y down) and
    its type size (a PDF's font size; an OCR line's character pitch, the em of CJK type,
    since a box's height is no measure of type)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool = False
    confidence: float = 1.0  # OCR's confidence in the line; 1 for a PDF's text layer


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the page: an image, a rule between columns or articles."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class PrintedPage:
    """One page's text lines and images, with the page's size in the same units."""

    width: float
    height: float
    lines: tuple[TextLine, ...]
    images: tuple[Box, ...] = ()
    rules: tuple[Box, ...] = ()


# Measures in body sizes (the body type's height), so they hold at any scale: a PDF in
# points, a scan in pixels.
HEADLINE = 1.2  # lines this much larger than the body are headlines
SAME_SIZE = 0.15  # sizes this close (relative) are one type
ACROSS_GAP = 0.8  # an empty band this high across a region cuts it (body leading is ~0.5)
GUTTER = 0.8  # an empty strip this wide down a region cuts it into columns
RULED_GAP = 0.2  # along a rule, a narrower empty band or strip is enough
INDENT = 1.2  # a line this far in from its column's left edge starts a paragraph
SHORT = 1.5  # a line ending this far before the right edge ends its paragraph
PARAGRAPH_GAP = 0.8  # a vertical gap this high between lines of a column ends a paragraph
CAPTION_REACH = 1.5  # a caption starts this close under its image
BESIDE_REACH = 1.0  # or this close beside it (a gutter, 1.5 or more, is no caption's gap)
CAPTION_LEADING = 0.6  # the lines of one caption are this close together
BODY_CAPTION_LINES = 3  # a caption in the body's type is at most this many lines
FULL = 1.0  # lines ending this close to a column's right edge fill it (ragged by < 1 character)


@dataclass(frozen=True, slots=True)
class _Figure:
    """An image and the lines of its caption, read as one block: the box around them."""

    caption: tuple[TextLine, ...]
    x0: float
    top: float
    x1: float
    bottom: float

    @classmethod
    def of(cls, image: Box, caption: Sequence[TextLine]) -> _Figure:
        boxes: list[Box | TextLine] = [image, *caption]
        return cls(
            tuple(caption),
            min(b.x0 for b in boxes),
            min(b.top for b in boxes),
            max(b.x1 for b in boxes),
            max(b.bottom for b in boxes),
        )


_Element = TextLine | _Figure


@dataclass(frozen=True, slots=True)
class _Column:
    """The left and right edge a line's indent and shortness are measured against."""

    left: float
    right: float


def page_text(page: PrintedPage) -> str:
    """The page as page text: headings, paragraphs, captions and jump lines in reading
    order, blank lines between blocks (no front matter: the caller adds it)."""
    lines = [line for line in page.lines if line.text.strip()]
    if not lines:
        return ""
    body = body_size(lines)
    figures, captions = _figures(page.images, lines, body)
    elements: list[_Element] = [line for line in lines if id(line) not in captions]
    elements += figures
    whole = _Column(min(e.x0 for e in elements), max(e.x1 for e in elements))
    heads = _headlines(lines, body)
    reading = _Cutter(body, page.rules, heads).order(elements, whole)
    return _Writer(body, heads).write(reading)


def _headlines(lines: Sequence[TextLine], body: float) -> frozenset[int]:
    """The ids of the headline lines: in larger type than the body, or a kicker in the
    body's type (a line set right over a headline, closer than half its size, and not
    twice as wide: a column's line is no kicker)."""
    big = [line for line in lines if line.size >= HEADLINE * body]
    kickers = [
        line
        for line in lines
        if line.size < HEADLINE * body
        and any(
            0 <= head.top - line.bottom < head.size / 2
            and line.x0 < head.x1
            and head.x0 < line.x1
            and line.x1 - line.x0 < 2 * (head.x1 - head.x0)
            for head in big
        )
    ]
    return frozenset(id(line) for line in [*big, *kickers])


def body_size(lines: Sequence[TextLine]) -> float:
    """The size most characters are set in (the median over characters, not lines: a page
    has few headline lines but they are many lines of few characters)."""
    sizes = sorted((line.size, len(line.text.strip())) for line in lines)
    half, seen = sum(n for _, n in sizes) / 2, 0
    for size, count in sizes:
        seen += count
        if seen >= half:
            return size
    return sizes[-1][0]


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_SIZE * max(a, b)


# ---------------------------------------------------------------------------
# Figures: an image and its caption


def _figures(
    images: Iterable[Box], lines: Sequence[TextLine], body: float
) -> tuple[list[_Figure], set[int]]:
    """Each image as a figure with its caption lines; the ids of the lines taken."""
    taken: set[int] = set()
    figures = []
    for image in sorted(images, key=lambda b: (b.top, b.x0)):
        if image.x1 - image.x0 < 2 * body or image.bottom - image.top < 2 * body:
            continue  # a bullet, a logo, a rule drawn as an image
        free = [line for line in lines if id(line) not in taken and line.size < HEADLINE * body]
        caption = _caption_beside(image, free, body) or _caption_under(image, free, body)
        taken.update(id(line) for line in caption)
        figures.append(_Figure.of(image, caption))
    return figures, taken


def _caption_under(image: Box, lines: Sequence[TextLine], body: float) -> list[TextLine]:
    """The lines under the image, within its width, from one starting right under it
    while the type stays the same and the lines stay close. In the body's type they are
    a caption only when there are few of them: more are the column going on under an
    image without a caption."""
    inside = sorted(
        (
            line
            for line in lines
            if line.x0 >= image.x0 - body
            and line.x1 <= image.x1 + body
            and line.top >= image.bottom - 0.3 * body
        ),
        key=lambda line: line.top,
    )
    if not inside or inside[0].top - image.bottom > CAPTION_REACH * body:
        return []
    caption = [inside[0]]
    for line in inside[1:]:
        last = caption[-1]
        if line.top - last.bottom > CAPTION_LEADING * body or not _same_size(line.size, last.size):
            break
        caption.append(line)
    if _same_size(caption[0].size, body) and len(caption) > BODY_CAPTION_LINES:
        return []
    return caption


def _caption_beside(image: Box, lines: Sequence[TextLine], body: float) -> list[TextLine]:
    """Lines in smaller type than the body right beside the image, within its height
    (body-sized lines there are the next column's text)."""
    return sorted(
        (
            line
            for line in lines
            if line.size < body
            and not _same_size(line.size, body)
            and line.top >= image.top - 0.3 * body
            and line.bottom <= image.bottom + 0.3 * body
            and (
                0 <= line.x0 - image.x1 <= BESIDE_REACH * body
                or 0 <= image.x0 - line.x1 <= BESIDE_REACH * body
            )
        ),
        key=lambda line: (line.top, line.x0),
    )


# ---------------------------------------------------------------------------
# Reading order: recursive XY-cut


@dataclass
class _Cutter:
    body: float
    rules: Sequence[Box]
    heads: frozenset[int]  # ids of the headline lines

    def order(self, elements: list[_Element], column: _Column) -> list[tuple[_Element, _Column]]:
        """`elements` in reading order, each with the column it is measured against.

        Cuts are tried in turn, the first that cuts wins and each piece is cut again: a
        rule across; the band over a headline under text (between articles one above
        the other); gutters between articles side by side (each piece has a headline);
        the band under a headline over text (an article's headline and its columns);
        gutters between columns; any other empty band across. Gutters between articles
        go before the band under their headlines, which would read headline, headline,
        text, text; gutters between columns before plain bands, because a column that
        runs on below its neighbour (pushed down by an image) leaves a band across
        under the neighbour, and its end would read as a piece of its own."""
        if len(elements) > 1:
            if len(bands := self._ruled(elements)) > 1:
                return self._each(bands, [column] * len(bands))
            if len(bands := self._headlines(elements, over=True)) > 1:
                return self._each(bands, [column] * len(bands))
            parts = self._gutters(elements)
            if len(parts) > 1 and all(self._headed(part) for part in parts):
                return self._each(parts, [_Column(*_extent(part)) for part in parts])
            if len(bands := self._headlines(elements, over=False)) > 1:
                return self._each(bands, [column] * len(bands))
            if len(parts) > 1:
                return self._each(parts, _columns(parts, column, self.body))
            if len(bands := self._gaps(elements)) > 1:
                return self._each(bands, [column] * len(bands))
        rows = sorted(elements, key=lambda e: (e.top, e.x0))
        return [(e, column) for e in _by_rows(rows)]

    def _each(
        self, pieces: list[list[_Element]], columns: list[_Column]
    ) -> list[tuple[_Element, _Column]]:
        return [
            pair for piece, col in zip(pieces, columns, strict=True)
            for pair in self.order(piece, col)
        ]  # fmt: skip

    def _headline(self, element: _Element) -> bool:
        return id(element) in self.heads

    def _headed(self, part: list[_Element]) -> bool:
        """Whether the part has a headline (it is an article's piece of the page; columns
        under one headline have one between them)."""
        return any(self._headline(e) for e in part)

    def _ruled(self, elements: list[_Element]) -> list[list[_Element]]:
        """Bands cut along a rule across at least half their width."""
        width = _extent(elements)[1] - _extent(elements)[0]
        return self._bands(
            elements,
            lambda lowest, placed, below, gap: (
                gap >= RULED_GAP * self.body
                and self._rule_in(lowest.bottom, below.top, True, width / 2)
            ),
        )

    def _headlines(self, elements: list[_Element], over: bool) -> list[list[_Element]]:
        """Bands cut over a headline set right under text (`over`), or under a headline set
        right over text: the element right above is the one above in the same stretch of
        the page's width (side by side, the last line of one article's headline is under
        the other's text). Never between two lines of one column."""
        lines = [e for e in elements if isinstance(e, TextLine) and not self._headline(e)]

        def cuts(lowest: _Element, placed: Sequence[_Element], below: _Element, gap: float) -> bool:
            if over != self._headline(below):
                return False
            if self._headline(_right_above(placed, below)) == over:
                return False
            return not self._through_column(lines, lowest.bottom, below.top)

        return self._bands(elements, cuts)

    def _through_column(self, lines: Sequence[TextLine], start: float, end: float) -> bool:
        """Whether the strip from `start` to `end` lies between a line and the next line of
        its column (set under it at the column's spacing, in its type)."""
        over = [line for line in lines if start - self.body <= line.bottom <= start]
        under = [line for line in lines if end <= line.top <= end + self.body]
        return any(
            b.top - a.bottom < PARAGRAPH_GAP * self.body
            and _same_size(a.size, b.size)
            and a.x0 < b.x1
            and b.x0 < a.x1
            for a in over
            for b in under
        )

    def _gaps(self, elements: list[_Element]) -> list[list[_Element]]:
        """Bands cut at any empty band across high enough to be more than line spacing."""
        return self._bands(
            elements, lambda lowest, placed, below, gap: gap >= ACROSS_GAP * self.body
        )

    def _bands(self, elements: list[_Element], cuts: _CutTest) -> list[list[_Element]]:
        """`elements` cut at the empty strips across them that `cuts`."""
        ordered = sorted(elements, key=lambda e: e.top)
        bands, band = [], [ordered[0]]
        lowest = ordered[0]
        for n, element in enumerate(ordered[1:], 1):
            gap = element.top - lowest.bottom
            if gap > 0 and cuts(lowest, ordered[:n], element, gap):
                bands.append(band)
                band = []
            band.append(element)
            if element.bottom > lowest.bottom:
                lowest = element
        bands.append(band)
        return bands

    def _gutters(self, elements: list[_Element]) -> list[list[_Element]]:
        """Columns cut at empty vertical strips (gutters) between parts that stand side by
        side; a strip between parts one above the other (a byline under a centred
        title) cuts nothing."""
        height = max(e.bottom for e in elements) - min(e.top for e in elements)
        ordered = sorted(elements, key=lambda e: e.x0)
        parts, part = [], [ordered[0]]
        rightmost = ordered[0].x1
        for element in ordered[1:]:
            gap = element.x0 - rightmost
            if gap > 0 and (
                gap >= GUTTER * self.body
                or (
                    gap >= RULED_GAP * self.body
                    and self._rule_in(rightmost, element.x0, False, height / 2)
                )
            ):
                parts.append(part)
                part = []
            part.append(element)
            rightmost = max(rightmost, element.x1)
        parts.append(part)
        merged = [parts[0]]
        for part in parts[1:]:
            if _overlap(_span(merged[-1]), _span(part)):
                merged.append(part)
            else:
                merged[-1] = merged[-1] + part
        return merged if len(merged) > 1 else [elements]

    def _rule_in(self, start: float, end: float, across: bool, length: float) -> bool:
        """Whether a rule at least `length` long runs in the strip from `start` to `end`
        (y when `across`, else x)."""
        slack = self.body / 2
        for rule in self.rules:
            low, high = (rule.top, rule.bottom) if across else (rule.x0, rule.x1)
            long = rule.x1 - rule.x0 if across else rule.bottom - rule.top
            if start - slack <= low and high <= end + slack and long >= length:
                return True
        return False


_CutTest = Callable[[_Element, Sequence[_Element], _Element, float], bool]
"""Whether to cut across above `below`, given the lowest element above (where the empty
strip starts), all elements above, `below` and the strip's height."""


def _right_above(placed: Sequence[_Element], below: _Element) -> _Element:
    """Of `placed` (all above `below`), the lowest one in `below`'s stretch of the width;
    the lowest of all when none is."""
    over = [e for e in placed if e.x0 < below.x1 and below.x0 < e.x1] or list(placed)
    return max(over, key=lambda e: e.bottom)


def _extent(elements: Sequence[_Element]) -> tuple[float, float]:
    return min(e.x0 for e in elements), max(e.x1 for e in elements)


def _span(elements: Sequence[_Element]) -> tuple[float, float]:
    return min(e.top for e in elements), max(e.bottom for e in elements)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _by_rows(elements: list[_Element]) -> list[_Element]:
    """Elements sorted by top, those side by side on one row (overlapping vertically)
    left to right."""
    rows: list[list[_Element]] = []
    for element in elements:
        if rows and element.top < min(e.bottom for e in rows[-1]) - 0.3 * _height(element):
            rows[-1].append(element)
        else:
            rows.append([element])
    return [e for row in rows for e in sorted(row, key=lambda e: e.x0)]


def _height(element: _Element) -> float:
    return element.bottom - element.top


def _columns(parts: Sequence[Sequence[_Element]], around: _Column, body: float) -> list[_Column]:
    """Each part's edges. A column of prose shows them: most of its lines end at its
    right edge. One that does not (verse, a last column of a line or two) takes them
    from the nearest column that does, one column pitch away; when none does, the parts
    are taken as equal columns across `around` (the region they were cut from), and
    failing that, a part's right edge is unknown and every line of it ends short."""
    edges = [_edges(part, body) for part in parts]
    extents = [(min(e.x0 for e in p), max(e.x1 for e in p)) for p in parts]
    gaps = [extents[i + 1][0] - extents[i][1] for i in range(len(parts) - 1)]
    if all(edge is None for edge in edges):
        return _equal_columns(extents, around, min(min(gaps), 2 * body), body)
    columns = []
    for n, (left, _) in enumerate(extents):
        sure = min(
            ((abs(n - k), k, edge) for k, edge in enumerate(edges) if edge is not None),
            key=lambda t: t[:2],
        )
        distance, k, edge = sure
        if distance == 0:
            columns.append(edge)
            continue
        width = edge.right - edge.left
        guess = edge.left + (n - k) * (width + statistics.median(gaps))
        if left - 3 * body <= guess <= left + FULL * body:
            left = guess
        columns.append(_Column(left, left + width))
    return columns


def _edges(part: Sequence[_Element], body: float) -> _Column | None:
    """The edges of a column of prose: at least two lines, and half of them, end at one
    right edge (the upper median of where lines end), and none runs past it; None when
    they do not."""
    ends = sorted((e.x1 for e in part if isinstance(e, TextLine)), reverse=True)
    if len(ends) < 2:
        return None
    edge = ends[(len(ends) - 1) // 2]
    full = sum(1 for x in ends if abs(x - edge) <= FULL * body)
    if full < 2 or 2 * full < len(ends) or ends[0] > edge + FULL * body:
        return None  # verse lines of one length are no edge: longer ones run past them
    return _Column(min(e.x0 for e in part), edge)


def _equal_columns(
    extents: Sequence[tuple[float, float]], around: _Column, gutter: float, body: float
) -> list[_Column]:
    """`around` divided into as many equal columns as there are parts, `gutter` apart,
    when each part's text lies inside its column; else columns without a right edge."""
    count = len(extents)
    if not math.isfinite(around.right):
        return [_Column(left, math.inf) for left, _ in extents]
    width = (around.right - around.left - (count - 1) * gutter) / count
    columns = [
        _Column(around.left + n * (width + gutter), around.left + n * (width + gutter) + width)
        for n in range(count)
    ]
    if all(
        col.left - body <= left and right <= col.right + body
        for col, (left, right) in zip(columns, extents, strict=True)
    ):
        return columns
    return [_Column(left, math.inf) for left, _ in extents]


# ---------------------------------------------------------------------------
# Writing page text


@dataclass
class _Writer:
    body: float
    heads: frozenset[int]  # ids of the headline lines
    blocks: list[str] = field(default_factory=list)
    paragraph: list[TextLine] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # captions waiting for the paragraph's end
    headline: list[TextLine] = field(default_factory=list)
    last: TextLine | None = None  # the paragraph's last line
    last_column: _Column | None = None
    figure_since: bool = False  # a figure came between `last` and the next line

    def write(self, reading: Sequence[tuple[_Element, _Column]]) -> str:
        for element, column in reading:
            if isinstance(element, _Figure):
                self._headline_end()
                self._figure(element)
            elif id(element) in self.heads:
                if self.headline and not self._follows(element):
                    self._headline_end()
                self._paragraph_end()
                self.headline.append(element)
            else:
                self._headline_end()
                self._line(element, column)
        self._headline_end()
        self._paragraph_end()
        return "\n\n".join(self.blocks) + "\n" if self.blocks else ""

    def _follows(self, line: TextLine) -> bool:
        """Whether a headline line goes on the headline above it (set right under it)."""
        above = self.headline[-1]
        return 0 <= line.top - above.bottom < max(line.size, above.size)

    def _figure(self, figure: _Figure) -> None:
        if not figure.caption:
            return
        caption = _joined(figure.caption)
        if self.paragraph:
            self.after.append(caption)
            self.figure_since = True
        else:
            self.blocks.append(_escape(caption))

    def _line(self, line: TextLine, column: _Column) -> None:
        text = line.text.strip()
        if jump_line(text) is not None:
            self._paragraph_end()
            self.blocks.append(_escape(text))
            return
        if self._starts_paragraph(line, column):
            self._paragraph_end()
        self.paragraph.append(line)
        self.last, self.last_column, self.figure_since = line, column, False

    def _starts_paragraph(self, line: TextLine, column: _Column) -> bool:
        last, last_column = self.last, self.last_column
        if not self.paragraph or last is None or last_column is None:
            return True
        if line.x0 - column.left >= INDENT * line.size:
            return True  # indented
        if last.x1 < last_column.right - SHORT * last.size:
            return True  # the line before stopped short
        if not _same_size(line.size, last.size):
            return True
        same_column = column == last_column and line.top > last.top
        gap = line.top - last.bottom
        return same_column and not self.figure_since and gap > PARAGRAPH_GAP * self.body

    def _paragraph_end(self) -> None:
        if self.paragraph:
            self.blocks.append(_escape(_joined(self.paragraph)))
        self.blocks.extend(_escape(caption) for caption in self.after)
        self.paragraph, self.after, self.last = [], [], None

    def _headline_end(self) -> None:
        """The headline group as kicker, title and subtitle: the largest type is the title."""
        if not self.headline:
            return
        lines, self.headline = self.headline, []
        largest = max(line.size for line in lines)
        big = [n for n, line in enumerate(lines) if line.size >= (1 - SAME_SIZE / 2) * largest]
        first, last = big[0], big[-1]
        kicker = _joined(lines[:first])
        title = _joined(lines[first : last + 1])
        subtitle = _joined(lines[last + 1 :])
        heading = f"### {_escape(title)}"
        self.blocks.append(f"#### {_escape(kicker)}\n{heading}" if kicker else heading)
        if subtitle:
            self.blocks.append(_escape(subtitle if subtitle.startswith("—") else "——" + subtitle))


def _joined(lines: Sequence[TextLine]) -> str:
    """Lines of one block as one text, without spaces between them (CJK is set without):
    a space printed at a line's end (between two Latin words) stays."""
    return "".join(line.text.lstrip() for line in lines).strip()


def _escape(text: str) -> str:
    """Printed text as page text: `&` and `<` escaped, so an ampersand or angle bracket on
    the page is never read as an entity or a tag (the page parser unescapes them once)."""
    return text.replace("&", "&amp;").replace("<", "&lt;")
