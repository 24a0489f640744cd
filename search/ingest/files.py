"""Find input files under the given paths and decode them.

Old archives are GBK; new ones UTF-8, some with a BOM. GB18030 (a superset of
GBK) accepts many byte strings that are not text, so a file must also look
like text after decoding. A file that cannot be read is a `Skipped` with the
reason, never an exception: the rest of the import goes on.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from search.models import Skipped, SourceFile

PAGE_SUFFIXES = {".txt", ".md"}
# A folder of pages often carries its own documentation (the corpus has a
# README.md); walking a folder skips those, naming one explicitly imports it.
NOT_PAGES = ("readme", "license", "licence", "changelog", "contributing")
JSONL_SUFFIXES = {".jsonl"}
SUFFIXES = PAGE_SUFFIXES | JSONL_SUFFIXES
# A page is ~20 KB and the corpus's largest JSONL record 67 KB. Analysis needs
# ~40 times a paragraph's size in memory (a 16 MB one-line page took 600 MB
# and 15 s), so a 50 MB "page" would take GBs: anything over this cap is a
# dump, not an article, and is skipped with the reason.
MAX_TEXT_MB = 4
MAX_TEXT_BYTES = MAX_TEXT_MB << 20


def find_inputs(paths: Iterable[Path]) -> Iterator[Path | Skipped]:
    """Files to import, in a stable order; named files of an unknown type are reported."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUFFIXES
                    and not child.name.lower().startswith(NOT_PAGES)
                ):
                    yield child.resolve()
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                yield path.resolve()
            else:
                yield Skipped(str(path), "not a page (.txt/.md) or .jsonl file")
        else:
            yield Skipped(str(path), "no such file or directory")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def decode(data: bytes) -> str | None:
    """UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030 text; None when it is none of
    them or not text. A stray control character (a `\x1a` from a DOS editor) is text
    damage the page parser removes; more than one in a hundred characters is binary."""
    if not data.strip():
        return None
    utf16 = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text if _looks_like_text(text) else None
    return None


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    return controls <= len(text) // 100


def too_large(size: int, what: str) -> str:
    """The skip reason for text over `MAX_TEXT_BYTES`, worded alike for pages and records."""
    return f"too large for {what} ({size / (1 << 20):.0f} MB; at most {MAX_TEXT_MB} MB)"


def read_page(path: Path) -> SourceFile | Skipped:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            return Skipped(str(path), too_large(size, "a page"))
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(str(path), f"cannot read: {exc.strerror or exc}")
    if not data.strip():
        return Skipped(str(path), "empty file")
    text = decode(data)
    if text is None:
        return Skipped(str(path), "not text in UTF-8 or GB18030 (binary or undecodable)")
    return SourceFile(str(path), text, hashlib.sha256(data).hexdigest())
