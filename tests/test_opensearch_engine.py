"""The OpenSearch engine gives the Whoosh engine's answers, on a real 3-node cluster.

The cluster is the one tests/cluster/opensearch.py runs (OpenSearch 2.19 from
Maven jars, 127.0.0.1:9200-9202), started once per session and stopped again
only if this module started it. Every archive here lives under an index
prefix of its own, deleted at the end. Without Java and Maven the tests skip,
except under CI=true, where they fail: CI must test the cluster engine.

What is compared, engine against engine, on the same files: totals, article
ids, facets, each hit's best paragraph, `matches`, text and snippet, the
title tier and date order (scores differ by design: translate.py); exact
recall on 500 People's Daily articles; exports; imports that are re-run,
edited, killed half-way; the errors a user sees when the cluster is not there.
"""

from __future__ import annotations

import datetime
import json
import random
import shutil
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import (
    CORPUS_DIR,
    ROOT,
    SEED_PAGE,
    SEEDS_DIR,
    settings_for,
    write_jsonl,
)

from search.backends import backend_for
from search.backends.base import ArchiveReader, Backend
from search.backends.opensearch import OpenSearchBackend
from search.backends.opensearch.reader import OpenSearchReader
from search.config import Settings
from search.errors import (
    ArticleNotFound,
    BadParameter,
    IndexBusy,
    IndexMissing,
    IndexUnavailable,
    QuerySyntaxError,
)
from search.ingest.pipeline import import_paths
from search.models import SearchResult
from search.newsroom.completions import completions
from search.query.request import GroupBy, SearchRequest
from search.text.analysis import normalize, squeeze

CLUSTER_DIR = ROOT / ".opensearch"
PD1998 = CORPUS_DIR / "pd1998.jsonl"
ALL = 1000  # a page size that holds every hit of these small archives


@pytest.fixture(scope="session")
def hosts(opensearch_hosts: list[str]) -> list[str]:
    return opensearch_hosts


@pytest.fixture(scope="module")
def prefix(hosts: list[str]) -> Iterator[str]:
    """This module's index prefix; every index under it is deleted afterwards."""
    name = f"baoku-test-{uuid.uuid4().hex[:8]}"
    yield name
    request = urllib.request.Request(f"{hosts[0]}/{name}-*", method="DELETE")
    urllib.request.urlopen(request).close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("opensearch")


def _backend(hosts: list[str], index: str, settings: Settings, **options: Any) -> OpenSearchBackend:
    return OpenSearchBackend(hosts, index, settings, **options)


def _whoosh(index_dir: Path) -> Backend:
    """The embedded engine, the one to agree with."""
    return backend_for(settings_for(index_dir))


class Engines:
    """The same files in both engines, asked the same requests."""

    def __init__(self, whoosh: ArchiveReader, cluster: OpenSearchReader) -> None:
        self.whoosh = whoosh
        self.cluster = cluster

    def both(self, query: str, **options: Any) -> tuple[SearchResult, SearchResult]:
        request = SearchRequest(query=query, **options)
        return self.whoosh.search(request), self.cluster.search(request)


@pytest.fixture(scope="module")
def engines(hosts: list[str], prefix: str, folder: Path) -> Iterator[Engines]:
    """The seed page plus hand-made records, in both engines."""
    extra = write_jsonl(folder / "extra.jsonl", EXTRA)
    whoosh = _whoosh(folder / "seed-index")
    import_paths(whoosh.writer(), [SEEDS_DIR, extra])
    backend = _backend(hosts, f"{prefix}-seed", settings_for(folder / "seed-index"))
    import_paths(backend.writer(), [SEEDS_DIR, extra])
    archive, reader = whoosh.reader(), backend.reader()
    yield Engines(archive, reader)
    archive.close()
    reader.close()


