"""The ranking rules both engines follow, and the query parts they apply to.

Scores differ between engines (each computes BM25 its own way), but the
order of what a journalist notices is the same: an article whose title holds
every term comes first (the title tier), a unit where jieba cut the term as a
word beats one where it is only a substring, title and author matches weigh
more than body text, and a unit holding all the terms at once beats terms
scattered over the article.
"""

from __future__ import annotations

from search import querylang as ql
from search.aliases import AliasTable, expand
from search.models import SearchRequest

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


def query_tree(request: SearchRequest, table: AliasTable) -> ql.Node:
    """What an engine evaluates for `request`: the parsed query, its terms widened to their
    aliases (unless `request.aliases` is off), and the date range."""
    node = ql.parse(request.query)
    if request.aliases:
        node = expand(node, table)
    return with_dates(node, request)
