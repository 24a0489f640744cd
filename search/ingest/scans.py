"""Scanned pages (PNG, JPEG, TIFF, PDF pages without a text layer) -> page text, by OCR.

A scan is a picture of a printed page. The OCR engine finds its lines and reads them;
each becomes a `layout.TextLine` (its box, its type size, the engine's confidence), the
page's images and rules become `layout.Box`es, and `layout.page_text` decides columns,
headlines and captions exactly as for a PDF's text layer: a scan and a PDF of the same
page read alike.

The engine is RapidOCR (`rapidocr-onnxruntime`): Baidu's PP-OCRv4 detection and
recognition models, shipped in its wheel, run by onnxruntime on the CPU. bench/ocr.py
compares it with Tesseract 5 (`chi_sim`) on the same rendered pages, at 200-300 dpi:
RapidOCR reads 99.1-99.3% of their characters and 17 of 18 titles (帷 read as 惟),
clean or degraded; Tesseract's small Chinese model 29-80% and 11-13 titles (it loses
rare characters such as 楹 and garbles type on yellowed, noisy paper), at two to four
times RapidOCR's 75-180 characters a second on one core.

What scans do, and what is done about it here:

1. A file is untrusted: its pixel count is read from the header and checked against
   `limits.IMAGE_PIXELS` before anything is decoded (a 40 kB PNG can claim 100,000 x
   100,000 pixels); a truncated or damaged file is refused (Pillow's warnings count).
2. Detection runs on at most `DETECT_PIXELS` pixels: its memory grows with the image
   (1.2 GB at 7 MP), while type stays legible well below 300 dpi.
3. A page scanned askew gives slanted boxes: they are turned level around the page's
   centre by the median slant of its long lines (the boxes, never the picture: the
   engine reads each line from its own slanted box).
4. The detector often boxes two columns' lines as one, across the gutter or the rule
   between them (and reads the rule as `」`): lines are cut at the page's vertical rules
   and at gutters, using where the recogniser put each character.
5. A box's height is no measure of type (a short line's box is taller): a line's size
   is its full-width characters' pitch, the em of CJK type.
6. The recogniser leaves out the spaces of a masthead (`1998年1月20日星期二第1版`) and
   writes some Chinese punctuation in ASCII (`,` `(` `"`), one dash for the doubled
   破折号, dots for an ellipsis: they are put back as Chinese type sets them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import itertools
import math
import os
import re
import statistics
import unicodedata
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from search import limits
from search.errors import UnreadableFile
from search.ingest.formats import Rendition
from search.ingest.furniture import read_header
from search.ingest.layout import Box, PrintedPage, TextLine, page_text

NOTHING_READ = "no text recognised"
SCAN_FORMATS = ("PNG", "JPEG", "TIFF")  # what Pillow may decode a scan as; nothing else
OCR_THREADS = 2  # onnxruntime threads: the machine's 2 cores, never more than it has
DETECT_PIXELS = 8_000_000  # detection's input at most (a 300 dpi broadsheet goes at 0.58)
MIN_CONFIDENCE = 0.5  # lines read with less are dropped (a photo's texture read as text)
LONG_LINE = 4.0  # a box this many times as wide as high gives the page's slant
PDF_DPI = 250  # a PDF page without text is rasterised at this resolution
TOUCH = 0.3  # boxes on one row this close (in line heights) are pieces of one line
OVERLAP = 0.25  # and overlapping at most this much
DOUBLE = 0.4  # a box this much inside a longer line's box is ink read twice (boxes never overlap)
REMEMBERED_CHARS = 8_000_000  # page text of recent scans kept, by the file's digest


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line as an OCR engine read it, in the image's pixels: its corners (clockwise
    from top left), its text, its confidence (0..1), and where each character's middle
    is (empty when the engine does not say, or its boxes do not match the text)."""

    corners: tuple[tuple[float, float], ...]
    text: str
    confidence: float
    middles: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class _Line:
    """A line levelled (the page's slant taken out): its box, and its characters' middles
    along it, one per character."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float
    middles: tuple[float, ...]

    @property
    def height(self) -> float:
        return self.bottom - self.top


def render_scan(data: bytes, path: Path) -> Rendition:
    """A PNG, JPEG or TIFF scan (each page of a TIFF) as page text."""
    return _remembered(data, lambda: _rendition([_printed(image) for image in _images(data)]))


def render_pdf_scan(data: bytes, path: Path) -> Rendition:
    """A PDF whose pages are pictures (no text layer): each page rasterised at `PDF_DPI`
    and read as a scan; the PDF's metadata header fills in what the first page's
    masthead does not print, as for a PDF with text."""
    from search.ingest import pdfpages  # PDFium: loaded with the first PDF

    pages, metadata = pdfpages.read_pdf(data)  # the PDF reader's limits and checks
    return _remembered(
        data,
        lambda: _rendition(
            [_printed(image) for image in _pdf_images(data, pages)],
            lambda text: pdfpages.with_metadata(text, metadata),
        ),
    )


# ---------------------------------------------------------------------------
# Decoding, within the limits


def _images(data: bytes) -> Iterator[Image.Image]:
    """Each page of the file, decoded once its size is known to be within the limits."""
    with _strict():
        try:
            image = Image.open(io.BytesIO(data), formats=SCAN_FORMATS)
        except Image.DecompressionBombError as exc:
            raise UnreadableFile(f"decompression bomb ({exc})") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
            raise UnreadableFile(f"not an image Pillow can read ({exc})") from None
        frames = getattr(image, "n_frames", 1)
    if frames > limits.DOCUMENT_PAGES:
        raise UnreadableFile(f"{frames} pages, over the limit of {limits.DOCUMENT_PAGES}")
    for frame in range(frames):
        yield _page(image, frame)


def _page(image: Image.Image, frame: int) -> Image.Image:
    """Page `frame` of the file, checked against `limits.IMAGE_PIXELS` by the size its
    header gives before it is decoded."""
    with _strict():
        try:
            image.seek(frame)
            width, height = image.size
            if width * height > limits.IMAGE_PIXELS:
                raise UnreadableFile(
                    f"page {frame + 1} is {width} x {height} pixels, over the limit of "
                    f"{limits.IMAGE_PIXELS:,}"
                )
            image.load()
            return image.convert("RGB")
        except (OSError, SyntaxError, ValueError, EOFError, Warning) as exc:
            raise UnreadableFile(f"damaged image, page {frame + 1} ({exc})") from None


@contextlib.contextmanager
def _strict() -> Iterator[None]:
    """Pillow's warnings as errors (`Corrupt EXIF data`, a truncated chunk: a damaged file
    is refused, not half read), except its own size warning past 89 MP, which
    `limits.IMAGE_PIXELS` (80 MP) makes moot; past 179 MP Pillow refuses by itself."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def _pdf_images(data: bytes, pages: Sequence[PrintedPage]) -> Iterator[Image.Image]:
    """The PDF's pages as pictures at `PDF_DPI`, fewer dots for a page so large that it
    would pass `limits.IMAGE_PIXELS` (sizes in points, as `read_pdf` checked them)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        for number, page in enumerate(pages):
            scale = PDF_DPI / 72
            scale = min(scale, math.sqrt(limits.IMAGE_PIXELS / (page.width * page.height)))
            pdf_page = document[number]
            try:
                yield pdf_page.render(scale=scale, grayscale=True).to_pil().convert("RGB")
            finally:
                pdf_page.close()
    finally:
        document.close()


# ---------------------------------------------------------------------------
# Recognition


@functools.cache
def _engine() -> Any:
    """The OCR engine, made once per process when the first scan arrives (onnxruntime and
    OpenCV take a second and 200 MB to load; `baoku search` never loads them)."""
    from rapidocr_onnxruntime import RapidOCR

    threads = min(OCR_THREADS, os.cpu_count() or 1)
    return RapidOCR(
        intra_op_num_threads=threads,
        inter_op_num_threads=1,
        text_score=MIN_CONFIDENCE,
        max_side_len=1 << 20,  # never shrunk again: `recognise` sizes the image itself
        use_cls=False,  # pages are scanned upright: no line is read upside down
    )


def recognise(image: Image.Image) -> list[OcrLine]:
    """The lines RapidOCR finds and reads on the image, in its pixels."""
    width, height = image.size
    scale = min(1.0, math.sqrt(DETECT_PIXELS / (width * height)))
    if scale < 1:
        image = image.resize((round(width * scale), round(height * scale)), Image.Resampling.BOX)
    pixels = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])  # BGR, as the models take it
    found, _ = _engine()(pixels, use_cls=False, return_word_box=True)
    reads = []
    for corners, text, score, char_boxes, chars, _ in found or ():
        if not text.strip():
            continue
        middles = (
            tuple(
                (sum(x for x, _ in b) / 4 / scale, sum(y for _, y in b) / 4 / scale)
                for b in char_boxes
            )
            if "".join(chars) == text and len(char_boxes) == len(text)
            else ()
        )
        reads.append(
            OcrLine(tuple((x / scale, y / scale) for x, y in corners), text, float(score), middles)
        )
    return reads


def _slant(reads: Sequence[OcrLine]) -> float:
    """The page's skew in radians: the median slant of the top edges of its long lines
    (short ones, a page number or a two-character name, are too short to tell)."""
    angles = []
    for read in reads:
        (x0, y0), (x1, y1), _, (x3, y3) = read.corners
        if math.hypot(x1 - x0, y1 - y0) >= LONG_LINE * math.hypot(x3 - x0, y3 - y0):
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0


def _levelled(reads: Sequence[OcrLine], angle: float, width: int, height: int) -> list[_Line]:
    """The lines turned level by the page's slant `angle`, around the page's centre."""
    cos, sin = math.cos(-angle), math.sin(-angle)
    cx, cy = width / 2, height / 2

    def turned(x: float, y: float) -> tuple[float, float]:
        return cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos

    lines = []
    for read in reads:
        corners = [turned(x, y) for x, y in read.corners]
        xs = [x for x, _ in corners]
        top = (corners[0][1] + corners[1][1]) / 2
        bottom = (corners[2][1] + corners[3][1]) / 2
        middles = tuple(turned(x, y)[0] for x, y in read.middles)
        lines.append(_Line(read.text, min(xs), top, max(xs), bottom, read.confidence, middles))
    return lines


def _printed(image: Image.Image) -> PrintedPage:
    return printed_page(image, recognise(image))


def printed_page(image: Image.Image, reads: Sequence[OcrLine]) -> PrintedPage:
    """The scan as a printed page, from the lines an OCR engine read on it: the lines
    levelled, cut at the gutters the detector ran across, sized by their type; the
    page's images and rules. Whatever the engine (bench/ocr.py gives Tesseract's lines
    here too)."""
    width, height = image.size
    angle = _slant(reads)
    lines = _joined(_levelled(reads, angle, width, height))
    images, rules = _figures_and_rules(image, angle, lines)
    lines = _without_doubles([piece for line in lines for piece in _cut_at_rules(line, rules)])
    pieces = [piece for line in lines for piece in _cut_at_gutters(line, lines)]
    sizes = _sizes(pieces)
    text_lines = tuple(
        TextLine(
            restore_punctuation(_spaced_header(piece.text)),
            piece.x0,
            piece.top,
            piece.x1,
            piece.bottom,
            size,
            confidence=piece.confidence,
        )
        for piece, size in zip(pieces, sizes, strict=True)
    )
    return PrintedPage(width, height, text_lines, images, rules)


def _joined(lines: Sequence[_Line]) -> list[_Line]:
    """The lines with the pieces of one line joined: boxes of about one height on one row
    that touch (the detector boxes a headline's `《党建》` apart from the rest, and then
    measures it in another size). A gutter is wider than `TOUCH` line heights; boxes
    that overlap more than `OVERLAP` are the same ink read twice (`_without_doubles`)."""
    out: list[_Line] = []
    for line in sorted(lines, key=lambda line: line.x0):
        for n, left in enumerate(out):
            down = min(left.bottom, line.bottom) - max(left.top, line.top)
            if (
                -OVERLAP * line.height <= line.x0 - left.x1 <= TOUCH * line.height
                and down >= 0.7 * max(left.height, line.height)
                and abs(left.height - line.height) <= 0.2 * max(left.height, line.height)
            ):
                chars = len(left.text) + len(line.text)
                out[n] = _Line(
                    left.text + line.text,
                    left.x0,
                    min(left.top, line.top),
                    max(left.x1, line.x1),
                    max(left.bottom, line.bottom),
                    (left.confidence * len(left.text) + line.confidence * len(line.text)) / chars,
                    left.middles + line.middles if left.middles and line.middles else (),
                )
                break
        else:
            out.append(line)
    return out


def _without_doubles(lines: Sequence[_Line]) -> list[_Line]:
    """The lines without those the detector found twice: a short box largely inside a
    longer line's box (the last character of a line boxed again with the rule beside
    it) is the same ink read again."""

    def inside(short: _Line, long: _Line) -> bool:
        across = min(short.x1, long.x1) - max(short.x0, long.x0)
        down = min(short.bottom, long.bottom) - max(short.top, long.top)
        area = (short.x1 - short.x0) * short.height
        return across > 0 and down > 0 and across * down >= DOUBLE * area

    return [
        line
        for line in lines
        if not any(
            other is not line and len(other.text) > len(line.text) and inside(line, other)
            for other in lines
        )
    ]


def _sizes(lines: Sequence[_Line]) -> list[float]:
    """Each line's type size: its full-width characters' pitch, the em of CJK type. A
    detected box's height is no measure of it: the box of a short line is 15-25% taller
    than a long line's in the same type, enough to make a byline a headline. A line with
    too few full-width characters to tell (`万` wrapped alone under its headline, a
    number) is in the type of a line right above or below it with a box of about its
    height; failing one, its box's height is scaled like the page's lines' boxes."""
    pitches = [_pitch(line, least=2) for line in lines]
    known = [(line, p) for line, p in zip(lines, pitches, strict=True) if p]
    overall = statistics.median(p / line.height for line, p in known) if known else 1.0

    def guess(line: _Line) -> float:
        near = [
            (max(other.top - line.bottom, line.top - other.bottom), p)
            for other, p in known
            if abs(other.height - line.height) <= 0.25 * max(other.height, line.height)
            and max(other.top - line.bottom, line.top - other.bottom) <= 0.5 * line.height
        ]
        return min(near)[1] if near else line.height * overall

    return [p or guess(line) for p, line in zip(pitches, lines, strict=True)]