EXTRA: list[dict[str, Any]] = [
    {
        "id": "x-waste",
        "date": "2024-01-15",
        "title": "無廢城市建設",
        "section": "经济",
        "authors": ["张立", "杨宜楠"],
        "paragraphs": [
            "全市推进４Ｓ店改造,无废细胞建设稳中向好。",
            "稳中有升的态势明显,郑州公用事业同步。",
        ],
    },
    {
        "id": "x-port",
        "date": "2024-03-02",
        "title": "港口经济迎来新机遇",
        "section": "经济",
        "authors": ["李明"],
        "paragraphs": ["港口经济带动郑州发展。", "郑州 港区 物流 发展。"],
    },
    {
        "id": "x-near",
        "date": "1998-01-15",
        "title": "公用事业",
        "section": "综合",
        "authors": ["李明"],
        "paragraphs": ["郑州市公用事业发展迅速。", "甲乙丙丁戊己庚辛壬癸"],
    },
    {
        "id": "x-undated",
        "title": "无日期文章",
        "section": "经济",
        "authors": ["张立", "Zhang, Wei"],
        "paragraphs": ["Ｔｅｓｔ 4S店 1136 abc,新郑物流。"],
    },
    {
        "id": "x-feb",
        "date": "2024-02-29",
        "title": "郑州环卫铁军",
        "section": "综合",
        "authors": [],
        "paragraphs": ["环卫铁军奋战一线。", "钢铁军团奋战一线,郑州新密新郑。"],
    },
]

# (query, request options): every rule of the query language, both groupings.
PARITY: list[tuple[str, dict[str, Any]]] = [
    ("郑好融", {}),
    ("州公", {}),  # across a word boundary
    ("铜", {}),  # one character
    ("無廢城市", {}),  # traditional input
    ("４Ｓ店", {}),  # full-width input
    ("4s店", {}),  # Latin case
    ("ＴＥＳＴ abc", {}),
    ("1136", {}),
    ('"稳中向好、稳中有升"', {}),
    ('"稳中向好 稳中有升"', {}),  # across paragraphs: no hit in x-waste
    ("稳中向好 稳中有升", {}),  # as terms: anywhere in the article
    ("港区物流", {}),  # across spaces in the text
    ('"郑州 公用"~5', {}),
    ('"公用 郑州"~5', {}),
    ('"甲 丁"~1', {}),
    ('"甲 丁"~2', {}),  # exactly two characters between
    ('"丁 甲"~2', {}),  # the other order
    ('"甲乙 丁戊"~0', {}),
    ('"甲乙 丁戊"~1', {}),
    ('"甲乙丙 丙丁"~5', {}),  # overlapping is not "near"
    ("新郑 OR 新密", {}),
    ("郑州 NOT 新密", {}),
    ("郑州 -新密", {}),
    ("(新郑 OR 新密) 工业", {}),
    ("郑州 (NOT 新密 OR 新郑)", {}),
    ("title:郑州", {}),
    ("title:港口 经济", {}),
    ("author:张立", {}),
    ("author:杨", {}),
    ("张立", {}),  # an author's name, unfielded
    ("zhang", {}),
    ("section:经济", {}),
    ("section:贯彻落实 郑州", {}),
    ("date:2024-01..2024-03 郑州", {}),
    ("date:2024 无废", {}),
    ("date:..1998-12-31 公用", {}),
    ("郑州", {"date_from": datetime.date(2024, 1, 1), "date_to": datetime.date(2024, 2, 29)}),
    ("郑州 发展", {"date_from": datetime.date(2024, 1, 1)}),
    ("郑州", {"section": "经济"}),
    ("郑州 OR 物流", {"author": "张立"}),
    ("郑州", {"sort": "date"}),
    ("发展 OR 物流", {"sort": "date"}),
    ("融资 信用", {}),  # the title tier
    ("铁军", {}),
    ("郑州 港区 物流", {}),  # togetherness
    ("量子计算机", {}),  # nothing
]
GROUPS: list[GroupBy] = ["article", "paragraph"]


def _tier(engines: Engines, query: str, options: dict[str, Any], ids: list[str]) -> set[str]:
    """The hits whose title or subtitle holds every top-level term (the title tier)."""
    texts = SearchRequest(query=query, **options).plan.terms
    if not texts:
        return set()
    tier = set()
    for article_id in ids:
        article = engines.cluster.article(article_id)
        parts = [squeeze(normalize(t)) for t in (article.title, article.subtitle or "") if t]
        if all(any(name in part for part in parts for name in names) for names in texts):
            tier.add(article_id)
    return tier


