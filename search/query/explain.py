"""The query stated back in plain Chinese, its parts as removable chips, and 在结果中检索.

A journalist who typed `鄭州 環衛 -新密 date:2024-01..2024-03` reads back
包含“郑州”并且包含“环卫”，不包含“新密”；2024-01-01 至 2024-03-31；繁体已归一, and sees
each part and filter as a chip that removes it. All of it is built from the
parsed query (`query/language.py`), so what is stated is what was searched.

`query_text` writes a syntax tree back as query text (`parse(query_text(n))`
gives `n` again), which is how a chip removes one part and how a refinement
is added to the query in the box.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from search.query import language as ql
from search.query.request import SearchRequest
from search.text.analysis import normalize

_FIELD_WORDS = {None: "包含", "title": "标题包含", "author": "作者包含", "section": "栏目包含"}
ENTITY_WORDS = {"person": "人物", "place": "地点", "org": "机构"}  # what the page calls each kind
_FIELD_PREFIXES = re.compile(rf"\b{ql.FIELD_PREFIX}")
_NEEDS_QUOTES = re.compile(r'[\s()"：:,，、;；*|]|^-|^(?:OR|AND|NOT)$', re.IGNORECASE)
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


def query_text(node: ql.Node) -> str:
    """Query text for a syntax tree: terms, "phrases", fields, ~N, OR, NOT, date:."""
    if isinstance(node, ql.Text | ql.Alias):  # an alias group is written as it was typed
        text = node.text if isinstance(node, ql.Text) else node.typed
        quoted = node.literal if isinstance(node, ql.Text) else False
        text = f'"{text}"' if quoted or _NEEDS_QUOTES.search(text) else text
        return f"{node.field}:{text}" if node.field else text
    if isinstance(node, ql.Entity):  # written as typed: the aliases are added again
        text = node.typed
        text = f'"{text}"' if node.literal or _NEEDS_QUOTES.search(text) else text
        return f"{node.kind}:{text}"
    if isinstance(node, ql.Near):
        return f'"{node.first} {node.second}"~{node.distance}'
    if isinstance(node, ql.DateRange):
        start = node.start.isoformat() if node.start else ""
        end = node.end.isoformat() if node.end else ""
        return f"date:{start}..{end}"
    if isinstance(node, ql.Not):
        inner = query_text(node.item)
        if (
            isinstance(node.item, ql.Text | ql.Alias)
            and not inner.startswith('"')
            and not (node.item.field)
        ):
            return f"-{inner}"  # a bare word: -新密
        simple = isinstance(node.item, ql.Text | ql.Near | ql.Entity)
        return f"NOT {inner}" if simple else f"NOT ({inner})"
    if isinstance(node, ql.Or):
        return "(" + " OR ".join(query_text(i) for i in node.items) + ")"
    return " ".join(
        f"({query_text(i)})" if isinstance(i, ql.And) else query_text(i) for i in node.items
    )


def parts(node: ql.Node) -> tuple[ql.Node, ...]:
    """The top-level parts a result must satisfy all of."""
    return node.items if isinstance(node, ql.And) else (node,)


def without(node: ql.Node, index: int) -> str:
    """The query text with its `index`-th top-level part removed ("" for none left)."""
    rest = [p for n, p in enumerate(parts(node)) if n != index]
    return query_text(ql.And(tuple(rest))) if rest else ""


def refined(query: str, within: str) -> str:
    """`query` narrowed by `within` (在结果中检索): both must hold. Typed text is kept
    as typed when plain concatenation already means that; otherwise each side is
    parenthesised (`a OR b` narrowed by `c` is `(a OR b) (c)`: the implicit AND binds
    tighter than OR)."""
    if not within.strip():
        return query
    if not query.strip():
        return within
    plain = f"{query} {within}"
    wanted = ql.parse(f"({query}) ({within})")
    return plain if ql.parse(plain) == wanted else f"({query}) ({within})"


def describe(node: ql.Node) -> str:
    """One part in words: 包含“郑州”, 标题包含“环卫”, “郑州”与“公用”相距不超过5字, 不包含“新密”."""
    if isinstance(node, ql.Text):
        starred = f"（“{node.text}*”即“{node.text}”：子串匹配已包括以它开头的词）"
        return f"{_FIELD_WORDS[node.field]}“{node.text}”{starred if node.starred else ''}"
    if isinstance(node, ql.Alias):
        others = "”或“".join(node.others)
        return f"{_FIELD_WORDS[node.field]}“{node.typed}”（或其别名“{others}”）"
    if isinstance(node, ql.Entity):
        others = "”或“".join(node.names[1:])
        named = f"（或其别名“{others}”）" if others else ""
        return f"提到{ENTITY_WORDS[node.kind]}“{node.typed}”{named}"
    if isinstance(node, ql.Near):
        return f"“{node.first}”与“{node.second}”相距不超过{node.distance}字"
    if isinstance(node, ql.DateRange):
        return _date_words(node.start, node.end)
    if isinstance(node, ql.Not):
        inner = describe(node.item)
        if isinstance(node.item, ql.Text | ql.Alias) and node.item.field:
            return inner.replace("包含", "不包含", 1)  # 作者不包含“x”, not 不作者包含
        plain = isinstance(node.item, ql.Text | ql.Alias | ql.Entity)
        return "不" + inner if plain else f"不满足（{inner}）"
    if isinstance(node, ql.Or):
        return "（" + "或".join(describe(i) for i in node.items) + "）"
    return "（" + "并且".join(describe(i) for i in node.items) + "）"


def _date_words(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end:
        return f"日期 {start.isoformat()} 至 {end.isoformat()}"
    if start:
        return f"日期 {start.isoformat()} 起"
    return f"日期 {end.isoformat()} 止" if end else ""


def explain(request: SearchRequest) -> str:
    """The request in plain Chinese, from its plan: what must be there (a term's aliases
    named), what must not, the filters wherever they were typed, and how the typed text
    was normalised."""
    node = request.plan.stated
    wanted = [p for p in parts(node) if not isinstance(p, ql.Not | ql.DateRange)]
    unwanted = [p for p in parts(node) if isinstance(p, ql.Not)]
    sentence = "并且".join(describe(p) for p in wanted)
    if unwanted:
        sentence += "，" + "，".join(describe(p) for p in unwanted)
    clauses = [sentence]
    clauses += [describe(p) for p in parts(node) if isinstance(p, ql.DateRange)]
    if request.date_from or request.date_to:
        clauses.append(_date_words(request.date_from, request.date_to))
    if request.section:
        clauses.append(f"栏目为“{request.section}”")
    if request.author:
        clauses.append(f"作者为“{request.author}”")
    for kind, name in request.entities():
        clauses.append(f"提到{ENTITY_WORDS[kind]}“{name}”")
    if request.imported_since:
        clauses.append(f"{request.imported_since.isoformat(timespec='seconds')} 以后导入")
    folded = normalised_kinds(request.query)
    if folded:
        clauses.append("、".join(folded) + "已归一")
    return "；".join(clauses)


def normalised_kinds(typed: str) -> list[str]:
    """What normalisation changed in the typed text: 繁体 (to simplified), 全角 (to
    half-width), 大写 (to lower case); the quote, colon and bracket an IME types are
    syntax, not text, and are not counted."""
    kinds = []
    words = (w for w in typed.split() if normalize(w) not in ql.OPERATORS)  # or, ＯＲ: syntax
    typed = _FIELD_PREFIXES.sub(" ", " ".join(words))
    if any(_FULL_WIDTH.match(c) and c not in "：（）＂" for c in typed):
        kinds.append("全角")
    if any(c.isascii() and c.isupper() for c in typed):
        kinds.append("大写")
    if any(normalize(c) != c and not c.isascii() and not _FULL_WIDTH.match(c) for c in typed):
        kinds.append("繁体")
    return kinds


@dataclass(frozen=True, slots=True)
class Chip:
    """One removable part of a search: its words, and the parameters without it."""

    label: str
    params: dict[str, str]


def chips(request: SearchRequest, params: dict[str, str]) -> list[Chip]:
    """A chip per top-level query part and per filter (from, to, section, author, person,
    place, org)."""
    node = request.plan.stated
    found = []
    for index, part in enumerate(parts(node)):
        rest = without(node, index)
        found.append(Chip(describe(part), {**params, "q": rest} if rest else {}))
    labels = {"from": "起始日期", "to": "截止日期", "section": "栏目", "author": "作者"}
    labels |= ENTITY_WORDS
    for key, label in labels.items():
        if params.get(key):
            found.append(
                Chip(f"{label}：{params[key]}", {k: v for k, v in params.items() if k != key})
            )
    return found
