"""The ranking rules both engines follow, and the query parts they apply to.

Scores differ between engines (each computes BM25 its own way), but the
order of what a journalist notices is the same: an article whose title holds
every term comes first (the title tier), a unit where jieba cut the term as a
word beats one where it is only a substring, title and author matches weigh
more than body text, and a unit holding all the terms at once beats terms
scattered over the article.
"""

from __future__ import annotations

from search.models import SearchRequest
from search.query import language as ql
from search.query.aliases import AliasTable, expand
from search.text.analysis import normalize, squeeze

TITLE_BOOST = 4.0  # a term in the title (or a title: field)
AUTHOR_BOOST = 2.0  # an unfielded term in an author's name
WORD_BOOST = 1.5  # jieba cut the term as a word in the unit
TOGETHER_BOOST = 2.0  # a unit holds every top-level term


def with_dates(node: ql.Node, request: SearchRequest) -> ql.Node:
    """The query with the request's date range (`--from/--to`) as one more top-level AND item.

    Appended to the top-level AND, not wrapped around it: wrapped, the terms
    were no longer top-level, and a date range turned the title tier and the
    togetherness bonus off.
    """
    if not (request.date_from or request.date_to):
        return node
    dates = ql.DateRange(request.date_from, request.date_to)
    items = node.items if isinstance(node, ql.And) else (node,)
    return ql.And((*items, dates))


def top_level_texts(node: ql.Node) -> list[tuple[str, ...]]:
    """The unfielded terms ANDed at the top, each as its names (one, or an `Alias`'s
    several): the title tier and togetherness count a term held under any of its names."""
    items = node.items if isinstance(node, ql.And) else (node,)
    found: list[tuple[str, ...]] = []
    for item in items:
        if isinstance(item, ql.Text) and item.field is None:
            found.append((item.text,))
        elif isinstance(item, ql.Alias) and item.field is None:
            found.append(item.texts)
    return found


def with_entities(node: ql.Node, request: SearchRequest) -> ql.Node:
    """The query with the request's entity facet filters (`person=`…) as top-level items."""
    names = [(kind, squeeze(normalize(name))) for kind, name in request.entities()]
    asked = [ql.Entity(kind, (name,)) for kind, name in names if name]  # blank: no filter
    if not asked:
        return node
    items = node.items if isinstance(node, ql.And) else (node,)
    return ql.And((*items, *asked))


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


def query_tree(request: SearchRequest, table: AliasTable) -> ql.Node:
    """What an engine evaluates for `request`: the parsed query with the entity filters,
    its terms widened to their aliases (unless `request.aliases` is off), each entity
    filter with its name as a term (`mentioned`), and the date range."""
    node = with_entities(ql.parse(request.query), request)
    if request.aliases:
        node = expand(node, table)
    return with_dates(mentioned(node), request)
