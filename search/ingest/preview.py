"""`baoku parse`: how files would be imported, read the same way the import reads them.

An archivist checks a batch of pages before importing it: what each page's
metadata came from, which articles it holds, what was dropped as furniture,
what was joined (column breaks, and jumps between the pages given together).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from search.ingest.files import JSONL_SUFFIXES
from search.ingest.formats import find_inputs, read_document
from search.ingest.jsonl import Line, read_jsonl
from search.ingest.jumps import join_jumps
from search.ingest.pages import PageMeta, PageNote, ParsedPage
from search.models import Article, Skipped


def preview(
    paths: Iterable[Path], meta: PageMeta | None = None
) -> tuple[list[ParsedPage], list[Skipped]]:
    """Every readable file parsed (pages joined across their jumps), and what was skipped."""
    parsed: list[ParsedPage] = []
    skipped: list[Skipped] = []
    for item in find_inputs(paths):
        if isinstance(item, Skipped):
            skipped.append(item)
        elif item.suffix.lower() in JSONL_SUFFIXES:
            articles = list(_jsonl_articles(item, skipped))
            parsed.append(
                ParsedPage(str(item), PageMeta(), {}, tuple(articles), (), format="jsonl")
            )
        else:
            page = read_document(item, meta)
            if isinstance(page, Skipped):
                skipped.append(page)
            else:
                parsed.append(page)
    return _joined(parsed), skipped


def _jsonl_articles(path: Path, skipped: list[Skipped]) -> Iterator[Article]:
    for line in read_jsonl(path):
        item = line.item if isinstance(line, Line) else line
        if isinstance(item, Skipped):
            skipped.append(item)
        elif item is not None:
            yield item


def _joined(pages: list[ParsedPage]) -> list[ParsedPage]:
    """The pages with each paired continuation folded into its first part, and a note
    on both sides saying so."""
    joined = join_jumps({p.path: p.articles for p in pages})
    kept = {a.id for articles in joined.values() for a in articles}
    out = []
    for page in pages:
        notes = list(page.notes)
        notes += [
            PageNote(0, "jump", f"{a.id}: joined with its rest from page {a.continued_on}")
            for a in joined[page.path]
            if a.continuation_at is not None
        ]
        notes += [
            PageNote(0, "jump", f"{a.id}: the rest of a story from page {a.continued_from}, joined")
            for a in page.articles
            if a.id not in kept
        ]
        out.append(replace(page, articles=tuple(joined[page.path]), notes=tuple(notes)))
    return out