@pytest.mark.parametrize("group", GROUPS)
def test_both_engines_give_the_same_answers(engines: Engines, group: GroupBy) -> None:
    differences: list[tuple[Any, ...]] = []
    for query, options in PARITY:
        whoosh, cluster = engines.both(query, group=group, size=ALL, facets=True, **options)

        def shown(result: SearchResult) -> dict[tuple[str, int], tuple[Any, ...]]:
            return {
                (h.article_id, h.paragraph if group == "paragraph" else 0): (
                    h.paragraph,
                    h.matches,
                    h.text,
                    h.snippet,
                    h.title,
                    h.date,
                    h.authors,
                )
                for h in result.hits
            }

        if whoosh.total != cluster.total or shown(whoosh) != shown(cluster):
            differences.append((query, options, "hits", whoosh.total, cluster.total))
        if whoosh.facets != cluster.facets:
            differences.append((query, options, "facets", whoosh.facets, cluster.facets))
        order = [h.article_id for h in whoosh.hits], [h.article_id for h in cluster.hits]
        if options.get("sort") == "date":
            dates = [h.date for h in whoosh.hits], [h.date for h in cluster.hits]
            if dates[0] != dates[1]:
                differences.append((query, options, "date order", dates))
        elif group == "article":
            tier = _tier(engines, query, options, order[0])
            if {*order[0][: len(tier)]} != tier or {*order[1][: len(tier)]} != tier:
                differences.append((query, options, "title tier", tier, order))
    assert differences == []
    assert sum(1 for q, _ in PARITY if engines.cluster.search(SearchRequest(q)).total) > 40


def test_paging_gives_the_ranking_in_slices(engines: Engines) -> None:
    whole = engines.cluster.search(SearchRequest("郑州", group="paragraph", size=ALL))
    pages = [
        h
        for page in range(1, 6)
        for h in engines.cluster.search(
            SearchRequest("郑州", group="paragraph", size=4, page=page)
        ).hits
    ]
    assert [(h.article_id, h.paragraph) for h in pages] == [
        (h.article_id, h.paragraph) for h in whole.hits[:20]
    ]


def test_ranking_follows_the_same_rules(hosts: list[str], prefix: str, folder: Path) -> None:
    """Headline first, a word above a fragment, terms together above scattered, in both
    engines. The fragment comes first in the file and by id, so neither engine's
    tie-break (index order, article id) can put the word first for it."""
    filler = "会议强调,要坚持稳中求进工作总基调,推动经济持续回升向好。"
    records = [
        {
            "id": "body",
            "title": "城市建设综述",
            "paragraphs": ["港口经济港口经济港口经济,港口经济带动发展。" + filler] * 3,
        },
        {"id": "headline", "title": "港口经济迎来新机遇", "paragraphs": [filler, filler]},
        {"id": "fragment", "title": "乙", "paragraphs": ["钢铁军团奋战一线。" + filler]},
        {"id": "word", "title": "甲", "paragraphs": ["这支铁军奋战一线。" + filler]},
        {"id": "together", "title": "丙", "paragraphs": ["郑州港区发展物流。", filler]},
        {"id": "scattered", "title": "丁", "paragraphs": ["郑州发展。", "港区物流。"]},
    ]
    (folder / "ranked").mkdir()
    ranked = write_jsonl(folder / "ranked" / "r.jsonl", records)
    backend = _backend(hosts, f"{prefix}-ranked", settings_for(folder / "ranked-index"))
    import_paths(backend.writer(), [ranked])
    whoosh = _whoosh(folder / "ranked-index")
    import_paths(whoosh.writer(), [ranked])
    for reader in (backend.reader(), whoosh.reader()):
        try:
            ids = {
                query: [h.article_id for h in reader.search(SearchRequest(query)).hits]
                for query in ("港口经济", "铁军", "郑州 港区 物流")
            }
        finally:
            reader.close()
        assert ids["港口经济"][0] == "headline"
        assert ids["铁军"] == ["word", "fragment"]
        assert ids["郑州 港区 物流"] == ["together", "scattered"]


