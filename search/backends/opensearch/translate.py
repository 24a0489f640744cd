"""A request's plan (query/plan.py) -> OpenSearch query DSL, sort and facet aggregations.

Recall is the Whoosh engine's (backends/whoosh/matching.py, `Evaluator.run`), node for node:

    Text            article mode: has_child(unit holds it) OR ptitle OR pauthor;
                    paragraph mode: the unit holds it
    Text(field)     the parent's ptitle/pauthor/psection holds it (paragraph
                    mode: has_parent, so every unit of such an article)
    Near(a, b, n)   one unit: span_or of span_near(a, b) and span_near(b, a),
                    in order, slop n
    DateRange       range on `date` (units carry their article's date);
                    undated articles have none, so never match
    And, Or, Not    bool must (+ must_not for NOT items), should, must_not;
                    a bool without positive clauses matches every document of
                    the kind the search is over (a filter on the join)

A string holds when its `exact_grams` occur at consecutive positions: one
term, or a phrase of bigrams. In spans, a string of n >= 2 characters is its
bigrams and then its last character, so the span covers exactly its
characters [start, start + n): an ordered span_near's slop is then exactly
matching._followed's "at most n characters between the end of the first and
the start of the second" (bigrams alone would end one position early and let
the second string overlap the first's last character).

Ranking follows the same rules in the same order, but the scores are Lucene's,
not matching.py's, so they differ (and so does the order of articles whose
scores are close):

* BM25 is Lucene's: it drops the constant (k1 + 1), counts a document's length
  in characters (bigrams overlap their first character, and Lucene discounts
  overlaps) where Whoosh counts characters and bigrams, scores a phrase by the
  sum of its terms' IDF where Whoosh uses the phrase's own document
  frequency, and counts deleted documents until segments merge.
* Units sum into their article (has_child score_mode sum, as lift_units), the
  lead's (unit 0) weighted by LEAD_BOOST (a function_score); the title and author
  fields add with boosts 4 and 2 (TITLE_BOOST, AUTHOR_BOOST).
* The whole-word bonus (WORD_BOOST) is a term query on the `words` keyword:
  its IDF only, without Whoosh's term frequency and length (mapping.py says why).
* The togetherness bonus (TOGETHER_BOOST) is a should-clause: has_child over
  units holding every top-level term, so it never adds a match (as _plus).
* The title tier is a sort key, not a score: a painless script is 1 when every
  top-level term occurs in the title or subtitle (the `title_parts` doc
  values), so hit scores stay scores. Then score, then a total order (article
  id, unit) where Whoosh falls back to index order.
* `sort=date`: date descending with undated last, then score.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from search.backends.opensearch.mapping import ARTICLE, ENTITY_FIELDS, JOIN, PARENT_FIELD, UNIT
from search.limits import FACET_VALUES
from search.models import Counts, Facets, imported_stamp
from search.query import language as ql
from search.query.aliases import AliasTable
from search.query.ranking import (
    AUTHOR_BOOST,
    LEAD_BOOST,
    TITLE_BOOST,
    TOGETHER_BOOST,
    WORD_BOOST,
)
from search.query.request import SearchRequest
from search.text.analysis import exact_grams

Query = dict[str, Any]

# With more than one shard, every shard must return every value it has for a
# facet to be exact, not its top few (terms aggregations are per shard).
FACET_SHARD_VALUES = 10_000
_GROUPS = "-groups"  # the suffix of an entity facet's alias-group counts

# 1 when the title holds every top-level term under one of its names (an alias group).
_TIER = """
for (def names : params.texts) {
  boolean inside = false;
  for (String part : doc['title_parts']) {
    for (String name : names) {
      if (part.contains(name)) { inside = true; break; }
    }
    if (inside) { break; }
  }
  if (!inside) { return 0; }
}
return 1;
"""


def exact(field: str, text: str, boost: float = 1.0) -> Query:
    """Documents whose exact `field` holds the normalised `text`."""
    grams = exact_grams(text)
    if len(grams) == 1:
        return {"term": {field: {"value": grams[0], "boost": boost}}}
    return {"match_phrase": {field: {"query": " ".join(grams), "boost": boost}}}


def unit_text(text: str) -> Query:
    """Units holding `text`; the whole-word bonus where jieba cut it as a word."""
    return {
        "bool": {
            "must": [exact("exact", text)],
            "should": [{"term": {"words": {"value": text, "boost": WORD_BOOST}}}],
        }
    }


def _span(text: str) -> Query:
    """Where `text` occurs in a unit, as a span over exactly its characters."""
    if len(text) == 1:
        return {"span_term": {"exact": text}}
    grams = [*exact_grams(text), text[-1]]
    clauses = [{"span_term": {"exact": gram}} for gram in grams]
    return {"span_near": {"clauses": clauses, "slop": 0, "in_order": True}}


def near(node: ql.Near) -> Query:
    """Units where either string is followed by the other within `distance` characters."""
    first, second = _span(node.first), _span(node.second)
    return {
        "span_or": {
            "clauses": [
                {"span_near": {"clauses": pair, "slop": node.distance, "in_order": True}}
                for pair in ([first, second], [second, first])
            ]
        }
    }


def has_child(query: Query, boost: float = 1.0, lead: bool = True) -> Query:
    """Articles with a unit matching `query`, their units' scores summed; with `lead`,
    the first paragraph's (unit 0) weighted by LEAD_BOOST, as matching.lift_units."""
    if lead:
        weights = [{"filter": {"term": {"unit": 0}}, "weight": LEAD_BOOST}]
        query = {"function_score": {"query": query, "functions": weights, "boost_mode": "multiply"}}
    return {"has_child": {"type": UNIT, "score_mode": "sum", "query": query, "boost": boost}}


