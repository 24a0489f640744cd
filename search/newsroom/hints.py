"""Help when a query finds little or nothing: 你是不是要找, and which part found nothing.

Chinese typing errors are mostly homophones: the input method offers every
character read `rong`, and 熔 is picked for 镕 (朱熔基). So a query term is
read as toneless pinyin (pypinyin), and so is every word and name of the
archive (`ArchiveReader.vocabulary`); a term typed in pinyin (`zhurongji`,
`zhu rong ji`, `xionganxinqu`) is split into syllables. A suggestion is a
sequence of the archive's words whose readings spell the term's syllables:
one word (朱镕基) or several (雄安 + 新区), with the confusions of southern
speech folded (zh/z, ch/c, sh/s, n/l, -ng/-n: 江泽明 -> 江泽民). Each is
checked by a real search and ranked by how many articles the corrected query
finds. Nothing is rewritten silently: the user gets links, the API a list.

When nothing is found, `not_found` says why: the typed term no article holds
(“朱熔基”在档案中没有出现), or, when every part finds articles alone, which part
to drop to find some (去掉“栏目为经济”有 12 篇).

The reading table costs seconds on a large archive (its whole term
dictionary), so it is built once per import (`ArchiveReader.updated`) and
kept per reader.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice
from typing import Any

from search.backends.base import ArchiveReader
from search.errors import QuerySyntaxError
from search.limits import FEW_HITS, SUGGESTED, TERMS_CORRECTED
from search.models import ENTITY_KINDS, SearchResult
from search.query import language as ql
from search.query.explain import ENTITY_WORDS, describe, parts, query_text
from search.query.request import SearchRequest

_WORD = re.compile(r"[\u3400-\u9fff]{2,8}")  # what can be suggested: a Chinese word or name
_PINYIN = re.compile(r"[a-z']+")
_LONGEST = 8  # syllables in one suggested word
_SPELLINGS = 16  # readings of one typed term tried (heteronyms, syllable splits)
_RANKED = 24  # candidates per term ranked by the archive's word frequencies
_CHECKED = 3  # of those, checked by a real search
_PATHS = 8  # partial runs of words kept per syllable
_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One correction: the whole query as it would be typed, and what it finds."""

    query: str
    typed: str  # the term replaced
    word: str  # what replaced it
    articles: int


@dataclass(frozen=True, slots=True)
class Hints:
    suggestions: tuple[Suggestion, ...] = ()
    not_found: tuple[str, ...] = ()  # sentences: which term or filter found nothing


NO_HINTS = Hints()


def search_with_hints(reader: ArchiveReader, request: SearchRequest) -> tuple[SearchResult, Hints]:
    """The search, and the help it needs: what the CLI, the API and the page all show."""
    result = reader.search(request)
    return result, hints(reader, request, result)


def hints(reader: ArchiveReader, request: SearchRequest, result: SearchResult) -> Hints:
    """Suggestions when `result` has at most FEW_HITS articles; reasons when it has none."""
    if result.total > FEW_HITS:
        return NO_HINTS
    counted = _Counter(reader, request)
    typed = list(_typed_terms(request.plan.stated))[:TERMS_CORRECTED]
    weak = [(at, term.text) for at, term in typed if counted.alone(query_text(term)) <= FEW_HITS]
    suggestions = _suggestions(reader, request, result.total, weak, counted) if weak else ()
    reasons = _not_found(request, counted) if result.total == 0 else ()
    return Hints(suggestions, reasons)


class _Counter:
    """Article counts of variants of one request: one term alone, the request without
    one part; each counted once (`ArchiveReader.count`: nothing ranked or built)."""

    def __init__(self, reader: ArchiveReader, request: SearchRequest) -> None:
        self.reader, self.request = reader, request
        self._seen: dict[SearchRequest, int] = {}

    def of(self, request: SearchRequest) -> int:
        asked = replace(request, group="article", sort="relevance", page=1, facets=False)
        if asked not in self._seen:
            self._seen[asked] = self.reader.count(asked)
        return self._seen[asked]

    def alone(self, query: str) -> int:
        """Articles `query` finds with no filter: is the term in the archive at all?"""
        unfiltered = ("date_from", "date_to", "section", "author", *ENTITY_KINDS)
        bare: dict[str, Any] = dict.fromkeys(unfiltered)
        return self.of(replace(self.request, query=query, imported_since=None, **bare))


# -- which terms to correct -------------------------------------------------------------