# ---------------------------------------------------------------------------
# Images and rules: what a PDF names and a scan only shows

RULE_LENGTH = 2.5  # a straight dark stroke this many line heights long is a rule
RULE_WEIGHT = 0.5  # and at most this thick (a thicker one is a box or a photo's edge)
FIGURE_SIDE = 2.0  # an image is at least this many line heights on each side
PAPER_SHADE = 8  # grey levels darker than the paper that are no longer paper (blurred)


def _figures_and_rules(
    image: Image.Image, angle: float, lines: Sequence[_Line]
) -> tuple[tuple[Box, ...], tuple[Box, ...]]:
    """The page's images and rules, found in the picture turned level like its lines, with
    the lines' own boxes blanked out first (a dash or a character is never a rule).
    A rule is a long thin dark stroke; an image is what else is not paper, at least
    `FIGURE_SIDE` lines high and wide, with no more than a few lines read inside it."""
    import cv2  # OpenCV comes with the OCR engine

    if not lines:
        return (), ()
    gray = np.asarray(image.convert("L"))
    paper = float(np.median(gray))
    ink = float(np.percentile(gray, 0.5))
    if paper - ink < 40:
        return (), ()
    centre = (gray.shape[1] / 2, gray.shape[0] / 2)
    turn = cv2.getRotationMatrix2D(centre, math.degrees(angle), 1.0)
    level = cv2.warpAffine(gray, turn, gray.shape[::-1], borderValue=paper)
    body = statistics.median(line.height for line in lines)
    text = np.zeros(level.shape, np.uint8)
    for line in lines:
        pad = 0.15 * line.height
        top, bottom = max(0, round(line.top - pad)), round(line.bottom + pad)
        text[top:bottom, max(0, round(line.x0 - pad)) : round(line.x1 + pad)] = 1
    inked = level < paper - 0.3 * (paper - ink)
    dark = (inked & (text == 0)).astype(np.uint8)
    side = max(3, round(body / 3))
    halo = cv2.dilate(text, np.ones((side, side), np.uint8))  # blurred type spreads
    shade = ((cv2.blur(level, (side, side)) < paper - PAPER_SHADE) & (halo == 0)).astype(np.uint8)
    length = max(3, round(RULE_LENGTH * body))
    rules = []
    # A vertical rule is looked for across the text too: the detector often boxes two
    # columns' lines as one, over the rule between them; no stroke of type is that long.
    for down, mask in ((False, dark), (True, inked.astype(np.uint8))):
        kernel = np.ones((length, 1) if down else (1, length), np.uint8)
        for x, y, w, h in _components(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)):
            if down and any(  # a stroke of a character in far larger type (a headline)
                line.x0 <= x <= line.x1 and line.top - side <= y and y + h <= line.bottom + side
                for line in lines
            ):
                continue
            if min(w, h) <= RULE_WEIGHT * body and _alone(dark, x, y, w, h, side):
                rules.append(Box(x, y, x + w, y + h))
                shade[max(0, y - side) : y + h + side, max(0, x - side) : x + w + side] = 0
    shade = cv2.morphologyEx(shade, cv2.MORPH_CLOSE, np.ones((side, side), np.uint8))
    images = []
    for x, y, w, h in _components(shade):
        inside = sum(
            1 for line in lines if x <= (line.x0 + line.x1) / 2 <= x + w and y <= line.top <= y + h
        )
        if min(w, h) >= FIGURE_SIDE * body and inside <= 2 and w * h < 0.5 * level.size:
            images.append(Box(x, y, x + w, y + h))
    return tuple(images), tuple(rules)


