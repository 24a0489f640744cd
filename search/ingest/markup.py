"""Scrape markup -> clean numbered lines: what a page's text is once its markup is gone.

Scrapers leave HTML (`&nbsp;`, `<br>`, `<p>`), markdown (`![](…)`, `[…](…)`,
`**bold**`, `---`), bare URLs, decoration (■ □ ● ◆) and control characters.
None of it is article text; lines made only of it are dropped (and reported,
so `baoku parse` shows them) and act as paragraph breaks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

BOLD = -1  # `Line.heading` of a line that is only **bold**
SENTENCE_END = set("。！？!?；;…")  # a sentence is over: a credit or caption may follow
PARAGRAPH_END = SENTENCE_END | set(":：」』”’）)】》")  # nothing of the sentence is left


def ends_sentence(text: str) -> bool:
    """Whether `text` can end a paragraph: one that does not was cut (a column break,
    a hard wrap, a jump to another page) and goes on in the next piece of body text."""
    return bool(text) and text[-1] in PARAGRAPH_END


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:br|p|div|tr|li|h[1-6])\b[^<>]{0,200}>", re.IGNORECASE)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*\b[^<>]{0,500}>|<!--.*?-->")
_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)")
_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SEPARATOR = re.compile(r"(?:[-*=_~—]\s*){3,}")
_MARKERS = re.compile(r"^[■□●◆▲★◇○☆△▼◎※•▶►◥◤◣◢]+\s*")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
_BOLD_LINE = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__)$")
_INLINE_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True, slots=True)
class Line:
    """A cleaned line: `text` is "" for a paragraph break; `heading` is the `#` count,
    `BOLD`, or 0 for text."""

    number: int
    text: str
    heading: int = 0


@dataclass(frozen=True, slots=True)
class Dropped:
    """A line that was not text: `what` it was (image, link, url, separator, markup)."""

    number: int
    what: str
    text: str


def split_lines(text: str) -> list[str]:
    """Lines without control characters, for CRLF, CR and LF alike."""
    return _LINE_BREAK.split(_CONTROL.sub("", text))


def clean_lines(lines: list[str], first_number: int = 1) -> tuple[list[Line], list[Dropped]]:
    """The lines as text and headings, and what was dropped (each a break)."""
    out: list[Line] = []
    dropped: list[Dropped] = []
    for number, raw in enumerate(lines, first_number):
        pieces = _BLOCK_TAG.split(raw) if "<" in raw else [raw]
        for piece in pieces:
            line, what = _clean(piece)
            if what:
                dropped.append(Dropped(number, what, piece.strip()))
                out.append(Line(number, ""))
            else:
                out.append(_line(number, line))
    return out, dropped


def _clean(raw: str) -> tuple[str, str | None]:
    """(the line's text, None), or ("", what it was) when nothing of it is text."""
    text = raw
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\xa0", " ").strip()
    if not text:
        return "", ("markup" if raw.strip() else None)
    if "](" in text:
        without_images = _IMAGE.sub("", text).strip()
        if not without_images:
            return "", "image"
        without_links = _LINK.sub("", without_images).strip(" |·•/")
        if not without_links:
            return "", "link"
        text = _LINK.sub(r"\1", without_images)
    if _URL_LINE.fullmatch(text):
        return "", "url"
    if _SEPARATOR.fullmatch(text):
        return "", "separator"
    text = _MARKERS.sub("", text)
    return text, (None if text else "markup")


def _line(number: int, text: str) -> Line:
    if match := _HEADING.match(text):
        return Line(number, _INLINE_BOLD.sub(r"\1", match.group(2)).strip(), len(match.group(1)))
    if (match := _BOLD_LINE.match(text)) and not text.rstrip("*_").endswith("。"):
        return Line(number, match.group(1).strip(), BOLD)
    return Line(number, _INLINE_BOLD.sub(r"\1", text))