def _typed_terms(node: ql.Node) -> list[tuple[tuple[int, ...], ql.Text]]:
    """(positions among the top-level parts, the term to correct): each plain term, and
    each run of Latin terms joined into one (zhu rong ji is one name typed in pinyin)."""
    items = parts(node)
    found: list[tuple[tuple[int, ...], ql.Text]] = []
    run: list[int] = []

    def end_run() -> None:
        if len(run) > 1:
            joined = "".join(items[i].text for i in run)  # type: ignore[union-attr]
            found.append((tuple(run), ql.Text(joined, None, False, False)))
        elif run:
            found.append(((run[0],), items[run[0]]))  # type: ignore[arg-type]
        run.clear()

    for index, item in enumerate(items):
        plain = isinstance(item, ql.Text) and not item.field
        if plain and _PINYIN.fullmatch(item.text):  # type: ignore[union-attr]
            run.append(index)
            continue
        end_run()
        if plain:
            found.append(((index,), item))  # type: ignore[arg-type]
    end_run()
    return found


def _suggestions(
    reader: ArchiveReader,
    request: SearchRequest,
    total: int,
    weak: list[tuple[tuple[int, ...], str]],
    counted: _Counter,
) -> tuple[Suggestion, ...]:
    table = readings(reader)
    items = parts(request.plan.stated)
    found: dict[str, Suggestion] = {}
    for positions, typed in weak:
        near = table.candidates(typed)[:_RANKED]
        _, used = reader.word_frequencies([w for _, pieces in near for w in pieces])
        near.sort(key=lambda c: (c[0], -min(used.get(w, 0) for w in c[1]), c[1]))
        for word in ("".join(pieces) for _, pieces in near[:_CHECKED]):
            kept = [query_text(item) for i, item in enumerate(items) if i not in positions]
            query = " ".join([*kept[: positions[0]], word, *kept[positions[0] :]])
            articles = counted.of(replace(request, query=query))
            if articles > total and query not in found:
                found[query] = Suggestion(query, typed, word, articles)
    ranked = sorted(found.values(), key=lambda s: (-s.articles, s.query))
    return tuple(ranked[:SUGGESTED])


# -- readings ---------------------------------------------------------------------------


@cache
def _char_readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character, the commonest first; () if it has none."""
    from pypinyin import Style, pinyin  # imported on first use: 0.2 s a CLI start never pays

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(found[0])) if found else ()


def _word_reading(word: str) -> Key | None:
    """A word's reading: where a character has several, the reading of the longest
    phrase of pypinyin's phrase table it is in (重庆 chong qing, 重新部署 chong xin bu shu),
    else each character's commonest."""
    readings = [_char_readings(c) for c in word]
    if not all(readings):
        return None
    if all(len(r) == 1 for r in readings):
        return tuple(r[0] for r in readings)
    reading: list[str] = []
    start = 0
    while start < len(word):  # the longest phrase of the table at each place (重新|部署)
        for end in range(len(word), start + 1, -1):
            phrase = _phrases().get(word[start:end])
            if phrase and len(phrase) == end - start:
                reading += (options[0].translate(_TONELESS) for options in phrase)
                start = end
                break
        else:
            reading.append(readings[start][0])
            start += 1
    return tuple(reading)


@cache
def _phrases() -> dict[str, list[list[str]]]:
    from pypinyin.phrases_dict import phrases_dict

    return phrases_dict


# Tone marks off, as pypinyin's Style.NORMAL writes a reading (ü as v: 绿 lv).
_TONELESS = str.maketrans(
    {
        c: base
        for base, marked in (
            ("a", "āáǎà"),
            ("e", "ēéěè"),
            ("i", "īíǐì"),
            ("o", "ōóǒò"),
            ("u", "ūúǔù"),
            ("v", "ǖǘǚǜü"),
            ("n", "ńňǹ"),
            ("m", "ḿ"),
        )
        for c in marked
    }
)


def fold(syllable: str) -> str:
    """A syllable with the commonest confusions folded: zh/z, ch/c, sh/s, n/l, -ng/-n."""
    for loose, folded in _FOLDS:
        if syllable.startswith(loose):
            syllable = folded + syllable[len(loose) :]
            break
    return syllable[:-1] if syllable.endswith("ng") else syllable


