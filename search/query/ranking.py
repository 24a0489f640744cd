"""The ranking rules both engines follow, and the query parts they apply to.

Scores differ between engines (each computes BM25 its own way), but the
order of what a journalist notices is the same: an article whose title holds
every term comes first (the title tier), a unit where jieba cut the term as a
word beats one where it is only a substring, title and author matches weigh
more than body text, a match in the lead (the first paragraph) more than one further
down, and a unit holding all the terms at once beats terms scattered over the article.
"""

from __future__ import annotations

from search.query import language as ql

TITLE_BOOST = 4.0  # a term in the title (or a title: field)
AUTHOR_BOOST = 2.0  # an unfielded term in an author's name
WORD_BOOST = 1.5  # jieba cut the term as a word in the unit
TOGETHER_BOOST = 2.0  # a unit holds every top-level term
# A match in the lead (the first paragraph) weighs this much more than one further down:
# a news story says what it is about first, a background piece or a round-up mentions it
# later (bench/README.md, Relevance: +0.011 nDCG@10 on the tuned topics).
LEAD_BOOST = 3.0


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