def test_suggest_stats_and_articles_match(engines: Engines, folder: Path) -> None:
    for prefix in ["郑", "张", "z", "港口", "1", "无废"]:
        assert completions(engines.cluster, prefix) == completions(engines.whoosh, prefix), prefix
    whoosh = engines.whoosh.stats()
    cluster = engines.cluster.stats()
    assert (cluster.articles, cluster.paragraphs, cluster.files) == (
        whoosh.articles,
        whoosh.paragraphs,
        whoosh.files,
    )
    assert cluster.updated is not None and cluster.size_bytes > 0
    article = engines.cluster.article("x-waste")
    assert article.title == "無廢城市建設" and article.date == datetime.date(2024, 1, 15)
    with pytest.raises(ArticleNotFound):
        engines.cluster.article("no-such-article")


def test_requests_are_validated_as_in_whoosh(engines: Engines) -> None:
    with pytest.raises(BadParameter):
        engines.cluster.search(SearchRequest("郑州", page=1000, size=1000))
    with pytest.raises(QuerySyntaxError):
        engines.cluster.search(SearchRequest("NOT 郑州"))
    with pytest.raises(QuerySyntaxError):
        engines.cluster.export(SearchRequest("title:"), 10)


# -- exact recall on People's Daily 1998 ---------------------------------------------------


@pytest.fixture(scope="module")
def pd_records() -> list[dict[str, Any]]:
    with PD1998.open(encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(500), handle, strict=False)]


@pytest.fixture(scope="module")
def pd_engines(
    hosts: list[str], prefix: str, folder: Path, pd_records: list[dict[str, Any]]
) -> Iterator[Engines]:
    """500 articles; the cluster index has 3 shards, so children must follow their parents."""
    path = folder / "pd" / "pd500.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pd_records))
    whoosh = _whoosh(folder / "pd-index")
    import_paths(whoosh.writer(), [path])
    backend = _backend(hosts, f"{prefix}-pd", settings_for(folder / "pd-index"), shards=3)
    import_paths(backend.writer(), [path])
    archive, reader = whoosh.reader(), backend.reader()
    yield Engines(archive, reader)
    archive.close()
    reader.close()


def _pd_queries(records: list[dict[str, Any]], count: int = 150) -> list[str]:
    """Fragments of real text of every length, variants, and every operator."""
    rng = random.Random(1998)
    articles = [r for r in records if len(r["paragraphs"]) > 1]
    paragraphs = ["".join(p.split()) for r in records for p in r["paragraphs"] if len(p) > 30]
    titles = [r["title"] for r in records if len(r["title"]) > 4]
    authors = [a for r in records for a in r["authors"]]
    days = sorted({int(r["date"][-2:]) for r in records})
    syntax = set('"“”＂()（）:：|｜-－*＊，、；;,\u3000')  # operators and term separators

    def fragment(low: int, high: int, text: str | None = None) -> str:
        while True:
            source = text or rng.choice(paragraphs)
            size = rng.randint(low, high)
            start = rng.randrange(0, max(1, len(source) - size))
            piece = "".join(source[start : start + size].split())
            if piece and not syntax & set(piece):
                return piece

    def near() -> str:
        """Two strings of one paragraph `gap` characters apart, asked within about `gap`."""
        while True:
            text, gap = rng.choice(paragraphs), rng.randint(0, 8)
            first, second = rng.randint(1, 3), rng.randint(1, 3)
            start = rng.randrange(0, len(text) - first - gap - second)
            a = text[start : start + first]
            b = text[start + first + gap : start + first + gap + second]
            if not syntax & set(a + b):
                a, b = (a, b) if rng.random() < 0.5 else (b, a)
                return f'"{a} {b}"~{max(0, gap + rng.randint(-2, 2))}'

    queries: list[str] = []
    while len(queries) < count:
        kind = len(queries) % 10
        if kind == 0:
            queries.append(fragment(1, 1))
        elif kind == 1:
            queries.append(fragment(2, 4))
        elif kind == 2:
            queries.append(f'"{fragment(5, 9)}"')
        elif kind == 3:  # two terms of one article, often in different paragraphs
            first, second = rng.sample(rng.choice(articles)["paragraphs"], 2)
            queries.append(f"{fragment(2, 3, first)} {fragment(2, 3, second)}")
        elif kind == 4:
            queries.append(f"{fragment(1, 2)} OR {fragment(2, 3)}")
        elif kind == 5:
            queries.append(f"{fragment(1, 2)} -{fragment(1, 2)}")
        elif kind == 6:
            queries.append(near())
        elif kind == 7:
            queries.append(f"title:{fragment(2, 3, rng.choice(titles))}")
        elif kind == 8:
            queries.append(f"author:{rng.choice(authors)[:2]} OR {fragment(2, 3)}")
        else:
            day = rng.choice(days)
            queries.append(f"date:1998-01-{day:02d}..1998-01-{day + 1:02d} {fragment(1, 2)}")
    return queries


