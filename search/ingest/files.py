"""Decode input text, and hash input files.

Old archives are GBK; new ones UTF-8, some with a BOM. GB18030 (a superset of
GBK) accepts many byte strings that are not text, so a file must also look
like text after decoding. A file that cannot be read is a `Skipped` with the
reason, never an exception: the rest of the import goes on.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

# A folder of pages often carries its own documentation (the corpus has a
# README.md); walking a folder skips those, naming one explicitly imports it.
NOT_PAGES = ("readme", "license", "licence", "changelog", "contributing")
JSONL_SUFFIXES = {".jsonl"}
# A page is ~20 KB and the corpus's largest JSONL record 67 KB. Analysis needs
# ~40 times a paragraph's size in memory (a 16 MB one-line page took 600 MB
# and 15 s), so a 50 MB "page" would take GBs: anything over this cap is a
# dump, not an article, and is skipped with the reason.
MAX_TEXT_MB = 4
MAX_TEXT_BYTES = MAX_TEXT_MB << 20


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


def too_large(size: int, what: str, cap_mb: int = MAX_TEXT_MB) -> str:
    """The skip reason for a file or record over its cap, worded alike for every kind."""
    return f"too large for {what} ({size / (1 << 20):.0f} MB; at most {cap_mb} MB)"
