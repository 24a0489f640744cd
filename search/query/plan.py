"""A parsed query planned for the engines: filters hoisted, aliases widened, dates added.

The plan is made once, when a `SearchRequest` is built (query/request.py),
and every engine evaluates the same tree; the explanation and the chips read
the same plan, so what is stated is what was searched and nothing parses the
query text twice.

Filters restrict the whole query wherever they stand (docs/query.md): a
`date:`, `title:`, `author:`, `section:`, `person:`, `place:` or `org:` part,
negated or not, is taken out of the OR and AND it was typed in and ANDed with
everything else. Typed as `香港 OR 澳门 date:1998`, the date once bound to
澳门 alone and the search found 2,547 articles of every year; planned, it is
`(香港 OR 澳门) date:1998`, the 176 a journalist meant. A group of filters
only (`(date:1998 OR date:2008)`) is one filter and stays whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from search.query import language as ql
from search.query.aliases import expand
from search.query.ranking import top_level_texts
from search.text.analysis import normalize, squeeze

if TYPE_CHECKING:
    from search.query.request import SearchRequest


@dataclass(frozen=True, slots=True)
class Plan:
    """What one request searches for, made once."""

    # The query as typed with its filters hoisted and its terms widened to their aliases:
    # what the explanation and the chips state (query_text writes an alias group as typed).
    stated: ql.Node
    tree: ql.Node  # what engines evaluate: entity and date filters added, aliases widened
    terms: tuple[tuple[str, ...], ...]  # the top-level terms: title tier and togetherness
    needles: tuple[str, ...]  # the strings a hit marks and counts paragraphs by


def plan(request: SearchRequest) -> Plan:
    """The engines' tree for `request`: the parsed query with its filters hoisted, the
    request's entity filters, its terms widened to their aliases (unless `request.aliases`
    is off), each entity filter with its name as a term (`mentioned`), and the date range."""
    typed = hoisted(ql.parse(request.query))

    def widened(node: ql.Node) -> ql.Node:
        return expand(node, request.alias_table) if request.aliases else node

    tree = _with_dates(mentioned(widened(_with_entities(typed, request))), request)
    needles = tuple(ql.positive_texts(tree))
    return Plan(widened(typed), tree, tuple(top_level_texts(tree)), needles)


def is_filter(node: ql.Node) -> bool:
    """A part that restricts which articles qualify rather than naming what to find: a
    field, an entity, a date, NOT of one, or a group made of filters only."""
    if isinstance(node, ql.Text | ql.Alias):
        return node.field is not None
    if isinstance(node, ql.Entity | ql.DateRange):
        return True
    if isinstance(node, ql.Not):
        return is_filter(node.item)
    if isinstance(node, ql.And | ql.Or):
        return all(is_filter(item) for item in node.items)
    return False


def hoisted(node: ql.Node) -> ql.Node:
    """`node` with every filter taken out of the OR/AND it stands in and ANDed at the top,
    after the terms, in the order typed."""
    filters: list[ql.Node] = []
    rest = _without_filters(node, filters)
    if not filters:
        return node
    items = [] if rest is None else list(rest.items if isinstance(rest, ql.And) else (rest,))
    items += filters
    return items[0] if len(items) == 1 else ql.And(tuple(items))


def _without_filters(node: ql.Node, filters: list[ql.Node]) -> ql.Node | None:
    if is_filter(node):
        filters.append(node)
        return None
    if isinstance(node, ql.And | ql.Or):
        kept = [k for i in node.items if (k := _without_filters(i, filters)) is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else type(node)(tuple(kept))
    if isinstance(node, ql.Not):
        inner = _without_filters(node.item, filters)
        return None if inner is None else ql.Not(inner)
    return node


def _top(node: ql.Node) -> tuple[ql.Node, ...]:
    return node.items if isinstance(node, ql.And) else (node,)


def _with_dates(node: ql.Node, request: SearchRequest) -> ql.Node:
    """The query with the request's date range (`--from/--to`) as one more top-level AND item.

    Appended to the top-level AND, not wrapped around it: wrapped, the terms
    were no longer top-level, and a date range turned the title tier and the
    togetherness bonus off.
    """
    if not (request.date_from or request.date_to):
        return node
    return ql.And((*_top(node), ql.DateRange(request.date_from, request.date_to)))


def _with_entities(node: ql.Node, request: SearchRequest) -> ql.Node:
    """The query with the request's entity facet filters (`person=`…) as top-level items."""
    names = [(kind, squeeze(normalize(name))) for kind, name in request.entities()]
    asked = [ql.Entity(kind, (name,)) for kind, name in names if name]  # blank: no filter
    return ql.And((*_top(node), *asked)) if asked else node


def mentioned(node: ql.Node) -> ql.Node:
    """Each entity filter as what engines match: the name in the text (scored and marked,
    as a term with the filter's aliases) and the filter itself, both in the enclosing AND,
    so `person:江泽民` ranks, shows and title-tiers like 江泽民 among the articles that
    mention him. Engines evaluate an `Entity` as a filter only."""
    if isinstance(node, ql.Entity):
        return mentioned(ql.And((node,)))
    if isinstance(node, ql.And):
        items: list[ql.Node] = []
        for item in node.items:
            if isinstance(item, ql.Entity):
                text: ql.Node = ql.Text(item.typed, None, True)
                if len(item.names) > 1:
                    text = ql.Alias(item.typed, item.names[1:])
                items += [text, item]
            else:
                items.append(mentioned(item))
        return ql.And(tuple(items))
    if isinstance(node, ql.Or):
        return ql.Or(tuple(mentioned(i) for i in node.items))
    if isinstance(node, ql.Not):
        return ql.Not(mentioned(node.item))
    return node
