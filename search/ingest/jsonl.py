"""Corpus JSONL -> articles, one per line, streamed (the CCTV file is 120 MB).

The record's `id` is kept as the article id and `paragraphs` as given. A bad
line is reported as `file:line` and skipped; the rest of the file is indexed.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from search.ingest.files import decode
from search.models import Article, Paragraph, Skipped


def read_jsonl(
    path: Path, on_bytes: Callable[[int], None] | None = None
) -> Iterator[Article | Skipped]:
    """Articles and bad lines of one file; `on_bytes` hears each line's size (progress)."""
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
            text = decode(raw)
            if text is None:
                yield Skipped(str(path), "not UTF-8 text", number)
                continue
            try:
                yield _article(json.loads(text), str(path))
            except (ValueError, TypeError, KeyError) as exc:
                yield Skipped(str(path), f"bad record: {exc}", number)


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
    )
