"""Article -> bulk actions: the parent document and one child per unit, with stable ids.

Runs in the import's worker processes (jieba is the slow part), so the
sources are serialised to JSON there: opensearch-py's bulk helper sends a
string `_source` as it is. The fields are those of `schema.article_documents`
(the Whoosh engine), built from the same `analysis` functions, so both
engines index the same strings.

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
from collections.abc import Sequence
from typing import Any

from search.backends.hits import stored_article
from search.backends.opensearch.mapping import ARTICLE, ENTITY_FIELDS, JOIN, UNIT
from search.limits import QUERY_CHARS
from search.models import TITLE_UNIT, Article
from search.text import analysed
from search.text.analysis import normalize, squeeze, words

_SEPARATOR = "\x1f"
_ID_BYTES = 256


def base_id(article_id: str) -> str:
    """The article's `_id` and routing value."""
    if len(article_id.encode("utf-8")) <= _ID_BYTES and article_id.isprintable():
        return article_id
    # Starts with the separator, which a kept id never holds: no collision.
    return _SEPARATOR + hashlib.sha256(article_id.encode("utf-8")).hexdigest()


def _words(pieces: Sequence[str]) -> list[str]:
    """Distinct jieba words of a unit (a keyword field counts each once anyway).

    A word longer than a query can be never equals one, and would only risk
    Lucene's term-size limit.
    """
    return list(dict.fromkeys(w for w in words(pieces) if len(w) <= QUERY_CHARS))


def actions(article: Article, index: str) -> list[dict[str, Any]]:
    """The bulk `index` actions of one article: its parent first, then its units."""
    found = analysed.analyse(article)
    article = found.article
    base = base_id(article.id)
    common: dict[str, Any] = {"article_id": article.id, "origin": article.origin}
    if article.date:
        common["date"] = article.date.isoformat()
    squeezed_parts = [squeeze(t) for t in found.title_parts]
    parent: dict[str, Any] = {
        **common,
        JOIN: ARTICLE,
        "article": stored_article(article),
        "ptitle": squeezed_parts,
        "title_parts": squeezed_parts,
        "pauthor": [squeeze(normalize(a)) for a in article.authors],
    }
    parent["paper_key"] = article.issue_paper
    if article.imported:
        parent["imported"] = article.imported
    if article.section:
        parent["section_key"] = article.section
        parent["psection"] = [squeeze(normalize(article.section))]
    # Whoosh keeps authors comma-joined in one column (commas become spaces),
    # and its facets and filters see those names: the same names here.
    names = [a.replace(",", " ") for a in article.authors]
    if any(names):
        parent["authors"] = [n for n in names if n]
    for kind, field in ENTITY_FIELDS.items():
        mentioned = [m.name.replace(",", " ") for m in article.mentions if m.kind == kind]
        if mentioned:
            parent[field] = mentioned
    docs = [(base, parent)]
    child = {**common, JOIN: {"name": UNIT, "parent": base}}
    for unit in found.units:
        exact: str | list[str] = (
            squeezed_parts if unit.number == TITLE_UNIT else squeeze(unit.parts[0])
        )
        source = {"unit": unit.number, "exact": exact, "words": _words(unit.pieces)}
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
    return [action for article in articles for action in actions(article, index)]
