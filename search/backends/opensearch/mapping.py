"""Index settings and mappings: one articles index with a parent/child `join`, one files index.

Articles index (`{prefix}-articles`): a parent document per article and a
child per unit (the title, unit -1, then paragraphs 0..n-1), routed to the
parent's shard, exactly the groups of the Whoosh schema (schema.py). A join,
not `nested`: paragraph mode needs units as top-level hits (totals count
paragraphs), and nested documents never are; a join keeps one copy of the
postings for both modes (nested would need a second, unit-level index).

The exact fields hold what Whoosh's do: analysis.normalize + squeeze run in
Python (the same function for text and queries; OpenSearch never normalises),
then the `exact` analyzer puts character i and the bigram starting at i at
position i (`ngram` 1-1 tokenizer + `shingle` 2-2 with unigrams). Queries
arrive already cut into `analysis.exact_grams` and joined by spaces, so the
search analyzer only splits on whitespace: a string is one term or its
bigrams at consecutive positions, i.e. an exact substring match. Parts of one
value (title and subtitle, author names) are array elements `PART_GAP`
positions apart, as in `analysis.exact_tokens`, so a phrase never joins them.

`words` (jieba words, ranking only) is a keyword array rather than a
whitespace-analysed text field: it is only ever probed with a whole query
string as one term, and a keyword's doc values also give `suggest` each
word's document frequency (a terms aggregation), which a text field could
only give through fielddata on the heap. The price is that the whole-word
bonus ignores term frequency and unit length (keywords index documents only).

Normalised fields are left out of `_source`: they are rebuilt from the files
on a re-import, never read back, and would double the stored size.
"""

from __future__ import annotations

from typing import Any

from search.limits import DEEPEST_HIT
from search.text.analysis import PART_GAP

ARTICLE, UNIT = "article", "unit"  # the join's relation names
JOIN = "join"
PARENT_FIELD = {"title": "ptitle", "author": "pauthor", "section": "psection"}
# The parent's keyword arrays of the names an article mentions (text/entities/).
ENTITY_FIELDS = {"person": "persons", "place": "places", "org": "orgs"}

# One primary shard: has_child scores a parent with its children's BM25, which
# Lucene computes with the shard's own term statistics even under
# dfs_query_then_fetch, so articles on different shards would not compare.
# One shard also keeps terms aggregations trivially exact. A newsroom archive
# (1 GB for 78k articles) is far below the ~30 GB where a shard should split.
SHARDS = 1
# One replica once a second node is there (a node may die), none on a single
# node (which would otherwise stay yellow).
REPLICAS = "0-1"


def names(prefix: str) -> tuple[str, str]:
    """The articles index and the files index of the archive named `prefix`."""
    return f"{prefix}-articles", f"{prefix}-files"


_NORMALISED = ["exact", "words", "ptitle", "pauthor", "psection", "title_parts"]


def _exact(**extra: Any) -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "exact",
        "search_analyzer": "grams",
        "position_increment_gap": PART_GAP,
        **extra,
    }


def articles_index(shards: int = SHARDS) -> dict[str, Any]:
    """The body that creates the articles index."""
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "auto_expand_replicas": REPLICAS,
                # Searches see an import when it commits (one refresh), as with
                # Whoosh; a crashed import stays invisible until the next one.
                "refresh_interval": "-1",
                # params.validate allows page × size up to DEEPEST_HIT.
                "max_result_window": DEEPEST_HIT,
            },
            "analysis": {
                "tokenizer": {"char": {"type": "ngram", "min_gram": 1, "max_gram": 1}},
                "filter": {
                    "bigram": {
                        "type": "shingle",
                        "min_shingle_size": 2,
                        "max_shingle_size": 2,
                        "output_unigrams": True,
                        "token_separator": "",
                    }
                },
                "analyzer": {
                    "exact": {"type": "custom", "tokenizer": "char", "filter": ["bigram"]},
                    "grams": {"type": "custom", "tokenizer": "whitespace"},
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "_source": {"excludes": _NORMALISED},
            "properties": {
                JOIN: {"type": "join", "relations": {ARTICLE: UNIT}},
                "article_id": {"type": "keyword"},
                "origin": {"type": "keyword"},  # the input file: replace and prune by file
                "date": {"type": "date", "format": "yyyy-MM-dd"},
                # parent only
                "section_key": {"type": "keyword"},
                "paper_key": {"type": "keyword"},  # `Article.issue_paper`, for /browse
                "imported": {"type": "date", "format": "strict_date_optional_time"},
                "authors": {"type": "keyword"},
                **{field: {"type": "keyword"} for field in ENTITY_FIELDS.values()},
                "ptitle": _exact(),
                "pauthor": _exact(),
                "psection": _exact(),
                # The title tier's sort script reads these (title and subtitle, squeezed).
                "title_parts": {"type": "keyword", "index": False},
                "article": {"type": "object", "enabled": False},
                # units only
                "unit": {"type": "integer"},
                "exact": _exact(),
                "words": {"type": "keyword"},
            },
        },
    }


def files_index() -> dict[str, Any]:
    """The body that creates the files index: the import manifest, line tables, the lock.

    Small and written rarely: one shard, refreshed by every write that a
    later search must see.
    """
    return {
        "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": REPLICAS}},
        "mappings": {
            # Line tables and lock details stay in _source only.
            "dynamic": False,
            "properties": {
                "kind": {"type": "keyword"},  # file, lines, lock, state
                "file": {"type": "keyword"},  # lines: the file document's id
                "sha256": {"type": "keyword"},
                "part": {"type": "integer"},
            },
        },
    }
