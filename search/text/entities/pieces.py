"""One article's jieba pieces and what the passes share: which pieces each pass may look
at (`kinds`), which are spoken for (`taken`), and what was found.

Each pass (orgs.py, people.py, places.py) visits only the `marked` pieces: a Python
call per piece would cost more than jieba's cut.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, compress

from search.text.entities import credits
from search.text.entities.lexicon import Lexicon

# Bits of a piece's kind: the passes it is a candidate for.
HEAD, PERSON, ANCHOR, DOT, PLACE, ORG_END = 1, 2, 4, 8, 16, 32

_HAN = re.compile(r"[\u3400-\u9fff]+")


def is_han(piece: str) -> bool:
    return _HAN.fullmatch(piece) is not None


@dataclass
class Found:
    orgs: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    people: Counter[str] = field(default_factory=Counter)
    vouched: set[str] = field(default_factory=set)  # people with a strong form or a cue


class Pieces:
    """An article's pieces, each unit ended by a "\\n" piece; their offsets, which passes
    each may serve (`kinds`), and which are spoken for (`taken`): credits and
    datelines from the start, so bylines and dateline places are no mentions."""

    def __init__(self, pieces: Sequence[str], lex: Lexicon, kinds: Mapping[str, int]) -> None:
        self.pieces = pieces
        self.lex = lex
        self.found = Found()
        self.text = "".join(pieces)
        self.kinds = list(map(kinds.__getitem__, pieces))
        self.marked = list(compress(range(len(pieces)), self.kinds))
        self.taken = [False] * len(pieces)
        for start, end in credits.spans(self.text):
            self.take(start, end)

    @cached_property
    def starts(self) -> list[int]:
        """Each piece's offset in the text, and the text's length."""
        return [0, *accumulate(map(len, self.pieces))]

    def take(self, start: int, end: int) -> None:
        """Mark the pieces that start inside text[start:end] taken."""
        first = bisect_left(self.starts, start)
        for i in range(first, min(bisect_left(self.starts, end, first), len(self.pieces))):
            self.taken[i] = True

    def take_pieces(self, first: int, end: int) -> None:
        for i in range(first, end):
            self.taken[i] = True

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.pieces) and not self.taken[i]