class Readings:
    """The archive's words and names by folded reading, and the syllables they use."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.words: dict[Key, list[str]] = defaultdict(list)
        self.exact: dict[str, Key] = {}
        syllables: set[str] = set()
        for word in vocabulary:
            if not _WORD.fullmatch(word):
                continue
            reading = _word_reading(word)
            if reading is None:
                continue
            self.exact[word] = reading
            self.words[tuple(fold(s) for s in reading)].append(word)
            syllables.update(reading)
        self.syllables = frozenset(syllables)

    def candidates(self, typed: str) -> list[tuple[tuple[int, int, int], tuple[str, ...]]]:
        """(score, words) of the archive words or runs of them read like `typed`, best
        first: one word before several, the same reading before a folded one, then closest
        in characters (ties: `_suggestions` orders them by how often the archive uses them)."""
        scored: dict[tuple[str, ...], tuple[int, int, int]] = {}
        for spelling in self._spellings(typed):
            folded = tuple(fold(s) for s in spelling)
            for pieces in self._covers(folded):
                word = "".join(pieces)
                if word == typed:
                    continue
                read = tuple(s for piece in pieces for s in self.exact[piece])
                same = int(read != spelling)
                shared = sum(a == b for a, b in zip(word, typed, strict=False))
                score = (len(pieces), same, -shared)
                scored[pieces] = min(scored.get(pieces, score), score)
        return sorted((score, pieces) for pieces, score in scored.items())

    def _spellings(self, typed: str) -> list[Key]:
        """The syllables `typed` may stand for: each reading of its characters, or the
        ways its Latin letters split into syllables the archive uses."""
        if _PINYIN.fullmatch(typed):
            return list(islice(self._splits(typed.replace("'", "")), _SPELLINGS))
        readings = [_char_readings(c) for c in typed]
        if not _WORD.fullmatch(typed) or not all(readings):
            return []
        spellings: list[Key] = [()]
        for options in readings:
            spellings = [(*s, o) for s in spellings for o in options][:_SPELLINGS]
        return spellings

    def _splits(self, letters: str) -> Iterator[Key]:
        """Syllable splits of pinyin letters, longest syllables first (xian: xian, xi an)."""
        if not letters:
            yield ()
            return
        for end in range(min(6, len(letters)), 0, -1):
            head = letters[:end]
            if head in self.syllables:
                for rest in self._splits(letters[end:]):
                    yield (head, *rest)

    def _covers(self, folded: Key) -> Iterator[tuple[str, ...]]:
        """Sequences of archive words of two or more syllables spelling `folded`, fewest
        words first (a one-syllable word fits almost anything, so none is used)."""
        none: tuple[str, ...] = ()
        ends: list[list[tuple[str, ...]]] = [[none]] + [[] for _ in folded]
        for start in range(len(folded)):
            if not ends[start]:
                continue
            for end in range(start + 2, min(len(folded), start + _LONGEST) + 1):
                for word in self.words.get(folded[start:end], ()):
                    ends[end].extend((*p, word) for p in ends[start][:_PATHS])
        yield from sorted(ends[len(folded)], key=len)


_TABLES: dict[int, tuple[object, Readings]] = {}
_TABLES_LOCK = threading.Lock()


def readings(reader: ArchiveReader) -> Readings:
    """The reading table of the reader's archive as of its last import, built once."""
    updated = reader.updated()
    with _TABLES_LOCK:
        kept = _TABLES.get(id(reader))
        if kept is None or kept[0] != updated:
            kept = _TABLES[id(reader)] = (updated, Readings(reader.vocabulary()))
        return kept[1]


# -- why nothing was found --------------------------------------------------------------


def _not_found(request: SearchRequest, counted: _Counter) -> tuple[str, ...]:
    """Each typed term no article holds; else each part or filter whose removal finds
    articles, and how many."""
    stated = request.plan.stated
    missing = [
        f"“{item.text}”在档案中没有出现"
        for item in parts(stated)
        if isinstance(item, ql.Text) and not item.field and counted.alone(query_text(item)) == 0
    ]
    if missing:
        return tuple(missing)
    items = parts(stated)
    variants: list[tuple[str, dict[str, Any]]] = [
        (describe(item), {"query": " ".join(query_text(p) for p in items if p is not item)})
        for item in items
    ]
    variants += [
        (f"{label}{getattr(request, name)}", {name: None})
        for name, label in _FILTER_LABELS.items()
        if getattr(request, name)
    ]
    dropped = []
    for said, change in variants:
        try:
            articles = counted.of(replace(request, **change))
        except QuerySyntaxError:  # nothing left to search for without it
            continue
        if articles:
            dropped.append(f"去掉「{said}」有 {articles} 篇")
    return ("每一部分单独都有结果，但没有文章同时满足全部条件", *dropped)


_FILTER_LABELS = {
    "date_from": "起始日期 ",
    "date_to": "截止日期 ",
    "section": "栏目为",
    "author": "作者为",
    **{kind: f"提到{word}" for kind, word in ENTITY_WORDS.items()},
}
