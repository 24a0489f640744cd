"""Text analysis: one normalisation for archive text and queries, then two token streams.

    normalize(text)   full-width -> half-width, Latin lower case, traditional -> simplified
    exact_tokens()    every character and every overlapping character bigram (recall)
    word_tokens()     jieba precise-mode words with ordinal positions (ranking)
    cut()             the jieba pieces both come from, which text/entities/ also reads

Why this design: jieba's stock `ChineseAnalyzer` puts each token's character
offset in `pos` and emits overlapping search-mode words, so Whoosh phrase
queries find nothing and a word jieba splits differently in context is missed.
With a character and a bigram at every position, any string of one or more
characters becomes a term or a phrase of consecutive bigrams, so a query
matches exactly where the normalised string occurs: a substring search with an
inverted index. The jieba words only add score for whole-word matches; they
never decide recall, so the user dictionary can change without losing hits.

`normalize` keeps the string length (one character in, one out), so an offset
found in normalised text is the same offset in the original: snippets and
highlights show the archive's own characters. Whitespace is skipped in both
streams, so a match may span a line break or a stray space in the scan.

Tokens are plain runs of strings with a start position, not Whoosh tokens:
indexing inverts them directly (segments.py) in worker processes, which is
many times faster than Whoosh's analyzer-per-token pipeline on 40M characters.

Importing this module configures nothing. It builds one constant, the
traditional -> simplified table, from OpenCC's shipped t2s data: deterministic,
the same in every process, and needed by every query. jieba is imported and
started only by the first `segmenter()` call, after `configure` has said which
dictionary and cache to use (jieba's own import puts a DEBUG handler on its
logger, which `segmenter` silences).
"""

from __future__ import annotations

import logging
import operator
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import opencc

if TYPE_CHECKING:
    import jieba

SHIPPED_DICT = Path(__file__).parent / "data" / "userdict.txt"

# Positions left empty between the parts of one unit (title and subtitle, two
# author names) so no phrase can run from one into the other.
PART_GAP = 16

_FULLWIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = " "
# CJK unified ideographs (with extension A) and compatibility ideographs: what t2s converts.
_HAN = [*range(0x3400, 0xA000), *range(0xF900, 0xFB00)]


def _simplified_by_character() -> dict[int, str]:
    """Each traditional character's simplified form, one character for one, from OpenCC t2s.

    Character by character, not OpenCC's phrase by phrase: by phrase, 乾 stays
    乾 in 乾隆 but becomes 干 alone, and 於 stays in 由於單 but not in 由於, so
    a query typed in traditional characters missed articles that contain it.
    Exact matching needs normalize(text[i:j]) == normalize(text)[i:j].
    """
    chars = [chr(code) for code in _HAN]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {ord(c): s for c, s in zip(chars, converted, strict=True) if s != c and len(s) == 1}


_SIMPLER: dict[int, str] = {k: v.lower() for k, v in _FULLWIDTH.items()}
_TABLE = str.maketrans({**_SIMPLER, **_simplified_by_character()})


def _char_lower(char: str) -> str:
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def normalize(text: str) -> str:
    """The matching form of `text`, always of the same length as `text`.

    Whole-string NFKC or casefold would change lengths (…… -> ......, ß -> ss)
    and break highlight offsets, hence the character-for-character rules.
    """
    lowered = text.translate(_TABLE).lower()
    if len(lowered) != len(text):
        lowered = "".join(_char_lower(c) for c in text.translate(_TABLE))
    return lowered


def squeeze(normalized: str) -> str:
    """Drop whitespace: the character stream both token streams count positions in."""
    return "".join(normalized.split())


def exact_grams(normalized: str) -> list[str]:
    """The exact-field terms a query string must match at consecutive positions."""
    chars = squeeze(normalized)
    if len(chars) <= 1:
        return [chars] if chars else []
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


Tokens = list[tuple[list[str], int]]  # runs of terms at consecutive positions, from a start


def exact_tokens(parts: Iterable[str]) -> Tokens:
    """The characters and the bigrams of normalised `parts`, as runs.

    Each part gives two runs from the same start: its characters and its
    bigrams (a bigram's position is its first character's). Built with C-level
    calls only; `segments.SegmentBuilder` inverts them in one pass.
    """
    runs: Tokens = []
    base = 0
    for part in parts:
        chars = squeeze(part)
        runs.append((list(chars), base))
        runs.append((list(map(operator.add, chars, chars[1:])), base))
        base += len(chars) + PART_GAP
    return runs


def cut(normalized: str) -> list[str]:
    """jieba's precise-mode pieces of normalised text, spaces and punctuation included:
    they join back into the text, so rules over words (text/entities/) keep offsets."""
    return list(segmenter().cut(normalized))


def words(pieces: Sequence[str]) -> list[str]:
    """The pieces that are words: spaces left out."""
    return [w for w in pieces if w.strip()]


def word_tokens(unit_words: Sequence[str]) -> Tokens:
    """jieba words (spaces already left out, `words`) at ordinal positions."""
    return [(list(unit_words), 0)]


_user_dict: Path | None = None
_cache_dir: Path | None = None


def configure(cache_dir: Path | None, user_dict: Path | None) -> None:
    """Set where jieba caches its prefix dict and which extra words it loads.

    Must run before the first segmentation in a process; later calls with the
    same values are free.
    """
    global _user_dict, _cache_dir
    if (cache_dir, user_dict) != (_cache_dir, _user_dict):
        _cache_dir, _user_dict = cache_dir, user_dict
        segmenter.cache_clear()


def _writable_dir(preferred: Path | None) -> str:
    for candidate in (preferred, Path(tempfile.gettempdir()) / "baoku"):
        if candidate is None:
            continue
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            probe = candidate / ".probe"
            probe.write_bytes(b"")
            probe.unlink()
            return str(candidate)
        except OSError:
            continue
    return tempfile.gettempdir()


@lru_cache(maxsize=1)
def segmenter() -> jieba.Tokenizer:
    """A private jieba tokenizer: silent, cached in a writable dir, with our words."""
    import jieba  # here, not at the top: importing jieba configures its logger

    # jieba logs "Building prefix dict..." at DEBUG and cache failures at ERROR
    # on its module logger; neither belongs in CLI output or JSON.
    jieba.setLogLevel(logging.CRITICAL)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = _writable_dir(_cache_dir)
    tokenizer.initialize()
    for path in (SHIPPED_DICT, _user_dict):
        if path is not None:
            with open(path, "rb") as handle:  # jieba leaves a path it opens unclosed
                tokenizer.load_userdict(handle)
    return tokenizer
