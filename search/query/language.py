"""The query language, parsed into a small syntax tree (no Whoosh here).

    郑好融 47.6亿元          terms: each must occur (AND), as a substring
    "稳中向好 稳中有升"       phrase: occurs as written inside one paragraph or the title
    "郑州 公用"~5            both within 5 characters of each other in one paragraph
    郑州 OR 新郑  (a OR b) c  the implicit AND binds tighter: a b OR c is (a b) OR c
    NOT 新密  -新密           exclusion (also of a field: -org:国务院)
    香港 or 澳门  香港 ＯＲ 澳门  operators in any case or width; the English word: "or"
    朱镕基，金融  朱镕基、金融  a list separator between terms is a space
    国企*                    a prefix: the same as 国企 (every match is a substring)
    title:郑州 author:张立 section:"经济工作"   fields
    person:江泽民 place:深圳 org:国务院       articles that mention them (text/entities/)
    date:2024-01..2024-03 date:2024 date:..1998-01-15
                             filters (fields, entities, dates) restrict the whole query
                             wherever they stand (query/plan.py); docs/query.md: the grammar

Lenient where a journalist's typing is merely untidy: an unclosed quote runs
to the end, unbalanced parentheses are closed or dropped, dangling operators
are ignored. Strict where guessing would mislead: a field with no value, a bad
date, or a query with nothing to search for is a `QuerySyntaxError`.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import re
from dataclasses import dataclass
from typing import cast

from search.errors import BadParameter, BaokuError, QuerySyntaxError
from search.limits import NEAR_DISTANCE, QUERY_CHARS, QUERY_NESTING, QUERY_TERMS
from search.models import ENTITY_KINDS
from search.text.analysis import normalize, squeeze

TEXT_FIELDS = ("title", "author", "section")
ENTITY_FIELDS: tuple[str, ...] = ENTITY_KINDS  # person: place: org:
FIELDS = (*TEXT_FIELDS, *ENTITY_FIELDS, "date")  # every `name:` the language knows
FIELD_PREFIX = "(?:" + "|".join(FIELDS) + "):"  # one of them, colon included (a regex)


@dataclass(frozen=True, slots=True)
class Text:
    """A string that must occur as written (normalised, spaces ignored)."""

    text: str  # normalised, whitespace removed
    field: str | None = None  # None: title, paragraphs or authors
    # Typed in quotes: taken as written, never widened by aliases. Not part of equality:
    # the same string is the same search whether it was quoted or not.
    literal: bool = dataclasses.field(default=False, compare=False)
    # Typed with a `*` (国企*): matching is by substring, so a prefix is the term itself;
    # kept so the explanation can say so.
    starred: bool = dataclasses.field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Alias:
    """A term with other names (aliases.py): any of them matches, ranked as the typed one.

    Never produced by `parse`; `aliases.expand` makes it from a `Text`."""

    typed: str
    others: tuple[str, ...]
    field: str | None = None

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.typed, *self.others)


@dataclass(frozen=True, slots=True)
class Entity:
    """`person:江泽民`: articles whose extracted people (places, organisations) include
    any of `names`: the typed name first, then its aliases (`aliases.expand`)."""

    kind: str  # one of ENTITY_FIELDS
    names: tuple[str, ...]
    literal: bool = dataclasses.field(default=False, compare=False)  # typed in quotes

    @property
    def typed(self) -> str:
        return self.names[0]


@dataclass(frozen=True, slots=True)
class Near:
    first: str
    second: str
    distance: int  # at most this many characters between them


@dataclass(frozen=True, slots=True)
class DateRange:
    start: datetime.date | None
    end: datetime.date | None


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Text | Alias | Entity | Near | DateRange | And | Or | Not

_TOKEN = re.compile(
    rf"""\s*(?:
      (?P<lpar>\() | (?P<rpar>\)) |
      (?P<minus>-(?={FIELD_PREFIX}|"))?
      (?P<field>{FIELD_PREFIX})?
      (?:"(?P<phrase>[^"]*)(?:"|$)(?:~(?P<slop>\d+))? | (?P<word>[^\s()"]+))
      | (?P<stray>")
    )""",
    re.VERBOSE,
)


# Between terms, a Chinese list separator is a space: 朱镕基，金融 and 朱镕基、金融 mean
# 朱镕基 金融 (a comma once became part of the term, which then matched nothing). A
# half-width comma too, except inside a number (1,000).
_SEPARATORS = re.compile(r"[，、；;\u3000]|,(?!\d)|(?<!\d),")
_IME = str.maketrans({"“": '"', "”": '"', "＂": '"', "（": "(", "）": ")", "：": ":"})
_IME_OPERATORS = str.maketrans({"－": "-", "｜": "|", "＊": "*"})
OPERATORS = {"or": "OR", "and": "AND", "not": "NOT", "|": "OR"}  # normalised word -> operator


def _clean(raw: str) -> str:
    """The query with what a Chinese IME types (full-width quotes, colons, parentheses,
    minus, bar, star) as syntax, and separators outside quotes as spaces."""
    parts = raw.translate(_IME).split('"')
    for i in range(0, len(parts), 2):  # outside quotes: a quoted comma is text
        parts[i] = _SEPARATORS.sub(" ", parts[i].translate(_IME_OPERATORS))
    return '"'.join(parts)


def parse(raw: str) -> Node:
    """The syntax tree of a user's query; `QuerySyntaxError` with one clear message."""
    if len(raw) > QUERY_CHARS:
        raise QuerySyntaxError(f"query is too long ({len(raw)} characters; at most {QUERY_CHARS})")
    tokens = _tokens(_clean(raw))
    parser = _Parser(tokens)
    node = parser.expression()
    if node is None and any(kind == "op" for kind, _ in tokens):
        raise QuerySyntaxError(
            'OR, AND and NOT are operators; to search for the word, quote it: "or"'
        )
    if node is None:
        raise QuerySyntaxError('empty query: type a word, a name, a number or a "phrase"')
    if not _has_positive_text(node):
        raise QuerySyntaxError(
            "the query needs at least one term to search for, not only NOT or date:"
        )
    if parser.text_count > QUERY_TERMS:
        raise QuerySyntaxError(f"too many terms ({parser.text_count}; at most {QUERY_TERMS})")
    return node


