"""Word .docx files from the editorial system -> page text (search/ingest/formats.py).

A story filed from an editorial system is a .docx: the headline in a heading style or
just bold on the first line, perhaps a kicker above it and a subtitle under it, a
byline, the body, captions and tables. Headings become `#` lines by their level
(`Title` is `#`, `Heading N` is N + 1 `#`s; Chinese Word's `标题 N` alike),
a paragraph all in bold becomes a `**bold**` line, a `Subtitle` paragraph a `——` line,
a short paragraph right above a heading sits on the line above it (where the page
rules look for a kicker), and every other paragraph is one block. The page rules
(docs/pages.md) then decide titles, kickers, subtitles, bylines, captions and subheads
exactly as for a scraped page. A table gives one line per row, its cells joined by a
space. Headers, footers, comments and tracked deletions are not the story and are not
read.

A .docx is a zip of XML, and untrusted: the archive is checked before python-docx opens
it (at most `ZIP_ENTRIES` entries; the XML may expand to `limits.DOCUMENT_TEXT_MB`, the
whole archive to `limits.DOCUMENT_MB` × `UNZIPPED_RATIO`; a zip bomb is refused unread),
and python-docx's lxml parser never resolves entities (no billion laughs, no external
files).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from search import limits
from search.errors import UnreadableFile
from search.ingest.formats import Rendition, page_line

ZIP_ENTRIES = 1000  # parts of one .docx (a story with its images has a few dozen)
UNZIPPED_RATIO = 4  # the whole archive, unzipped, against the file size limit
KICKER_CHARS = 40  # a paragraph this short right above a heading may be its kicker
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}
_SUBTITLE_STYLES = {"subtitle", "副标题"}


def render_docx(data: bytes, path: Path) -> Rendition:
    """The document's body as page text, in document order (paragraphs and tables)."""
    _check_archive(data)
    from docx import Document  # heavy; imported when the first .docx arrives

    document = Document(io.BytesIO(data))
    blocks = list(_blocks(document))
    lines: list[str] = []
    for n, (kind, text) in enumerate(blocks):
        heading_next = n + 1 < len(blocks) and blocks[n + 1][0] == "heading"
        glued = kind == "text" and heading_next and len(text) <= KICKER_CHARS
        lines.append(text + ("\n" if glued else "\n\n"))
    return Rendition("".join(lines))


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"not a .docx (a damaged zip: {exc})") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_ENTRIES:
            raise UnreadableFile(f"{len(entries)} parts in the archive (at most {ZIP_ENTRIES})")
        if "word/document.xml" not in {e.filename for e in entries}:
            raise UnreadableFile("a zip file, but not a Word document (no word/document.xml)")
        xml = sum(e.file_size for e in entries if e.filename.endswith((".xml", ".rels")))
        if xml > limits.DOCUMENT_TEXT_MB << 20:
            raise UnreadableFile(
                f"its XML unzips to {xml >> 20} MB (at most {limits.DOCUMENT_TEXT_MB} MB)"
            )
        whole = sum(e.file_size for e in entries)
        if whole > (limits.DOCUMENT_MB * UNZIPPED_RATIO) << 20:
            raise UnreadableFile(f"it unzips to {whole >> 20} MB: a zip bomb, not a story")


def _blocks(document: object) -> Iterator[tuple[str, str]]:
    """(kind, page text line) per paragraph or table row: kind "heading" for headings and
    bold lines, "text" otherwise; empty paragraphs give nothing."""
    from docx.table import Table

    for item in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(item, Table):
            for row in item.rows:
                cells = dict.fromkeys(c.text.strip() for c in row.cells)  # merged cells repeat
                text = " ".join(c for c in cells if c)
                if text:
                    yield "text", page_line(text)
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "").strip().lower()
        level = _heading_level(style)
        if level:
            yield "heading", "#" * level + " " + page_line(text)
        elif style in _SUBTITLE_STYLES and not text.startswith("——"):
            yield "text", "——" + page_line(text)
        elif _all_bold(item):
            yield "heading", f"**{page_line(text)}**"
        else:
            yield "text", page_line(text)


def _heading_level(style: str) -> int:
    if style in _TITLE_STYLES:
        return 1
    match = _HEADING_STYLE.match(style)
    return min(int(match.group(1)) + 1, 6) if match else 0


def _all_bold(paragraph: object) -> bool:
    """Every run with text is set bold (the B button): a headline typed in the body
    style. A style that is bold by itself (Word's `Caption`) does not count."""
    runs = [r for r in paragraph.runs if r.text.strip()]  # type: ignore[attr-defined]
    return bool(runs) and all(r.bold for r in runs)
