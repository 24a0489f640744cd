"""Input formats: which reader reads a file, chosen by what the file holds, then by its name.

A newsroom keeps pages as scraped text, saved e-paper HTML, PDF pages, scans and Word
files. Every one of them except JSONL is first *rendered as page text* (the lines of
docs/pages.md: front matter for paper, date and page, `#` headings, the kicker above
the title, `——` subtitles, byline lines, `图为…` captions, `（下转第二版）`) and then read by
the one page parser. So bylines, captions, column breaks and jumps across pages follow
one rule book whatever the file was, and a PDF page's jump joins a scan's continuation.

The reader is picked by content first: a PDF saved as `.txt`, an HTML page without an
extension, a scan named `.dat` are read as what they are. A file's extension only
decides when its bytes say nothing (plain text). Readers of heavy libraries (PDF, OCR)
are imported when the first such file arrives, so `baoku search` never loads them.

Files are untrusted: each reader keeps to the limits of `search/limits.py` and raises
`UnreadableFile`; any other failure of a third-party parser on a damaged file is caught
here too. Either way the file is reported as skipped and the import goes on.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from search import limits
from search.errors import UnreadableFile
from search.ingest.files import JSONL_SUFFIXES, MAX_TEXT_MB, NOT_PAGES, decode, too_large
from search.ingest.pages import PageFormatError, PageMeta, ParsedPage, read_page_text
from search.models import Skipped

HEAD_BYTES = 4096  # what is read of a file to tell its format


@dataclass(frozen=True, slots=True)
class Rendition:
    """A file rendered as page text, and what only its format knew."""

    text: str
    ocr_confidence: float | None = None  # the text was recognised from an image (0..1)
    # The file's further printed pages (a PDF of an issue, a multi-page TIFF), each read
    # as a page of its own: its header gives its page number, its articles have ids
    # `<stem>-p<N>-NN`, and a jump from one to another joins as between files.
    later_pages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Format:
    name: str  # as `baoku parse` names it
    suffixes: tuple[str, ...]
    holds: Callable[[bytes], bool]  # whether a file's first bytes are of this format
    renderer: str  # "module:function", (bytes, Path) -> Rendition; imported when needed

    def render(self, data: bytes, path: Path) -> Rendition:
        module, function = self.renderer.split(":")
        render: Callable[[bytes, Path], Rendition] = getattr(
            importlib.import_module(module), function
        )
        return render(data, path)


# The first bytes of the pictures a scan can be, and their media types.
_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def _is_pdf(head: bytes) -> bool:
    return head[:1024].lstrip().startswith(b"%PDF-")


def _is_image(head: bytes) -> bool:
    return scan_media_type(head) not in (None, "application/pdf")


def scan_media_type(head: bytes) -> str | None:
    """The media type of a scanned page or a PDF by its first bytes (`HEAD_BYTES`), never
    by its name; None for anything else: what the article view may serve as a scan."""
    if _is_pdf(head):
        return "application/pdf"
    return next((media for magic, media in _IMAGE_TYPES if head.startswith(magic)), None)


def _is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _is_html(head: bytes) -> bool:
    """A saved web page: it opens with a doctype or an `<html>`/`<head>` tag (after a BOM,
    blank space and comments); page text with stray tags is not one."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    while start.startswith(b"<!--") and b"-->" in start:
        start = start.split(b"-->", 1)[1].lstrip()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) and (
        b"<html" in head.lower() or b"<!doctype html" in head.lower()
    )