def _tokens(raw: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    pos = 0
    while pos < len(raw):
        match = _TOKEN.match(raw, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
        if match["lpar"] or match["rpar"]:
            tokens.append(("lpar" if match["lpar"] else "rpar", None))
        elif match["stray"]:
            continue
        elif match["phrase"] is not None or match["word"] is not None:
            field = match["field"][:-1] if match["field"] else None
            word = match["word"]
            if field is None and word and word.rstrip(":") in FIELDS and word.endswith(":"):
                example = _EXAMPLES.get(word, "郑州")
                raise QuerySyntaxError(f"{word} needs a value, e.g. {word}{example}")
            if field is None and word and (operator := OPERATORS.get(normalize(word))):
                # or/Or/ＯＲ as typed: a search for the English word is written "or"
                tokens.append(("op", operator))
            elif field is None and word and word.startswith("-") and len(word) > 1:
                tokens += [("op", "NOT"), ("text", (None, word[1:], None, False))]
            else:
                if match["minus"]:  # -org:国务院, -author:"许宏治", -"稳中向好" are NOT …
                    tokens.append(("op", "NOT"))
                quoted = match["phrase"] is not None
                value = match["phrase"] if quoted else word
                slop = min(int(match["slop"]), NEAR_DISTANCE) if match["slop"] else None
                tokens.append(("text", (field, value, slop, quoted)))
    return tokens


_EXAMPLES = {"date:": "2024-01..2024-03", "person:": "江泽民", "place:": "深圳", "org:": "国务院"}


class _Parser:
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary+."""

    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.text_count = 0

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self) -> Node | None:
        items = []
        while True:
            item = self.conjunction()
            if item is not None:
                items.append(item)
            token = self.peek()
            if token == ("op", "OR"):
                self.pos += 1
                continue
            if token is not None and token[0] == "rpar" and self.depth == 0:
                self.pos += 1  # a stray ")" is dropped
                continue
            break
        return _combine(Or, items)

    def conjunction(self) -> Node | None:
        items = []
        while (token := self.peek()) is not None:
            kind, value = token
            if kind == "rpar" or token == ("op", "OR"):
                break
            if token == ("op", "AND"):
                self.pos += 1
                continue
            item = self.unary()
            if item is not None:
                items.append(item)
        return _combine(And, items)

    def unary(self) -> Node | None:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if (kind, value) == ("op", "NOT"):
            nxt = self.peek()
            if nxt is None or nxt[0] == "rpar" or nxt == ("op", "OR"):
                return None  # dangling NOT
            item = self.unary()
            return Not(item) if item is not None else None
        if kind == "lpar":
            if self.depth >= QUERY_NESTING:
                raise QuerySyntaxError(
                    f"parentheses are nested too deeply (at most {QUERY_NESTING} levels)"
                )
            self.depth += 1
            inner = self.expression()
            self.depth -= 1
            closing = self.peek()
            if closing is not None and closing[0] == "rpar":
                self.pos += 1
            return inner
        if kind == "text":
            field, raw, slop, quoted = cast(tuple[str | None, str, int | None, bool], value)
            return self.text(field, raw, slop, quoted)
        return None  # a lone AND/OR where a term was expected

    def text(self, field: str | None, raw: str, slop: int | None, quoted: bool) -> Node | None:
        if field == "date":
            return _date_range(raw)
        if slop is not None:
            parts = [squeeze(normalize(p)) for p in raw.split()]
            parts = [p for p in parts if p]
            if len(parts) == 2:
                self.text_count += 2
                return Near(parts[0], parts[1], slop)
        text = squeeze(normalize(raw))
        starred = not quoted and field not in ENTITY_FIELDS and text != text.strip("*")
        if starred:
            text = text.strip("*")
        if not text:
            return None
        self.text_count += 1
        if field in ENTITY_FIELDS:
            return Entity(field, (text,), quoted)
        return Text(text, field, quoted, starred)


def _combine(kind: type[And] | type[Or], items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else kind(tuple(items))


def _has_positive_text(node: Node) -> bool:
    if isinstance(node, Text | Alias | Entity | Near):
        return True
    if isinstance(node, And):
        return any(_has_positive_text(i) for i in node.items)
    if isinstance(node, Or):
        return all(_has_positive_text(i) for i in node.items)
    return False


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_date(
    text: str,
    end: bool = False,
    name: str = "date",
    error: type[BaokuError] = BadParameter,
) -> datetime.date:
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first (or, with `end`, last) day.

    The one date parser: `date:` in a query (a `QuerySyntaxError`), and the
    CLI's `--from/--to` and the API's `from`/`to` (a `BadParameter` naming
    the option), so `--to 2024-03` and `date:..2024-03` mean the same day.
    """
    match = _DATE.match(text.strip())
    if not match:
        raise error(f"{name}: bad date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    try:
        if match[3]:
            return datetime.date(year, month, int(match[3]))
        day = calendar.monthrange(year, month)[1] if end else 1
        return datetime.date(year, month, day)
    except ValueError as exc:  # day 31 of a 30-day month, month 13 (IllegalMonthError)
        raise error(f"{name}: bad date {text!r} ({exc})") from None


def _date_range(raw: str) -> DateRange:
    if ".." in raw:
        first, _, last = raw.partition("..")
    else:
        first = last = raw
    start = parse_date(first, error=QuerySyntaxError) if first.strip() else None
    end = parse_date(last, end=True, error=QuerySyntaxError) if last.strip() else None
    if start is None and end is None:
        raise QuerySyntaxError("date: needs a date or range, e.g. date:2024-01..2024-03")
    if start and end and start > end:
        raise QuerySyntaxError(f"date range {raw!r} ends before it starts")
    return DateRange(start, end)


def highlight_texts(query: str) -> list[str]:
    """The strings an article view marks for `query` (none for a blank one)."""
    return positive_texts(parse(query)) if query.strip() else []


def positive_texts(node: Node) -> list[str]:
    """The strings a match must show (for highlights and paragraph counts), in query order."""
    if isinstance(node, Text):
        return [node.text] if node.field in (None, "title") else []
    if isinstance(node, Alias):
        return list(node.texts)
    if isinstance(node, Entity):
        return list(node.names)
    if isinstance(node, Near):
        return [node.first, node.second]
    if isinstance(node, And | Or):
        return list(dict.fromkeys(t for item in node.items for t in positive_texts(item)))
    return []