def has_parent(query: Query, score: bool = True) -> Query:
    return {"has_parent": {"parent_type": ARTICLE, "score": score, "query": query}}


def date_range(node: ql.DateRange) -> Query:
    bounds = {}
    if node.start:
        bounds["gte"] = node.start.isoformat()
    if node.end:
        bounds["lte"] = node.end.isoformat()
    return {"range": {"date": bounds}}


def translate(node: ql.Node, group: str) -> Query:
    """The query of one node over parents (article mode) or units (paragraph mode)."""
    article = group == "article"
    if isinstance(node, ql.And):
        negatives = [translate(i.item, group) for i in node.items if isinstance(i, ql.Not)]
        positives = [translate(i, group) for i in node.items if not isinstance(i, ql.Not)]
        return {"bool": {"must": positives, "must_not": negatives}}
    if isinstance(node, ql.Or):
        items = [translate(i, group) for i in node.items]
        return {"bool": {"should": items, "minimum_should_match": 1}}
    if isinstance(node, ql.Not):
        return {"bool": {"must_not": [translate(node.item, group)]}}
    if isinstance(node, ql.DateRange):
        return {"bool": {"filter": [date_range(node)]}}  # score 0, as date_parents
    if isinstance(node, ql.Entity):  # a filter, score 0: ranking.mentioned adds the text
        named = {"terms": {ENTITY_FIELDS[node.kind]: list(node.names)}}
        return {"bool": {"filter": [named if article else has_parent(named, score=False)]}}
    if isinstance(node, ql.Near):
        return has_child(near(node)) if article else near(node)
    if isinstance(node, ql.Alias):  # any of the names: matched and scored as an OR
        items = [translate(ql.Text(t, node.field, True), group) for t in node.texts]
        return {"bool": {"should": items, "minimum_should_match": 1}}
    if node.field is not None:
        boost = TITLE_BOOST if node.field == "title" else 1.0
        found = exact(PARENT_FIELD[node.field], node.text, boost)
        return found if article else has_parent(found)
    if not article:
        return unit_text(node.text)
    return {
        "bool": {
            "should": [
                has_child(unit_text(node.text)),
                exact("ptitle", node.text, TITLE_BOOST),
                exact("pauthor", node.text, AUTHOR_BOOST),
            ],
            "minimum_should_match": 1,
        }
    }


