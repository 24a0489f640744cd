"""An article's engine-neutral document -> bulk actions: the parent and one child per unit.

Runs in the import's worker processes (jieba is the slow part), so the
sources are serialised to JSON there: opensearch-py's bulk helper sends a
string `_source` as it is. What the documents hold is decided once for both
engines (`text.document.build_document`: normalised strings, jieba's words,
the names kept as keys), so both index the same strings; this module only
lays it out as the mapping's fields (mapping.py) and ids.

Document ids are the article id (parent) and `<article id>\\x1f<unit>`
(children): re-sending an article overwrites its documents instead of adding
copies, so an import re-run after a crash never duplicates one. `_id` is at
most 512 bytes, so a longer id (or one with a control character, which could
fake the separator) is replaced by a hash; lookups go by the `article_id`
field, never by `_id`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from search.backends.hits import stored_article
from search.backends.opensearch.mapping import ARTICLE, ENTITY_FIELDS, JOIN, UNIT
from search.limits import QUERY_CHARS
from search.models import Article
from search.text.document import ArticleDocument, UnitDocument, build_document

_SEPARATOR = "\x1f"
_ID_BYTES = 256


def base_id(article_id: str) -> str:
    """The article's `_id` and routing value."""
    if len(article_id.encode("utf-8")) <= _ID_BYTES and article_id.isprintable():
        return article_id
    # Starts with the separator, which a kept id never holds: no collision.
    return _SEPARATOR + hashlib.sha256(article_id.encode("utf-8")).hexdigest()


def _words(unit: UnitDocument) -> list[str]:
    """Distinct jieba words of a unit (a keyword field counts each once anyway).

    A word longer than a query can be never equals one, and would only risk
    Lucene's term-size limit.
    """
    return list(dict.fromkeys(w for w in unit.words if len(w) <= QUERY_CHARS))


def actions(document: ArticleDocument, index: str) -> list[dict[str, Any]]:
    """The bulk `index` actions of one article: its parent first, then its units."""
    article = document.article
    base = base_id(article.id)
    common: dict[str, Any] = {"article_id": article.id, "origin": article.origin}
    if document.date:
        common["date"] = document.date
    title = list(document.title)
    parent: dict[str, Any] = {
        **common,
        JOIN: ARTICLE,
        "article": stored_article(article),
        "ptitle": title,
        "title_parts": title,
        "pauthor": list(document.authors),
    }
    parent["paper_key"] = document.paper_key
    if article.imported:
        parent["imported"] = article.imported
    if document.section_key is not None:
        parent["section_key"] = document.section_key
        parent["psection"] = [document.section]
    if any(document.author_keys):
        parent["authors"] = [k for k in document.author_keys if k]
    for kind, names in document.mentioned:
        parent[ENTITY_FIELDS[kind]] = list(names)
    docs = [(base, parent)]
    child = {**common, JOIN: {"name": UNIT, "parent": base}}
    for unit in document.units:
        exact: str | list[str] = title if unit.is_title else unit.exact[0]
        source = {"unit": unit.number, "exact": exact, "words": _words(unit)}
        docs.append((f"{base}{_SEPARATOR}{unit.number}", {**child, **source}))
    return [
        {
            "_index": index,
            "_id": doc_id,
            "_routing": base,
            "_source": json.dumps(source, ensure_ascii=False, separators=(",", ":")),
        }
        for doc_id, source in docs
    ]


def analyse(articles: list[Article], index: str) -> list[dict[str, Any]]:
    """Actions of a batch of articles: the task of one worker process."""
    return [action for article in articles for action in actions(build_document(article), index)]
