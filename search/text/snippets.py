"""Snippets: find the query's strings in a paragraph, pick a window, mark it up.

Matching runs on `normalize(text)`, which has the same length as `text`, so
every offset found is an offset into the archive's own characters: a
traditional or full-width paragraph is shown as printed, with the marks in
the right place. Whitespace is skipped as it is in the index. Only the two
renderers add markup; `to_html` escapes everything else.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from html import escape

from search.models import Snippet
from search.text.analysis import normalize

WINDOW = 120
SLACK = 24  # how far a window edge may move to land on punctuation
_SPACES = re.compile(r"\s+")
_BREAKS = set("。！？!?；;，,、：:")

Occurrence = tuple[int, int, int]  # start, end, which needle


def find(text: str, needles: Sequence[str]) -> list[Occurrence]:
    """Every occurrence (overlapping too) of each normalised needle in `text`.

    Needles are matched in the text with whitespace removed, as indexed;
    offsets are mapped back past the removed runs only for what is found
    (a per-character offset list made this the slowest part of a search).
    """
    normalized = normalize(text)
    runs = [(m.start(), m.end()) for m in _SPACES.finditer(normalized)]
    squeezed = _SPACES.sub("", normalized) if runs else normalized
    run_starts, shifts = [], [0]  # a run's start in squeezed text; removed so far
    for start, end in runs:
        run_starts.append(start - shifts[-1])
        shifts.append(shifts[-1] + end - start)

    def original(i: int) -> int:
        return i + shifts[bisect_right(run_starts, i)]

    found = []
    for which, needle in enumerate(needles):
        if not needle:
            continue
        start = squeezed.find(needle)
        while start >= 0:
            found.append((original(start), original(start + len(needle) - 1) + 1, which))
            start = squeezed.find(needle, start + 1)
    return sorted(found)


def score(occurrences: list[Occurrence]) -> tuple[int, int]:
    """How well a paragraph shows the query: distinct needles first, then count."""
    return len({o[2] for o in occurrences}), len(occurrences)


def make_snippet(text: str, needles: Sequence[str], width: int = WINDOW) -> Snippet:
    occurrences = find(text, needles)
    start, end = _window(text, occurrences, width)
    marks = _merge(
        (max(s, start) - start, min(e, end) - start)
        for s, e, _ in occurrences
        if s < end and e > start
    )
    return Snippet(text[start:end], tuple(marks), start > 0, end < len(text))


def _window(text: str, occurrences: list[Occurrence], width: int) -> tuple[int, int]:
    if len(text) <= width + SLACK:
        return 0, len(text)
    best = 0
    if occurrences:
        lead = width // 5

        def coverage(first: int) -> tuple[int, int]:
            inside = [
                o for o in occurrences if o[0] >= first - lead and o[1] <= first - lead + width
            ]
            return score(inside)

        best = max((o[0] for o in occurrences), key=coverage) - lead
    start = max(0, min(best, len(text) - width))
    end = start + width
    if start > 0:
        cut = next(
            (i for i in range(start, max(0, start - SLACK), -1) if text[i - 1] in _BREAKS), None
        )
        start = cut if cut is not None else start
    if end < len(text):
        stop = min(len(text), end + SLACK)
        cut = next((i for i in range(end, stop + 1) if text[i - 1] in _BREAKS), None)
        end = cut if cut is not None else end
    return start, end


def _merge(spans: object) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):  # type: ignore[call-overload]
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def render(snippet: Snippet, plain: Callable[[str], str], marked: Callable[[str], str]) -> str:
    """The snippet's text through `plain`, its marks through `marked`, … where it was cut.

    Renderers supply the markup: `to_html` here, terminal colours in cli.py.
    """
    parts = ["…"] if snippet.cut_before else []
    pos = 0
    for s, e in snippet.marks:
        parts += [plain(snippet.text[pos:s]), marked(snippet.text[s:e])]
        pos = e
    parts.append(plain(snippet.text[pos:]))
    if snippet.cut_after:
        parts.append("…")
    return "".join(parts)


def to_html(snippet: Snippet) -> str:
    """Escaped archive text; `<mark>` is the only markup."""
    return render(snippet, escape, lambda s: f"<mark>{escape(s)}</mark>")


def mark_all(text: str, needles: Sequence[str]) -> Snippet:
    """A whole paragraph with every occurrence marked (the article view, `baoku article`)."""
    return Snippet(text, tuple(_merge((s, e) for s, e, _ in find(text, needles))))


def mark_all_html(text: str, needles: Sequence[str]) -> str:
    """A whole paragraph, escaped, every occurrence marked."""
    return to_html(mark_all(text, needles))