@dataclass(frozen=True)
class Translation:
    """One request's plan (query/plan.py) as OpenSearch request parts."""

    request: SearchRequest

    @property
    def node(self) -> ql.Node:
        return self.request.plan.tree

    @property
    def aliases(self) -> AliasTable:
        """For the entity facets: a group's names count as one entry."""
        return self.request.alias_table

    @property
    def article(self) -> bool:
        return self.request.group == "article"

    @property
    def texts(self) -> tuple[tuple[str, ...], ...]:
        """The top-level terms: the title tier and the togetherness bonus are about these."""
        return self.request.plan.terms

    @property
    def needles(self) -> tuple[str, ...]:
        return self.request.plan.needles

    def filters(self) -> list[Query]:
        """What every hit must be: of the searched kind, with the facet values asked for."""
        facet: list[Query] = []
        if self.request.section:
            facet.append({"term": {"section_key": self.request.section}})
        if self.request.author:
            facet.append({"term": {"authors": self.request.author}})
        if self.request.imported_since:
            since = imported_stamp(self.request.imported_since)
            facet.append({"range": {"imported": {"gte": since}}})
        kind = {"term": {JOIN: ARTICLE if self.article else UNIT}}
        if facet and not self.article:
            facet = [has_parent({"bool": {"filter": facet}}, score=False)]
        return [kind, *facet]

    def query(self) -> Query:
        found: Query = {
            "bool": {"must": [translate(self.node, self.request.group)], "filter": self.filters()}
        }
        if self.article and len(self.texts) > 1:
            any_name = [
                {"bool": {"should": [unit_text(n) for n in names], "minimum_should_match": 1}}
                for names in self.texts
            ]
            together = {"bool": {"must": any_name}}
            found["bool"]["should"] = [has_child(together, TOGETHER_BOOST, lead=False)]
        return found

    def sort(self) -> list[Any]:
        """Rank order, total: ties are broken by article id (and unit), the same on every page."""
        total_order: list[Any] = [{"article_id": "asc"}]
        if not self.article:
            total_order.append({"unit": "asc"})
        if self.request.sort != "relevance":
            order = "desc" if self.request.sort == "date" else "asc"
            first: list[Any] = [{"date": {"order": order, "missing": "_last"}}]
        elif self.article and self.texts:
            script = {"lang": "painless", "source": _TIER, "params": {"texts": self.texts}}
            first = [{"_script": {"type": "number", "order": "desc", "script": script}}]
        else:
            first = []
        return [*first, {"_score": "desc"}, *total_order]

    def preference(self) -> str:
        """The same shard copies for every page of one search.

        Copies of a shard differ in deleted documents until they merge, so
        their BM25 statistics (and scores) differ slightly; a query that
        changed copies between pages could repeat or skip a hit.
        """
        key = repr(
            (
                self.request.query,
                self.request.group,
                self.request.date_from,
                self.request.date_to,
                self.request.section,
                self.request.author,
                self.request.imported_since,
                self.request.entities(),
            )
        )
        return "baoku-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def facet_aggs(self, shards: int) -> dict[str, Any]:
        """Sections, authors, people, places and organisations (top FACET_VALUES by count,
        then name) and every month; in paragraph mode counted over the articles of the
        matching units (`parent`)."""

        def top(field: str, extra: int = 0) -> dict[str, Any]:
            terms: dict[str, Any] = {
                "field": field,
                "size": FACET_VALUES + extra,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
            if shards > 1:
                terms["shard_size"] = FACET_SHARD_VALUES
            return {"terms": terms}

        # An entity facet: its names (enough of them that FACET_VALUES remain once the
        # names of alias groups are set aside) and, exactly, the articles naming any
        # name of each alias group. A Painless script mapping names to their group
        # did the same in one aggregation at three times the cost of the search.
        groups = self.aliases.families
        entities = {}
        for field in ENTITY_FIELDS.values():
            entities[field] = top(field, extra=len(self.aliases.canonical))
            if groups:
                named = {first: {"terms": {field: list(names)}} for first, names in groups.items()}
                entities[field + _GROUPS] = {"filters": {"filters": named}}
        aggs = {
            "sections": top("section_key"),
            "authors": top("authors"),
            **entities,
            "months": {
                "date_histogram": {
                    "field": "date",
                    "calendar_interval": "month",
                    "format": "yyyy-MM",
                    "min_doc_count": 1,
                }
            },
        }
        if self.article:
            return aggs
        return {"articles": {"parent": {"type": UNIT}, "aggs": aggs}}

    def facets(self, aggregations: dict[str, Any]) -> Facets:
        found = aggregations if self.article else aggregations["articles"]

        def counts(name: str, key: str = "key") -> tuple[tuple[str, int], ...]:
            return tuple((b[key], b["doc_count"]) for b in found[name]["buckets"])

        return Facets(
            sections=counts("sections"),
            authors=counts("authors"),
            months=counts("months", "key_as_string"),
            persons=self._merged(found, ENTITY_FIELDS["person"]),
            places=self._merged(found, ENTITY_FIELDS["place"]),
            orgs=self._merged(found, ENTITY_FIELDS["org"]),
        )

    def _merged(self, found: dict[str, Any], field: str) -> Counts:
        """An entity facet's top names, each alias group counted as one under its first
        name (`facet_aggs`)."""
        named = [
            (b["key"], b["doc_count"])
            for b in found[field]["buckets"]
            if b["key"] not in self.aliases.canonical
        ]
        grouped = found.get(field + _GROUPS, {}).get("buckets", {})
        named += [(first, b["doc_count"]) for first, b in grouped.items() if b["doc_count"]]
        return tuple(sorted(named, key=lambda p: (-p[1], p[0]))[:FACET_VALUES])
