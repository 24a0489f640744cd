"""Corpus JSONL -> articles, one per line, streamed (the CCTV file is 120 MB).

The record's `id` is kept as the article id and `paragraphs` as given. A bad
line (not JSON, not UTF-8, over `MAX_TEXT_BYTES`) is reported as `file:line`
and skipped; the rest of the file is indexed.

Each line comes with a digest of its bytes, so a re-import of a changed file
re-indexes only the lines that changed: archives grow by appending to one big
export, and re-analysing its 74,000 unchanged articles to add 50 would take
minutes. A line whose digest is already known is not even parsed.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from pathlib import Path

from search.ingest.files import MAX_TEXT_BYTES, decode, too_large
from search.models import Article, Paragraph, Skipped


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: its number, the digest of its bytes, and what it holds.

    `item` is None when the digest was given as known: the line is then exactly
    what was indexed before, and is neither decoded nor parsed.
    """

    number: int
    digest: str
    item: Article | Skipped | None


def line_digest(raw: bytes) -> str:
    """128-bit BLAKE2b of the line without its surrounding whitespace (line endings,
    a missing final newline): collisions are out of reach for any archive."""
    return hashlib.blake2b(raw.strip(), digest_size=16).hexdigest()


def read_jsonl(
    path: Path,
    on_bytes: Callable[[int], None] | None = None,
    known: Container[str] = frozenset(),
) -> Iterator[Line | Skipped]:
    """The lines of one file (a `Skipped` alone if it cannot be opened); `on_bytes`
    hears each line's size (progress)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        for number, raw in enumerate(handle, 1):
            if on_bytes is not None:
                on_bytes(len(raw))
            if not raw.strip():
                continue
            digest = line_digest(raw)
            if digest in known:
                yield Line(number, digest, None)
            else:
                yield Line(number, digest, _parse(raw, number, str(path)))


def _parse(raw: bytes, number: int, origin: str) -> Article | Skipped:
    if len(raw) > MAX_TEXT_BYTES:
        return Skipped(origin, too_large(len(raw), "one article"), number)
    text = decode(raw)
    if text is None:
        return Skipped(origin, "not UTF-8 text", number)
    try:
        return _article(json.loads(text), origin)
    except (ValueError, TypeError, KeyError) as exc:
        return Skipped(origin, f"bad record: {exc}", number)


def _article(record: object, origin: str) -> Article:
    if not isinstance(record, dict):
        raise ValueError("a line must be a JSON object")
    article_id = record["id"]
    if not isinstance(article_id, str) or not article_id.strip():
        raise ValueError("id must be a non-empty string")
    paragraphs = record.get("paragraphs") or []
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise ValueError("paragraphs must be a list of strings")
    authors = record.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise ValueError("authors must be a list of strings")
    date_text = record.get("date") or ""
    date = datetime.date.fromisoformat(date_text) if date_text else None
    title = record.get("title") or ""
    if not title.strip() and not any(p.strip() for p in paragraphs):
        raise ValueError("no title and no text")
    return Article(
        id=article_id.strip(),
        title=str(title),
        section=record.get("section") or None,
        authors=tuple(a for a in authors if a.strip()),
        date=date,
        paragraphs=tuple(Paragraph(p) for p in paragraphs if p.strip()),
        source=str(record.get("source") or Path(origin).name),
        origin=origin,
        paper=_optional_text(record, "paper"),
        page=_optional_text(record, "page"),
    )


def _optional_text(record: dict[str, object], key: str) -> str | None:
    """An optional string key (`paper`, `page`); a number is taken as its text (page 3)."""
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{key} must be a string")
    return str(value).strip() or None