def test_recall_is_exactly_whooshs_on_500_articles(
    pd_engines: Engines, pd_records: list[dict[str, Any]]
) -> None:
    queries = _pd_queries(pd_records)
    differences: list[tuple[Any, ...]] = []
    found_something = 0
    for query in queries:
        for group in GROUPS:
            request = SearchRequest(query, group=group, size=1, facets=True)
            whoosh_ids = pd_engines.whoosh.article_ids(request)
            cluster_ids = pd_engines.cluster.article_ids(request)
            whoosh, cluster = pd_engines.whoosh.search(request), pd_engines.cluster.search(request)
            if whoosh_ids != cluster_ids or whoosh.total != cluster.total:
                differences.append((query, group, sorted(whoosh_ids ^ cluster_ids)[:5]))
            if whoosh.facets != cluster.facets:
                differences.append((query, group, "facets"))
            found_something += group == "article" and bool(whoosh_ids)
    assert differences == []
    assert len(queries) == 150 and found_something > 120


def test_export_gives_every_hit_in_rank_order(pd_engines: Engines) -> None:
    request = SearchRequest("的", group="paragraph")
    total = pd_engines.cluster.search(request).total
    assert total > 1000  # more than two export pages
    exported = [(h.article_id, h.paragraph) for h in pd_engines.cluster.export(request, 10_000)]
    assert len(exported) == len(set(exported)) == total
    ranked = [
        (h.article_id, h.paragraph)
        for page in (1, 2)
        for h in pd_engines.cluster.search(
            SearchRequest("的", group="paragraph", size=ALL, page=page)
        ).hits
    ]
    assert exported[: len(ranked)] == ranked
    articles = SearchRequest("中国 发展", sort="date")
    hits = list(pd_engines.cluster.export(articles, 10_000))
    assert {h.article_id for h in hits} == pd_engines.whoosh.article_ids(articles)
    dates = [h.date for h in hits if h.date]
    assert len(dates) == len(hits) and dates == sorted(dates, reverse=True)
    assert len(list(pd_engines.cluster.export(articles, 7))) == 7


# -- imports: incremental, interrupted, locked ---------------------------------------------


def _state(backend: Backend) -> tuple[int, int, set[str]]:
    """Articles, paragraphs and the ids of (nearly) every article, as searches see them."""
    reader = backend.reader()
    try:
        stats = reader.stats()
        return stats.articles, stats.paragraphs, reader.article_ids(SearchRequest("的 OR 郑"))
    finally:
        reader.close()


def test_incremental_imports_match_whoosh(hosts: list[str], prefix: str, folder: Path) -> None:
    files = folder / "incremental"
    files.mkdir()
    page = Path(shutil.copy(SEED_PAGE, files))
    records = [
        {"id": f"r{n}", "title": f"郑州第{n}条", "paragraphs": [f"第{n}段的文字。", "郑州。"]}
        for n in range(6)
    ]
    jsonl = write_jsonl(files / "r.jsonl", records)
    whoosh = _whoosh(folder / "incremental-index")
    backend = _backend(hosts, f"{prefix}-inc", settings_for(folder / "incremental-index"))

    def both() -> None:
        mine = import_paths(backend.writer(), [files])
        theirs = import_paths(whoosh.writer(), [files])
        fields = ("files", "unchanged", "articles", "paragraphs", "skipped")
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
        assert _state(backend) == _state(whoosh)

    both()
    both()  # unchanged: nothing imported
    records[1]["paragraphs"] = ["改过的段落。"]
    del records[3]
    records.append({"id": "r-new", "title": "新加的", "paragraphs": ["郑州新闻。"]})
    write_jsonl(jsonl, records)
    both()  # one changed line, one gone, one new
    page.write_text(page.read_text("utf-8").replace("郑好融", "郑好贷"), "utf-8")
    both()  # a changed page: all its articles replaced
    assert backend.writer().remove(paths=[jsonl]) == whoosh.writer().remove(paths=[jsonl]) == 6
    assert _state(backend) == _state(whoosh)
    gone = f"{SEED_PAGE.stem}-03"
    assert backend.writer().remove(ids=[gone]) == whoosh.writer().remove(ids=[gone]) == 1
    both()  # the removed file comes back whole; the removed id stays removed (file unchanged)
    assert backend.writer().optimize().segments == 1


