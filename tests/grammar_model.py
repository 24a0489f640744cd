"""The written grammar (docs/query.md) as a brute-force model, and random queries to test it.

Queries are generated as trees on this side (terms copied out of real articles,
phrases, OR, AND, NOT, parentheses), rendered into text the way people type
(operators in any case or width, Chinese separators between terms), and then
filters are dropped in at random positions of the text. What the grammar says
they mean is computed here from the tree, without the parser: the terms' tree
over every article by scanning its text, ANDed with every filter wherever it
was typed. An engine must return exactly that set.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st
from support import CORPUS_DIR

from search.ingest.jsonl import Line, read_jsonl
from search.models import Article
from search.text.analysed import analyse
from search.text.analysis import normalize, squeeze


def _norm(text: str) -> str:
    return squeeze(normalize(text))


@dataclass(frozen=True)
class Doc:
    """One article in the normalised forms matching is defined on."""

    id: str
    units: tuple[str, ...]  # the title parts and paragraphs: where a term or phrase may stand
    authors: tuple[str, ...]
    titles: tuple[str, ...]  # kicker, title, subtitle
    section: str
    date: datetime.date | None
    mentions: frozenset[tuple[str, str]]  # (kind, name)
    raw: tuple[str, ...]  # the title and paragraphs as written: what terms are copied from

    def holds(self, text: str) -> bool:
        return any(text in u for u in (*self.units, *self.authors))


def doc_of(article: Article) -> Doc:
    mentions = analyse(article).article.mentions
    titles = tuple(_norm(t) for t in article.title_parts())
    return Doc(
        id=article.id,
        units=(*titles, *(_norm(p.text) for p in article.paragraphs)),
        authors=tuple(_norm(a) for a in article.authors),
        titles=titles,
        section=_norm(article.section or ""),
        date=article.date,
        mentions=frozenset((m.kind, m.name) for m in mentions),
        raw=tuple(t for t in (article.title, *(p.text for p in article.paragraphs)) if t),
    )


def _lines(name: str, step: int, most: int) -> list[str]:
    with open(CORPUS_DIR / name, encoding="utf-8") as lines:
        return [line for n, line in enumerate(lines) if n % step == 0][:most]


# Every source: the 1998 paper (bylines, sections), broadcasts of 2012-2026, traditional text.
FIXTURE_LINES = (
    _lines("pd1998.jsonl", 25, 130)
    + _lines("xwlb.jsonl", 600, 60)
    + _lines("chinatimes_tw.jsonl", 5, 40)
)


def write_fixture(folder: Path) -> tuple[Path, list[Doc]]:
    """The fixture file, and its articles as the import reads them (ids, dates, sections)."""
    path = folder / "grammar.jsonl"
    path.write_text("".join(FIXTURE_LINES), "utf-8")
    found = [line.item for line in read_jsonl(path) if isinstance(line, Line)]
    return path, [doc_of(a) for a in found if isinstance(a, Article)]


# ---------------------------------------------------------------------------
# Test-side query trees: ("term", text, quoted) | ("and", items) | ("or", items) | ("not", item)

Tree = tuple


def matches(tree: Tree, doc: Doc) -> bool:
    kind = tree[0]
    if kind == "term":
        return doc.holds(_norm(tree[1]))
    if kind == "and":
        return all(matches(t, doc) for t in tree[1])
    if kind == "or":
        return any(matches(t, doc) for t in tree[1])
    if kind == "not":
        return not matches(tree[1], doc)
    return _filter_holds(tree, doc)


def _filter_holds(tree: Tree, doc: Doc) -> bool:
    kind, value = tree[0], tree[1]
    if kind == "date":
        start, end = value
        return doc.date is not None and start <= doc.date <= end
    if kind == "title":
        return any(_norm(value) in t for t in doc.titles)
    if kind == "author":
        return any(_norm(value) in a for a in doc.authors)
    if kind == "section":
        return _norm(value) in doc.section
    # person:/place:/org: the name in the text (ranked and marked as a term) and mentioned
    return ("person", _norm(value)) in doc.mentions and doc.holds(_norm(value))


_CJK_RUN = st.integers(1, 4)
_AND = [" ", "，", "、", " AND ", " and ", "\u3000", "；"]
_OR = [" OR ", " or ", " | ", " ＯＲ ", " Or "]


def _copied(draw: st.DrawFn, docs: list[Doc], quoted: bool) -> str:
    """1-4 characters out of an article: Chinese characters only when unquoted (so never
    syntax), anything but quotes when quoted."""
    doc = draw(st.sampled_from(docs))
    unit = draw(st.sampled_from(doc.raw))
    start = draw(st.integers(0, max(0, len(unit) - 1)))
    piece = unit[start : start + draw(_CJK_RUN)]
    if quoted:
        piece = piece.replace('"', "").replace("“", "").replace("”", "").replace("＂", "")
    else:
        piece = "".join(c for c in piece if "\u4e00" <= c <= "\u9fff")
    return piece if _norm(piece) else "港口"


def _term(draw: st.DrawFn, docs: list[Doc]) -> Tree:
    quoted = draw(st.booleans())
    return ("term", _copied(draw, docs, quoted), quoted)


def _conjunction(draw: st.DrawFn, docs: list[Doc], depth: int) -> Tree:
    items = [_unit(draw, docs, depth) for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        items.append(("not", _unit(draw, docs, depth)))
    return ("and", tuple(items))


def _unit(draw: st.DrawFn, docs: list[Doc], depth: int) -> Tree:
    if depth > 0 and draw(st.integers(0, 3)) == 0:
        return expression(draw, docs, depth - 1)
    return _term(draw, docs)


def expression(draw: st.DrawFn, docs: list[Doc], depth: int = 2) -> Tree:
    items = [_conjunction(draw, docs, depth) for _ in range(draw(st.integers(1, 3)))]
    return ("or", tuple(items))


def render(tree: Tree, draw: st.DrawFn) -> list[str]:
    """The tree as typed tokens (joined by nothing: separators are tokens of their own)."""
    kind = tree[0]
    if kind == "term":
        _, text, quoted = tree
        return [f'"{text}"' if quoted else text]
    if kind == "not":
        inner = render(tree[1], draw)
        simple = tree[1][0] == "term" and not tree[1][2]
        if simple and draw(st.booleans()):
            return ["-" + inner[0]]
        return ["NOT ", "(", *inner, ")"]
    joiners = _AND if kind == "and" else _OR
    tokens: list[str] = []
    for n, item in enumerate(tree[1]):
        if n:
            tokens.append(draw(st.sampled_from(joiners)))
        inner = render(item, draw)
        wrap = item[0] in ("and", "or") and len(item[1]) > 1
        tokens += ["(", *inner, ")"] if wrap else inner
    return tokens


def _filter(draw: st.DrawFn, docs: list[Doc]) -> tuple[Tree, str]:
    """A filter, negated or not, and how it is typed."""
    doc = draw(st.sampled_from(docs))
    kinds = ["date", "title"] + (["author"] if doc.authors else [])
    kinds += ["section"] if doc.section else []
    kinds += ["person"] if any(k == "person" for k, _ in doc.mentions) else []
    kind = draw(st.sampled_from(kinds))
    if kind == "date":
        year = draw(st.sampled_from([1998, 2012, 2016, 2020, 2024, 2025]))
        tree: Tree = ("date", (datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        typed = f"date:{year}"
    elif kind == "title":
        title = doc.raw[0]
        start = draw(st.integers(0, max(0, len(title) - 1)))
        value = "".join(c for c in title[start : start + 2] if "\u4e00" <= c <= "\u9fff") or "港"
        tree, typed = ("title", value), f"title:{value}"
    elif kind == "author":
        value = sorted(doc.authors)[0]
        tree, typed = ("author", value), f'author:"{value}"'
    elif kind == "section":
        tree, typed = ("section", doc.section), f'section:"{doc.section}"'
    else:
        value = sorted(n for k, n in doc.mentions if k == "person")[0]
        tree, typed = ("person", value), f"person:{value}"
    if draw(st.booleans()):
        return ("not", tree), draw(st.sampled_from(["-", "NOT "])) + typed
    return tree, typed


@st.composite
def query_case(draw: st.DrawFn, docs: list[Doc]) -> tuple[str, Tree, tuple[Tree, ...]]:
    """(typed query, its terms' tree, its filters): filters dropped between any two tokens
    (never between NOT and what it negates)."""
    tree = expression(draw, docs)
    tokens = render(tree, draw)
    filters = []
    for _ in range(draw(st.integers(0, 3))):
        found, typed = _filter(draw, docs)
        allowed = [i for i in range(len(tokens) + 1) if i == 0 or tokens[i - 1] != "NOT "]
        at = draw(st.sampled_from(allowed))
        tokens[at:at] = [" ", typed, " "]
        filters.append(found)
    return "".join(tokens), tree, tuple(filters)


def expected(docs: list[Doc], tree: Tree, filters: tuple[Tree, ...]) -> set[str]:
    return {d.id for d in docs if matches(tree, d) and all(matches(f, d) for f in filters)}