FORMATS = (
    Format("pdf", (".pdf",), _is_pdf, "search.ingest.pdfpages:render_pdf"),
    Format(
        "scan",
        (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
        _is_image,
        "search.ingest.scans:render_scan",
    ),
    Format("docx", (".docx",), _is_zip, "search.ingest.wordfiles:render_docx"),
    Format(
        "html",
        (".html", ".htm", ".shtml", ".xhtml"),
        _is_html,
        "search.ingest.webpages:render_html",
    ),
)
PAGE_SUFFIXES = (".txt", ".md")  # plain page text (docs/pages.md), read as it is
DOCUMENT_SUFFIXES = frozenset(s for f in FORMATS for s in f.suffixes) | set(PAGE_SUFFIXES)


def page_line(text: str, heading: bool = False) -> str:
    """Text of a document (an HTML or PDF line, a .docx paragraph) as page text that the
    page parser reads back as exactly `text`: `&` and `<` as entities (`&amp;`, `&lt;`,
    which its clean-up decodes), `*` as `*****` and a leading `#` as `**#**` (inline bold
    is dropped only after a line is known to be no heading, so `#两会#` and `王**` stay
    text), `](` as `]**(**` (no markdown link). `heading`: the text is a heading's, whose
    trailing `#` would be read as closing it. Page text has no escape for one case: a
    paragraph that opens with `#`, `*` or `__` and ends with `*` or `__` reads as a bold
    line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("*", "*****")
    text = text.replace("](", "]**(**")
    if text.startswith("#"):
        text = "**#**" + text[1:]
    if heading and text.endswith("#"):
        text = text[:-1] + "**#**"
    return text


def find_inputs(paths: Iterable[Path]) -> Iterator[Path | Skipped]:
    """Files to import, in a stable order. A folder gives the files of known suffixes
    (not its README and the like); a file named explicitly is taken when its suffix is
    known or its content is a known format, and reported otherwise."""
    known = DOCUMENT_SUFFIXES | JSONL_SUFFIXES
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in known
                    and not child.name.lower().startswith(NOT_PAGES)
                ):
                    yield child.resolve()
        elif path.is_file():
            if path.suffix.lower() in known or is_document(path):
                yield path.resolve()
            else:
                yield Skipped(str(path), "not a page, HTML, PDF, scan, .docx or .jsonl file")
        else:
            yield Skipped(str(path), "no such file or directory")


def format_of(path: Path, head: bytes) -> Format | None:
    """The format `head` (a file's first bytes) shows; else the one its suffix names; None
    for page text."""
    for candidate in FORMATS:
        if candidate.holds(head):
            return candidate
    suffix = path.suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def is_document(path: Path) -> bool:
    """Whether a file named explicitly (of any suffix) holds a format baoku reads."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return False
    return any(f.holds(head) for f in FORMATS)


def read_document(path: Path, meta: PageMeta | None = None) -> ParsedPage | Skipped:
    """A page, HTML, PDF, scan or Word file read into articles, or why it was skipped."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        form = format_of(path, head)
        cap_mb = limits.DOCUMENT_MB if form else MAX_TEXT_MB
        if size > cap_mb << 20:
            return Skipped(
                str(path), too_large(size, f"a {form.name} file" if form else "a page", cap_mb)
            )
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(str(path), f"cannot read: {exc.strerror or exc}")
    if not data.strip():
        return Skipped(str(path), "empty file")
    if form is None:
        text = decode(data)
        if text is None:
            return Skipped(str(path), "not text in UTF-8 or GB18030 (binary or undecodable)")
        rendition = Rendition(text)
    else:
        try:
            rendition = form.render(data, path)
        except UnreadableFile as exc:
            return Skipped(str(path), f"{form.name}: {exc}")
        except Exception as exc:  # noqa: BLE001  a damaged file breaks a parser in its own way
            return Skipped(
                str(path), f"damaged {form.name} file ({type(exc).__name__}: {exc})"[:300]
            )
    texts = (rendition.text, *rendition.later_pages)
    try:
        pages = [
            read_page_text(text, str(path), meta, f"{path.stem}-p{n}" if len(texts) > 1 else None)
            for n, text in enumerate(texts, 1)
        ]
    except PageFormatError as exc:
        return Skipped(str(path), str(exc))
    page = replace(
        pages[0],
        articles=tuple(a for p in pages for a in p.articles),
        notes=tuple(n for p in pages for n in p.notes),
        format=form.name if form else "page",
    )
    if rendition.ocr_confidence is None:
        return page
    scan = str(path.resolve())
    recognised = tuple(
        replace(a, ocr=rendition.ocr_confidence, original=scan) for a in page.articles
    )
    return replace(page, articles=recognised)