_CRASH = """
import os, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from support import settings_for
from search.backends.opensearch import OpenSearchBackend
from search.ingest.pipeline import import_paths

def progress(done, total, articles):
    if articles >= 400:
        os._exit(9)  # as a kill -9: no cleanup, the lock stays

backend = OpenSearchBackend({hosts!r}, {index!r}, settings_for(Path({scratch!r})))
import_paths(backend.writer(), [Path({path!r})], progress=progress)
"""


def test_an_import_killed_half_way_is_completed_by_the_next(
    hosts: list[str], prefix: str, folder: Path, pd_engines: Engines
) -> None:
    """The killed import's lock is taken over, what it sent is replaced, nothing doubles."""
    path = folder / "pd" / "pd500.jsonl"
    index = f"{prefix}-crash"
    script = _CRASH.format(
        tests=str(ROOT / "tests"), hosts=hosts, index=index, scratch=str(folder), path=str(path)
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    with urllib.request.urlopen(f"{hosts[0]}/{index}-articles/_stats/indexing") as answer:
        sent = json.load(answer)["_all"]["primaries"]["indexing"]["index_total"]
    assert sent > 1000  # it had sent documents to the cluster when it died
    backend = _backend(hosts, index, settings_for(folder / "pd-index"))
    assert _state(backend) == (0, 0, set())  # what it sent is invisible: it never committed
    report = import_paths(backend.writer(), [path])
    assert report.articles == 500
    assert _state(backend) == _state(_whoosh(folder / "pd-index"))


def test_a_second_import_is_refused_while_one_runs(
    hosts: list[str], prefix: str, folder: Path
) -> None:
    settings = settings_for(folder / "lock-index")
    first = _backend(hosts, f"{prefix}-lock", settings).writer()
    second = _backend(hosts, f"{prefix}-lock", settings).writer()
    with first.store().lock():
        with pytest.raises(IndexBusy, match=f"{prefix}-lock-articles"):
            import_paths(second, [SEEDS_DIR])
    assert import_paths(second, [SEEDS_DIR]).articles > 0


# -- errors a user sees ---------------------------------------------------------------------


def test_an_unreachable_cluster_is_named(folder: Path) -> None:
    backend = _backend(["http://127.0.0.1:1"], "baoku", settings_for(folder / "none"))
    for call in (
        backend.exists,
        backend.reader,
        lambda: import_paths(backend.writer(), [SEEDS_DIR]),
    ):
        with pytest.raises(IndexUnavailable, match=r"http://127\.0\.0\.1:1\b"):
            call()


def test_a_missing_index_is_named(hosts: list[str], prefix: str, folder: Path) -> None:
    backend = _backend(hosts, f"{prefix}-nothing", settings_for(folder / "none"))
    assert not backend.exists()
    with pytest.raises(IndexMissing, match=f"{prefix}-nothing-articles"):
        backend.reader()
    with pytest.raises(IndexMissing):
        backend.writer().remove(ids=["x"])


def test_a_red_index_is_unavailable(hosts: list[str], prefix: str, folder: Path) -> None:
    """An index whose only shard can be on no node: red, and said so, not a traceback."""
    body = json.dumps(
        {"settings": {"index.routing.allocation.require._name": "no-such-node"}}
    ).encode()
    request = urllib.request.Request(
        f"{hosts[0]}/{prefix}-red-articles?wait_for_active_shards=0",
        data=body,
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).close()
    try:
        backend = _backend(hosts, f"{prefix}-red", settings_for(folder / "none"))
        assert backend.exists()
        with pytest.raises(IndexUnavailable, match="red"):
            backend.reader()
    finally:  # a red index turns the whole cluster red: other sessions' start would wait
        delete = urllib.request.Request(f"{hosts[0]}/{prefix}-red-articles", method="DELETE")
        urllib.request.urlopen(delete).close()
