"""`ArchiveReader` over the articles index: search, export, ids, article, prefixed terms, stats.

Each call is one or a few requests with the current committed state, so a
long-lived reader (a gunicorn worker) sees an import as soon as it commits.
Hits are built from the stored article by `hits` (the same code as the
Whoosh engine): best paragraph, `matches`, snippet. In paragraph mode the
unit's article comes back in the same response (has_parent inner hits), so
a unit never meets a newer copy of its article. Searches refuse partial
results: a total or a facet count from some shards only would be wrong
without saying so.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator, Sequence
from contextlib import suppress
from typing import Any

from search.backends.hits import article_from_stored, best_unit, build_hit, shown_paragraphs
from search.backends.opensearch.client import Cluster
from search.backends.opensearch.mapping import ARTICLE, ENTITY_FIELDS, JOIN, UNIT
from search.backends.opensearch.store import OpenSearchStore
from search.backends.opensearch.translate import Translation, has_parent
from search.errors import ArticleNotFound, BaokuError, IndexUnavailable
from search.limits import DAY_ARTICLES, SUGGEST_SCAN, VOCABULARY_PAGE
from search.models import Article, DayCount, Hit, IndexStats, SearchResult, TermField
from search.query.request import SearchRequest

EXPORT_PAGE = 500  # hits per search_after page
IDS_PAGE = 10_000  # article ids per composite aggregation page
KEEP_ALIVE = "5m"  # a point in time between two export pages


class OpenSearchReader:
    """Searches one archive on a cluster."""

    def __init__(self, cluster: Cluster, store: OpenSearchStore, shards: int) -> None:
        self.cluster = cluster
        self.store = store
        self.shards = shards

    def _search(self, body: dict[str, Any], **params: Any) -> Any:
        index = None if "pit" in body else self.cluster.articles  # a point in time names it
        with self.cluster.errors():
            response = self.cluster.client.search(
                index=index, body=body, allow_partial_search_results=False, **params
            )
        return self.cluster.complete(response)

    # -- search ---------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        plan = Translation(request)
        body = {
            **self._ranked(plan),
            "from": (request.page - 1) * request.size,
            "size": request.size,
            "track_total_hits": True,
        }
        if request.facets:
            body["aggs"] = plan.facet_aggs(self.shards)
        response = self._search(body, preference=plan.preference())
        return SearchResult(
            query=request.query,
            total=response["hits"]["total"]["value"],
            page=request.page,
            page_size=request.size,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=tuple(self._hits(plan, response["hits"]["hits"])),
            facets=plan.facets(response["aggregations"]) if request.facets else None,
        )

    def count(self, request: SearchRequest) -> int:
        plan = Translation(request)
        body = {"size": 0, "query": {"bool": {"filter": [plan.query()]}}, "track_total_hits": True}
        return int(self._search(body)["hits"]["total"]["value"])

    def _ranked(self, plan: Translation) -> dict[str, Any]:
        """Query, rank order and what each hit needs to become a `Hit`."""
        query = plan.query()
        if plan.article:
            source = ["article"]
        else:
            source = ["unit"]
            parent = has_parent({"match_all": {}}, score=False)
            parent["has_parent"]["inner_hits"] = {"_source": ["article"], "size": 1}
            query["bool"]["filter"].append(parent)
        return {"query": query, "sort": plan.sort(), "track_scores": True, "_source": source}

    def _hits(self, plan: Translation, raw: list[dict[str, Any]]) -> Iterator[Hit]:
        for found in raw:
            if plan.article:
                stored, unit = found["_source"]["article"], None
            else:
                parent = found["inner_hits"][ARTICLE]["hits"]["hits"][0]
                stored, unit = parent["_source"]["article"], found["_source"]["unit"]
            yield _hit(article_from_stored(stored), plan.needles, found["_score"], unit)

    def export(self, request: SearchRequest, cap: int) -> Iterator[Hit]:
        """Hits in rank order through a point in time, page by page (search_after): deep
        pages with from/size would sort the whole result again for every page."""
        plan = Translation(request)
        with self.cluster.errors():
            pit = self.cluster.client.create_pit(
                index=self.cluster.articles, keep_alive=KEEP_ALIVE
            )["pit_id"]
        return self._pages(plan, pit, cap)

    def _pages(self, plan: Translation, pit: str, cap: int) -> Iterator[Hit]:
        body = self._ranked(plan)
        sent = 0
        try:
            while sent < cap:
                body["pit"] = {"id": pit, "keep_alive": KEEP_ALIVE}
                body["size"] = min(EXPORT_PAGE, cap - sent)
                try:
                    response = self._search(body)
                except IndexUnavailable as exc:
                    if not sent:
                        raise
                    # The point in time lives on the nodes that held the export's shards;
                    # when one leaves the cluster, the rest cannot be read from it.
                    raise IndexUnavailable(
                        f"the export stopped after {sent} hits: a node holding it left the "
                        f"cluster; run it again ({exc.message})"
                    ) from exc
                raw = response["hits"]["hits"]
                yield from self._hits(plan, raw)
                sent += len(raw)
                if len(raw) < body["size"]:
                    return
                body["search_after"] = raw[-1]["sort"]
                pit = response.get("pit_id", pit)
        finally:
            # The point in time would expire by itself; freeing it is politeness.
            with suppress(BaokuError), self.cluster.errors():
                self.cluster.client.delete_pit(body={"pit_id": [pit]})

    def article_ids(self, request: SearchRequest) -> set[str]:
        """Every matching article id: a composite aggregation over `article_id`, page by
        page, which also gives each article once in paragraph mode."""
        plan = Translation(request)
        composite: dict[str, Any] = {
            "size": IDS_PAGE,
            "sources": [{"id": {"terms": {"field": "article_id"}}}],
        }
        found: set[str] = set()
        while True:
            unscored = {"bool": {"filter": [plan.query()]}}
            body = {"size": 0, "query": unscored, "aggs": {"ids": {"composite": composite}}}
            ids = self._search(body)["aggregations"]["ids"]
            found.update(bucket["key"]["id"] for bucket in ids["buckets"])
            if len(ids["buckets"]) < IDS_PAGE or "after_key" not in ids:
                return found
            composite["after"] = ids["after_key"]

    def word_frequencies(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        """Units holding each word: one terms aggregation over the units' `words`."""
        terms = {"field": "words", "include": list(words), "size": max(len(words), 1)}
        body = {
            "size": 0,
            "query": _kind(UNIT),
            "track_total_hits": True,
            "aggs": {"words": {"terms": terms}},
        }
        response = self._search(body)
        found = {b["key"]: b["doc_count"] for b in response["aggregations"]["words"]["buckets"]}
        return response["hits"]["total"]["value"], found

    # -- browsing by day ------------------------------------------------------------------

    def calendar(self) -> tuple[DayCount, ...]:
        """Articles per (day, paper): a composite aggregation, page by page."""
        composite: dict[str, Any] = {
            "size": IDS_PAGE,
            "sources": [
                {
                    "day": {
                        "date_histogram": {
                            "field": "date",
                            "calendar_interval": "day",
                            "format": "yyyy-MM-dd",
                        }
                    }
                },
                {"paper": {"terms": {"field": "paper_key"}}},
            ],
        }
        query = {"bool": {"filter": [_kind(ARTICLE), {"exists": {"field": "date"}}]}}
        counts: list[DayCount] = []
        while True:
            body = {"size": 0, "query": query, "aggs": {"days": {"composite": composite}}}
            days = self._search(body)["aggregations"]["days"]
            counts += [
                DayCount(
                    datetime.date.fromisoformat(b["key"]["day"]), b["key"]["paper"], b["doc_count"]
                )
                for b in days["buckets"]
            ]
            if len(days["buckets"]) < IDS_PAGE or "after_key" not in days:
                return tuple(counts)
            composite["after"] = days["after_key"]

    def day(self, day: datetime.date, paper: str | None = None) -> tuple[Article, ...]:
        """Every article of the day (of one paper), unordered: `browse.py` orders them."""
        wanted = [_kind(ARTICLE), {"term": {"date": day.isoformat()}}]
        if paper:
            wanted.append({"term": {"paper_key": paper}})
        body = {"query": {"bool": {"filter": wanted}}, "size": DAY_ARTICLES, "_source": ["article"]}
        raw = self._search(body)["hits"]["hits"]
        return tuple(article_from_stored(hit["_source"]["article"]) for hit in raw)

    # -- one article, suggestions, stats --------------------------------------------------

    def article(self, article_id: str) -> Article:
        """By the `article_id` field, as searches see it (last commit)."""
        query = {"bool": {"filter": [{"term": {"article_id": article_id}}, _kind(ARTICLE)]}}
        raw = self._search({"query": query, "size": 1, "_source": ["article"]})["hits"]["hits"]
        if not raw:
            raise ArticleNotFound(f"no article with id {article_id!r}")
        return article_from_stored(raw[0]["_source"]["article"])

    def vocabulary(self) -> frozenset[str]:
        """The units' words and the articles' entity names, paged through one composite
        aggregation per field (a terms aggregation of them all is one huge response)."""
        found: set[str] = set()
        for field in ("words", *ENTITY_FIELDS.values()):
            page: dict[str, Any] = {
                "size": VOCABULARY_PAGE,
                "sources": [{"t": {"terms": {"field": field}}}],
            }
            while True:
                terms = self._search({"size": 0, "aggs": {"terms": {"composite": page}}})
                buckets = terms["aggregations"]["terms"]["buckets"]
                found.update(b["key"]["t"] for b in buckets)
                if len(buckets) < VOCABULARY_PAGE:
                    break
                page["after"] = terms["aggregations"]["terms"]["after_key"]
        return frozenset(found)

    def prefixed_terms(self, field: TermField, prefix: str) -> list[tuple[str, int]]:
        terms = {
            "field": field,
            "include": _literal(prefix) + ".*",
            "size": SUGGEST_SCAN,
            "order": {"_key": "asc"},
        }
        found = self._search({"size": 0, "aggs": {"terms": {"terms": terms}}})
        return [(b["key"], b["doc_count"]) for b in found["aggregations"]["terms"]["buckets"]]

    def stats(self) -> IndexStats:
        with self.cluster.errors():
            client = self.cluster.client
            articles = client.count(index=self.cluster.articles, body={"query": _kind(ARTICLE)})
            units = [_kind(UNIT), {"range": {"unit": {"gte": 0}}}]  # the title unit is -1
            paragraphs = client.count(
                index=self.cluster.articles, body={"query": {"bool": {"filter": units}}}
            )
            index = client.indices.stats(index=self.cluster.articles, metric="store,segments")
        files, updated = self.store.summary()
        primaries = index["indices"][self.cluster.articles]["primaries"]
        return IndexStats(
            path=self.cluster.location,
            articles=self.cluster.complete(articles)["count"],
            paragraphs=self.cluster.complete(paragraphs)["count"],
            files=files,
            size_bytes=primaries["store"]["size_in_bytes"],
            segments=primaries["segments"]["count"],
            updated=updated,
        )

    def updated(self) -> datetime.datetime | None:
        return self.store.updated()

    def close(self) -> None:
        self.cluster.close()


def _literal(text: str) -> str:
    """`text` as a Lucene regular expression matching itself: ASCII punctuation escaped
    (a backslash before a letter would name a class, `\\d`, or be refused)."""
    return "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in text)


def _kind(kind: str) -> dict[str, Any]:
    return {"term": {JOIN: kind}}


def _hit(article: Article, needles: Sequence[str], score: float, unit: int | None) -> Hit:
    """A hit on `article`: at `unit` (paragraph mode), else at its best paragraph."""
    shown = shown_paragraphs(article, needles)
    if unit is None:
        unit = best_unit(article, shown)
    return build_hit(article, needles, score, unit, len(shown))