def _alone(dark: np.ndarray, x: int, y: int, w: int, h: int, pad: int) -> bool:
    """Whether a stroke stands on paper: the strips along both its sides are paper (the
    stripes a dark photo leaves after the opening have dark on either side)."""
    near, far = max(1, pad // 2), 2 * pad
    if w >= h:
        sides = [dark[max(0, y - far) : max(0, y - near), x : x + w]]
        sides.append(dark[y + h + near : y + h + far, x : x + w])
    else:
        sides = [dark[y : y + h, max(0, x - far) : max(0, x - near)]]
        sides.append(dark[y : y + h, x + w + near : x + w + far])
    return all(side.size == 0 or side.mean() < 0.1 for side in sides)


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The boxes (x, y, width, height) of a mask's connected regions."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[n, :4]) for n in range(1, count)]  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Gutters: where the detector took two columns' lines for one line

GUTTER = 0.8  # white this wide (in character widths) more than a character's own may be a gutter
AROUND = 3.0  # line heights above and below where the neighbouring columns are looked for
RULE_MARKS = frozenset("|｜丨│┃」「")  # what a column rule is read as, standing alone in a gutter
OPENING = frozenset("「")  # of those, the one a line may start with
RULE_MARGIN = 0.2  # white (in character widths) on both sides of a mark that is a rule


def _width(char: str, pitch: float) -> float:
    return pitch if unicodedata.east_asian_width(char) in "WF" else pitch / 2


def _pitch(line: _Line, least: int = 1) -> float | None:
    """The distance from one full-width character's middle to the next (their width with
    the spacing of justified type), or None with fewer than `least` such steps."""
    if not line.middles:
        return None
    chars = zip(line.text, line.middles, strict=True)
    steps = [
        b - a for (x, a), (y, b) in itertools.pairwise(chars) if _width(x, 2) == _width(y, 2) == 2
    ]
    return statistics.median(steps) if len(steps) >= max(1, least) else None


def _extra(line: _Line, n: int, pitch: float) -> float:
    """The white between characters n and n + 1 beyond what their own widths leave."""
    a, b = line.text[n], line.text[n + 1]
    return line.middles[n + 1] - line.middles[n] - (_width(a, pitch) + _width(b, pitch)) / 2


def _without_rule_marks(line: _Line, pitch: float, rules: Sequence[float] = ()) -> _Line:
    """The line without the column rules the recogniser read as characters (`」`, `|`):
    a mark within half a character of a rule's x in `rules`, one with white on both
    sides (a bracket hugs the text it closes or opens), or one opening the line that no
    line may start with (Chinese type never starts a line with a closing bracket). A
    mark at either end takes the line's box edge with it."""
    last = len(line.text) - 1

    def rule(n: int) -> bool:
        char = line.text[n]
        if char not in RULE_MARKS or last == 0:
            return False
        if any(abs(line.middles[n] - x) <= pitch / 2 for x in rules):
            return True
        if n == 0 and char not in OPENING:
            return True
        white_before = n == 0 or _extra(line, n - 1, pitch) > RULE_MARGIN * pitch
        return white_before and (n == last or _extra(line, n, pitch) > RULE_MARGIN * pitch)

    keep = [n for n in range(len(line.text)) if not rule(n)]
    if len(keep) == len(line.text) or not keep:
        return line
    first, final = keep[0], keep[-1]
    return replace(
        line,
        text="".join(line.text[n] for n in keep),
        middles=tuple(line.middles[n] for n in keep),
        x0=line.x0 if first == 0 else line.middles[first] - _width(line.text[first], pitch) / 2,
        x1=line.x1 if final == last else line.middles[final] + _width(line.text[final], pitch) / 2,
    )


def _cut(line: _Line, starts: Sequence[int], pitch: float) -> list[_Line]:
    """The line cut before each character index in `starts`, each piece boxed from its
    first character's left edge to its last one's right edge (the line's own edges at
    its ends)."""
    pieces = []
    for begin, end in itertools.pairwise([0, *sorted(set(starts)), len(line.text)]):
        if begin == end:
            continue
        x0 = line.x0 if begin == 0 else line.middles[begin] - _width(line.text[begin], pitch) / 2
        x1 = (
            line.x1
            if end == len(line.text)
            else line.middles[end - 1] + _width(line.text[end - 1], pitch) / 2
        )
        pieces.append(
            replace(line, text=line.text[begin:end], x0=x0, x1=x1, middles=line.middles[begin:end])
        )
    return pieces


def _runs(line: _Line) -> list[_Line]:
    """The line cut at every white stretch wider than `GUTTER` characters between two of
    its characters (column rules read as characters dropped): its runs of ink."""
    pitch = _pitch(line)
    if pitch is None:
        return [line]
    line = _without_rule_marks(line, pitch)
    starts = [n + 1 for n in range(len(line.text) - 1) if _extra(line, n, pitch) > GUTTER * pitch]
    return _cut(line, starts, pitch)


def _cut_at_rules(line: _Line, rules: Sequence[Box]) -> list[_Line]:
    """The line cut where a column rule crosses it: the detector runs a line across a
    ruled gutter as readily as across an empty one, and reads the rule as `」`."""
    pitch = _pitch(line)
    middle = (line.top + line.bottom) / 2
    crossing = [
        (rule.x0 + rule.x1) / 2
        for rule in rules
        if rule.bottom - rule.top > rule.x1 - rule.x0 and rule.top <= middle <= rule.bottom
    ]
    if pitch is None or not crossing:
        return [line]
    line = _without_rule_marks(line, pitch, crossing)
    starts = [
        n + 1
        for x in crossing
        for n in range(len(line.text) - 1)
        if line.middles[n] < x <= line.middles[n + 1]
    ]
    return _cut(line, starts, pitch)


def _cut_at_gutters(line: _Line, lines: Sequence[_Line]) -> list[_Line]:
    """`line`, or its runs of ink when the white between them is a gutter: the lines of
    the same type around it (a few lines up and down) leave it white too, with text on
    both sides. A wide space inside one column (`上图　…`, `记者　张三`) is no gutter: the
    lines above or below run across it."""
    runs = _runs(line)
    if len(runs) == 1:
        return [line]
    band = AROUND * line.height
    around = [
        run
        for other in lines
        if other is not line
        and abs(other.height - line.height) <= 0.25 * line.height
        and other.top < line.bottom + band
        and other.bottom > line.top - band
        for run in _runs(other)
    ]
    pieces = [runs[0]]
    for run in runs[1:]:
        middle = (pieces[-1].x1 + run.x0) / 2
        gutter = (
            not any(r.x0 < middle < r.x1 for r in around)
            and any(r.x1 < middle for r in around)
            and any(r.x0 > middle for r in around)
        )
        if gutter:
            pieces.append(run)
        else:
            last = pieces[-1]
            pieces[-1] = _Line(
                last.text + run.text,
                last.x0,
                last.top,
                run.x1,
                last.bottom,
                last.confidence,
                last.middles + run.middles,
            )
    return pieces


# ---------------------------------------------------------------------------
# Page text

_HEADER_PARTS = re.compile(
    r"(?<=\S)(?=星期|周[一二三四五六日天]|总第|(?<!总)第|农历)|(?<=报)(?=\d)"
)


def _spaced_header(text: str) -> str:
    """A masthead line with the spaces between its parts the recogniser leaves out
    (`1998年1月20日星期二第1版`); any other line as it is. Only a line that is all header
    furniture (`furniture.read_header`) once spaced is spaced."""
    if read_header(text, True) is not None:
        return text
    spaced = _HEADER_PARTS.sub(" ", text)
    return spaced if spaced != text and read_header(spaced, True) is not None else text


def scan_text(page: PrintedPage) -> str:
    """A scanned page's page text: `layout.page_text`, with its quotes paired."""
    return _paired_quotes(page_text(page))


def _rendition(pages: Sequence[PrintedPage], first: Callable[[str], str] = str) -> Rendition:
    """The pages' texts, each a page of its own (`first` may add to the first one's); the
    confidence is the mean over characters (a long line counts more than a page number)."""
    lines = [line for page in pages for line in page.lines]
    chars = sum(len(line.text) for line in lines)
    if not chars:
        raise UnreadableFile(NOTHING_READ)  # a blank page, a photo: nothing to index
    confidence = sum(line.confidence * len(line.text) for line in lines) / chars
    text, *later = [scan_text(page) for page in pages]
    return Rendition(first(text), ocr_confidence=round(confidence, 4), later_pages=tuple(later))


# ---------------------------------------------------------------------------
# Chinese punctuation

_HAN = r"[\u3400-\u9fff\uf900-\ufaff]"
_WIDE = str.maketrans({",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"})
_NARROW_NEXT_TO_HAN = re.compile(rf"(?<={_HAN})[,:;?!()]|[,:;?!()](?={_HAN})")
_ONE_DASH = re.compile(r"(?<!—)—(?!—)")
_DOTS = re.compile(r"[·.]{2,}|(?<!…)…(?!…)")
_APOSTROPHE = re.compile(r"(?<![A-Za-z])'(?=\d)")  # ’98 read as '98
_DASH_AS_ONE = re.compile(r"(?<=\d)一(?=\d)")  # 1—11月 read as 1一11月
_STOP_AS_DOT = re.compile(r"(?<=[\u3400-\u9fff])·(?=[”’」』）]|$)")


def restore_punctuation(text: str) -> str:
    """Punctuation as Chinese type sets it: `,:;?!()` next to a Han character full-width,
    a lone dash the doubled 破折号 `——` (and `一` between digits the dash of `1—11月`,
    `'` before digits the apostrophe of `’98`),
    a run of dots (or one `…`) the ellipsis `……`, a
    middle dot ending a sentence (before a closing quote, at the line's end) the full stop
    it is. Latin text, numbers (`3.5`, `10:30`) and a name's middle dot keep theirs."""
    text = _NARROW_NEXT_TO_HAN.sub(lambda m: m.group().translate(_WIDE), text)
    text = _ONE_DASH.sub("——", text)
    text = _DASH_AS_ONE.sub("—", text)
    text = _APOSTROPHE.sub("’", text)
    text = _STOP_AS_DOT.sub("。", text)
    return _DOTS.sub("……", text)


# ---------------------------------------------------------------------------
# Remembering renditions

_recent: OrderedDict[str, Rendition] = OrderedDict()


def _paired_quotes(text: str) -> str:
    """Each ASCII `"` of a block of page text as the Chinese quote it stands for: opening
    where no quote is open, closing where one is (the recogniser reads many “ and ” as
    `"`; the ones it reads right say which are open)."""
    blocks = []
    for block in text.split("\n\n"):
        out, open_ = [], False
        for char in block:
            if char == '"':
                char = "”" if open_ else "“"
            if char in "“”":
                open_ = char == "“"
            out.append(char)
        blocks.append("".join(out))
    return "\n\n".join(blocks)


def _remembered(data: bytes, render: Callable[[], Rendition]) -> Rendition:
    """`render()`, or the rendition of the same bytes read recently. An import reads each
    changed page twice (once for its jumps, once for its articles, see
    ingest/pipeline.py): a page that costs seconds of OCR is read once. At most
    `REMEMBERED_CHARS` of page text are kept."""
    key = hashlib.sha256(data).hexdigest()
    if key in _recent:
        _recent.move_to_end(key)
        return _recent[key]
    rendition = render()
    _recent[key] = rendition
    while sum(len(r.text) for r in _recent.values()) > REMEMBERED_CHARS:
        _recent.popitem(last=False)
    return rendition
