"""A node of the cluster dies (kill -9) while it is searched and while it is written.

The archive has 3 primary shards with 1 replica each on the 3-node test cluster
(tests/cluster/opensearch.py), so every shard keeps a copy when one node dies.
What a newsroom must be able to count on then:

* searches keep giving exact answers (the same totals, article ids and facet
  counts as the Whoosh engine over the same file), also while the node that
  is first in `BAOKU_OPENSEARCH_HOSTS` is gone; a search caught in the
  failover may fail only with `IndexUnavailable` naming the cluster, never with
  another error or a wrong answer;
* an export (a CSV download) streaming when the node dies either completes
  with every hit or stops with that `IndexUnavailable` (its point in time may
  hold a search context on the dead node), never a silently short list;
* an import either carries on or stops with one clear `Error:` line naming the
  cluster (no traceback), and running it again completes with every article
  exactly once;
* the killed node rejoins and the cluster is green again.

Every node killed here is restarted (and the cluster green) before the test
ends, pass or fail, so the rest of the suite finds the cluster it expects.
Nothing waits on a fixed sleep: each phase waits for a cluster state or a
count of searches done.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import (
    BAOKU,
    CLUSTER_DIR,
    CORPUS_DIR,
    Engine,
    cluster_harness,
    settings_for,
    write_jsonl,
)

from search.backends.base import ArchiveReader
from search.backends.opensearch import OpenSearchBackend
from search.backends.opensearch.mapping import names
from search.backends.opensearch.reader import EXPORT_PAGE
from search.errors import IndexUnavailable
from search.ingest.pipeline import import_paths
from search.models import Hit
from search.query.request import GroupBy, SearchRequest

PD1998 = CORPUS_DIR / "pd1998.jsonl"  # 3,148 People's Daily articles, January 1998
SEARCHED = 1000  # articles in the archive that is searched while a node dies
NODES = 3
HARNESS = cluster_harness()  # one instance: it reaps the nodes it restarts
GROUPS: tuple[GroupBy, ...] = ("article", "paragraph")
# Real words, phrases, every operator and field; each matches something in the first
# 1,000 articles (asserted), from 2 to 761 articles.
QUERIES = [
    "中",
    "经济",
    "人民",
    "改革 开放",
    '"邓小平理论"',
    "北京 OR 上海",
    "发展 -经济",
    "title:会议",
    '"国有 企业"~3',
    "江泽民",
    "香港",
    "title:体育 OR author:温宪",
    "date:1998-01-05..1998-01-08 农民",
    "科技 教育",
    "足球",
    '"再就业工程"',
    "台湾 OR 澳门",
    "title:北京 -上海",
    "亚洲 金融",
    "环境保护",
]
Key = tuple[str, GroupBy]
EXPORTED = SearchRequest("中", group="paragraph")  # 2,175 hits: 5 pages of a point in time


@dataclass(frozen=True)
class Answer:
    """What a search must answer: every number a user sees counted exactly."""

    total: int
    ids: frozenset[str]
    facets: Any


def _answer(reader: ArchiveReader, key: Key) -> Answer:
    request = SearchRequest(key[0], group=key[1], facets=True)
    result = reader.search(request)
    return Answer(result.total, frozenset(reader.article_ids(request)), result.facets)


# -- the cluster ----------------------------------------------------------------------------


@pytest.fixture
def hosts(opensearch_hosts: list[str]) -> list[str]:
    """The cluster's URLs, node 1 first, once it is green with every node."""
    HARNESS.wait_for_health(opensearch_hosts, "green", NODES)
    return opensearch_hosts


def _request(hosts: list[str], path: str, body: Any = None, method: str = "GET") -> Any:
    """A JSON request to the first node that answers (node 1 may be the dead one)."""
    data = None if body is None else json.dumps(body).encode()
    failures = []
    for host in hosts:
        request = urllib.request.Request(
            host + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)
        except urllib.error.HTTPError:
            raise
        except OSError as exc:
            failures.append(f"{host}: {exc}")
    raise AssertionError(f"no node answers {path}: {failures}")


def _copies(hosts: list[str], index: str) -> list[dict[str, str]]:
    """Every copy of the index's shards: shard, prirep (p or r), state, node."""
    copies: list[dict[str, str]] = _request(
        hosts, f"/_cat/shards/{index}?format=json&h=shard,prirep,state,node"
    )
    return copies


def _node(name: str) -> int:
    return int(name.removeprefix("node-"))


def _assert_spread(hosts: list[str], index: str, shards: int) -> None:
    """`shards` primaries with one replica each, all started, never two copies on one node."""
    # Green is not enough: the cluster may still be moving a copy (RELOCATING) to balance.
    health = _request(
        hosts,
        f"/_cluster/health/{index}?wait_for_status=green&wait_for_no_relocating_shards=true"
        "&wait_for_no_initializing_shards=true&timeout=120s",
    )
    assert health["status"] == "green", health
    copies = _copies(hosts, index)
    for _ in range(60):  # a rebalance may still begin after that answer; wait it out
        if all(c["state"] == "STARTED" for c in copies):
            break
        time.sleep(1)
        copies = _copies(hosts, index)
    assert len(copies) == 2 * shards, copies
    assert all(c["state"] == "STARTED" for c in copies), copies
    for shard in {c["shard"] for c in copies}:
        mine = [c for c in copies if c["shard"] == shard]
        assert sorted(c["prirep"] for c in mine) == ["p", "r"], copies
        assert len({c["node"] for c in mine}) == 2, copies


def _give_primary(hosts: list[str], index: str, node: int) -> None:
    """Make `node` hold a primary of `index`, so that killing it makes a replica take over.

    Where it holds only replicas, one of their primaries is failed on purpose
    (a reroute `cancel` with allow_primary): the cluster promotes the copy on
    `node`, exactly what it does when a node dies, and rebuilds the replica.
    """
    copies = _copies(hosts, index)
    if any(c["prirep"] == "p" and _node(c["node"]) == node for c in copies):
        return
    shard = next((c["shard"] for c in copies if _node(c["node"]) == node), None)
    assert shard is not None, f"node-{node} holds no copy of {index}: {copies}"
    primary = next(c for c in copies if c["shard"] == shard and c["prirep"] == "p")
    cancel = {"index": index, "shard": int(shard), "node": primary["node"], "allow_primary": True}
    _request(hosts, "/_cluster/reroute", {"commands": [{"cancel": cancel}]}, "POST")
    HARNESS.wait_for_health(hosts, "green", NODES)
    copies = _copies(hosts, index)
    assert any(c["prirep"] == "p" and _node(c["node"]) == node for c in copies), copies


def _cluster_manager(hosts: list[str]) -> int:
    """The node elected cluster manager (master)."""
    return _node(_request(hosts, "/_cat/cluster_manager?format=json")[0]["node"])


def _exported(hits: Iterable[Hit]) -> list[tuple[str, int]]:
    """An export as a sorted list of (article, paragraph): scores, hence the order of
    equal hits, may differ between copies of a shard."""
    return sorted((hit.article_id, hit.paragraph) for hit in hits)


def _restore(hosts: list[str], node: int) -> None:
    """Node `node` running again (restarted on its data if it is down), the cluster green."""
    HARNESS.start_node(CLUSTER_DIR, node)
    HARNESS.wait_for_health(hosts, "green", NODES)


# -- searches while a node dies -------------------------------------------------------------


@dataclass
class Outcome:
    """One search (`search` with facets, then `article_ids`) and how it ended."""

    key: Key
    started: float
    ended: float
    wrong: str | None = None  # the answer differed from the expected one
    failure: BaseException | None = None


def _try(reader: ArchiveReader, key: Key, expected: Answer) -> Outcome:
    started = time.monotonic()
    try:
        got = _answer(reader, key)
    except BaseException as exc:  # judged by the test, never raised in a thread
        return Outcome(key, started, time.monotonic(), failure=exc)
    outcome = Outcome(key, started, time.monotonic())
    if got != expected:
        outcome.wrong = (
            f"total {got.total} (expected {expected.total}), "
            f"ids differ by {sorted(got.ids ^ expected.ids)[:5]}, "
            f"facets equal: {got.facets == expected.facets}"
        )
    return outcome


class Searcher(threading.Thread):
    """A long-lived reader (as a web worker holds) asking every request in turn, nonstop."""

    def __init__(self, reader: ArchiveReader, expected: dict[Key, Answer]) -> None:
        super().__init__(daemon=True)
        self.reader = reader
        self.expected = expected
        self.log: list[Outcome] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for key, answer in self.expected.items():
                if self.stop.is_set():
                    return
                self.log.append(_try(self.reader, key, answer))

    def wait_for(self, count: int, since: float = 0.0, seconds: float = 180) -> None:
        """Until `count` searches that started at or after `since` have ended."""
        deadline = time.monotonic() + seconds
        while sum(o.started >= since for o in self.log) < count:
            assert self.is_alive(), "the searching thread ended"
            assert time.monotonic() < deadline, f"fewer than {count} searches in {seconds} s"
            time.sleep(0.05)


def _judge(outcomes: list[Outcome], where: str, failures_allowed: bool) -> None:
    """No wrong answer, ever; a failure only as `IndexUnavailable` naming the cluster, and
    only where `failures_allowed` (the failover window)."""
    wrong = [(o.key, o.wrong) for o in outcomes if o.wrong]
    assert wrong == [], wrong
    for outcome in outcomes:
        if outcome.failure is None:
            continue
        if not failures_allowed or not isinstance(outcome.failure, IndexUnavailable):
            raise AssertionError(f"{outcome.key} failed {where}") from outcome.failure
        assert "OpenSearch cluster at http://127.0.0.1:9200" in str(outcome.failure)


def _cli(
    hosts: list[str], prefix: str, folder: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """`baoku ARGS` as a user runs it against the cluster, node 1 first in the host list."""
    return subprocess.run(
        [*BAOKU, *args],
        env=_env(hosts, prefix),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _env(hosts: list[str], prefix: str) -> dict[str, str]:
    """What a user sets to use the archive `prefix` (3 shards) on the cluster."""
    return {
        **os.environ,
        "BAOKU_BACKEND": "opensearch",
        "BAOKU_OPENSEARCH_HOSTS": ",".join(hosts),
        "BAOKU_OPENSEARCH_INDEX": prefix,
        "BAOKU_OPENSEARCH_SHARDS": "3",
    }


def test_searches_stay_exact_while_the_first_node_dies(
    hosts: list[str], cluster_prefixes: list[str], tmp_path: Path
) -> None:
    """Users keep getting exact totals, ids and facets when the node every client tries
    first (port 9200) is killed mid-search, holding a primary: its replicas take over and
    the clients fail over to the other nodes; then the node rejoins and all is green."""
    path = tmp_path / "pd1000.jsonl"
    with PD1998.open("rb") as source, path.open("wb") as target:
        target.writelines(line for _, line in zip(range(SEARCHED), source, strict=False))
    whoosh = Engine("whoosh")
    (tmp_path / "whoosh").mkdir()
    expected_reader = whoosh.reader(whoosh.build([path], tmp_path / "whoosh"))
    keys = [(query, group) for query in QUERIES for group in GROUPS]
    expected = {key: _answer(expected_reader, key) for key in keys}
    exported = _exported(expected_reader.export(EXPORTED, 10_000))
    expected_reader.close()
    assert all(expected[(query, "article")].total > 0 for query in QUERIES)

    prefix = f"baoku-test-faults-{uuid.uuid4().hex[:8]}"
    cluster_prefixes.append(prefix)
    backend = OpenSearchBackend(hosts, prefix, settings_for(tmp_path / "unused"), shards=3)
    assert import_paths(backend.writer(), [path]).articles == SEARCHED
    articles = names(prefix)[0]
    _give_primary(hosts, articles, 1)
    _assert_spread(hosts, articles, shards=3)
    reader = backend.reader()
    assert {key: _answer(reader, key) for key in keys} == expected  # exact before the fault
    exporter = backend.reader()
    assert _exported(exporter.export(EXPORTED, 10_000)) == exported

    searcher = Searcher(reader, expected)
    searcher.start()
    try:
        # An export (a CSV download) streams through a point in time, page by page:
        # the first pages are read before the kill, the others after it.
        stream = exporter.export(EXPORTED, 10_000)
        streamed = [next(stream) for _ in range(EXPORT_PAGE + 1)]
        searcher.wait_for(len(keys))  # one whole round before the kill
        master = _cluster_manager(hosts)
        kill_sent = time.monotonic()
        HARNESS.kill_node(CLUSTER_DIR, 1)  # returns once the JVM is gone
        killed = time.monotonic()
        # A client created now (a `baoku search`, a new web worker) tries 9200 first.
        fresh: ArchiveReader | None = None
        try:
            opened = backend.reader()
        except BaseException as exc:  # judged below with the other failover outcomes
            at_once = [Outcome(("backend.reader()", "article"), killed, killed, failure=exc)]
        else:
            fresh = opened
            at_once = [_try(opened, key, expected[key]) for key in keys]
        searcher.wait_for(2 * len(keys), since=killed)  # two whole rounds after the kill
        # The cluster has dropped the node and promoted its primaries' replicas.
        HARNESS.wait_for_health(hosts[1:], "yellow", NODES - 1)
        health = _request(hosts, f"/_cluster/health/{articles}")
        assert health["active_primary_shards"] == 3 and health["status"] != "red", health
        promoted = time.monotonic()
        fresh = fresh or backend.reader()
        searcher.wait_for(len(keys), since=promoted)
        after = [_try(fresh, key, expected[key]) for key in keys]
        after += [_try(backend.reader(), key, expected[key]) for key in keys[:4]]
        # The export either completes with every hit or stops with a clear error; its
        # point in time may hold a context on the dead node. A new export is whole.
        try:
            streamed += list(stream)
            export_ended = "completed"
            assert _exported(streamed) == exported
        except IndexUnavailable as exc:
            export_ended = f"stopped after {len(streamed)} hits: {exc}"
            assert "OpenSearch cluster at http://127.0.0.1:9200" in str(exc)
        assert _exported(fresh.export(EXPORTED, 10_000)) == exported
        for query in ('"邓小平理论"', "香港"):
            shown = _cli(hosts, prefix, tmp_path, "search", query, "--json", "--limit", "1000")
            assert shown.returncode == 0, shown.stderr
            answer = json.loads(shown.stdout)
            want = expected[(query, "article")]
            assert answer["total"] == want.total
            assert {hit["article_id"] for hit in answer["hits"]} == want.ids
        fresh.close()
        exporter.close()
    finally:
        searcher.stop.set()
        searcher.join(timeout=120)
        _restore(hosts, 1)

    log = searcher.log
    during = [o for o in log if o.started < killed and o.ended > kill_sent]
    failover = [o for o in log if o.started >= killed and o.started < promoted] + at_once
    settled = [o for o in log if o.started >= promoted] + after
    _judge([o for o in log if o.ended <= kill_sent], "before the kill", failures_allowed=False)
    _judge(during, "while the node was killed", failures_allowed=True)
    _judge(failover, "before the cluster dropped the node", failures_allowed=True)
    _judge(settled, "once the replicas had taken over", failures_allowed=False)
    assert sum(o.failure is None for o in failover) >= len(keys)  # searching went on
    print(
        f"node-1 killed (cluster manager: node-{master}); "
        f"searches: {len(log) + len(at_once) + len(after)}, {len(during)} in flight at the kill, "
        f"{len(failover)} before the node was dropped "
        f"({sum(o.failure is not None for o in failover + during)} failed), "
        f"{len(settled)} after; failures: "
        f"{[str(o.failure) for o in log + at_once if o.failure is not None][:3]}; "
        f"the export across the kill {export_ended}"
    )

    # Back to green: the node rejoined and every shard has its replica again.
    _assert_spread(hosts, articles, shards=3)
    _judge([_try(reader, key, expected[key]) for key in keys], "after the restart", False)
    reader.close()


# -- an import while a node dies ------------------------------------------------------------


def _indexed(hosts: list[str], index: str) -> int:
    """Documents the primaries have indexed so far (sent, not yet visible to searches)."""
    stats = _request(hosts, f"/{index}/_stats/indexing")
    return int(stats["_all"]["primaries"]["indexing"]["index_total"])


def _buckets(hosts: list[str], index: str, kind: str, fields: list[str]) -> list[dict[str, Any]]:
    """Every (fields) value among `kind` documents with its document count: a composite
    aggregation, page by page."""
    sources = [{field: {"terms": {"field": field}}} for field in fields]
    composite: dict[str, Any] = {"size": 10_000, "sources": sources}
    found: list[dict[str, Any]] = []
    while True:
        body = {
            "size": 0,
            "query": {"term": {"join": kind}},
            "aggs": {"all": {"composite": composite}},
        }
        page = _request(hosts, f"/{index}/_search", body, "POST")["aggregations"]["all"]
        found += page["buckets"]
        if "after_key" not in page or not page["buckets"]:
            return found
        composite["after"] = page["after_key"]


def _count(hosts: list[str], index: str, query: dict[str, Any]) -> int:
    return int(_request(hosts, f"/{index}/_count", {"query": query}, "POST")["count"])


def test_an_import_survives_a_node_dying_and_a_rerun_never_duplicates(
    hosts: list[str], cluster_prefixes: list[str], tmp_path: Path
) -> None:
    """A node (the cluster manager, holding an articles primary) is killed while
    `baoku index` sends the 3,148 articles of pd1998: the import completes, or stops with
    one `Error:` line naming the cluster; the node rejoins (green); `baoku index` again
    completes, and every article and every paragraph is in the archive exactly once."""
    path = tmp_path / "pd1998.jsonl"
    shutil.copyfile(PD1998, path)
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert len(records) == 3148

    # The archive, created (3 shards) and emptied before the import, so that the node to
    # kill can be given a primary first.
    prefix = f"baoku-test-faults-{uuid.uuid4().hex[:8]}"
    cluster_prefixes.append(prefix)
    backend = OpenSearchBackend(hosts, prefix, settings_for(tmp_path / "unused"), shards=3)
    setup = write_jsonl(tmp_path / "setup.jsonl", [{"id": "setup", "paragraphs": ["建库。"]}])
    assert import_paths(backend.writer(), [setup]).articles == 1
    assert backend.writer().remove(paths=[setup]) == 1
    articles, files = names(prefix)
    _assert_spread(hosts, articles, shards=3)
    _assert_spread(hosts, files, shards=1)
    # The victim is the elected cluster manager and holds a primary the import writes
    # to: the cluster must elect another manager before it can promote the replica.
    victim = _cluster_manager(hosts)
    _give_primary(hosts, articles, victim)
    assert _cluster_manager(hosts) == victim

    sent_before = _indexed(hosts, articles)
    output = (tmp_path / "index.out").open("w"), (tmp_path / "index.err").open("w")
    importing = subprocess.Popen(
        [*BAOKU, "index", str(path)],
        env=_env(hosts, prefix),
        cwd=tmp_path,
        stdout=output[0],
        stderr=output[1],
        text=True,
    )
    try:
        # Mid-import: the cluster has indexed a first few thousand of its ~22,600
        # documents, and the command is still running.
        deadline = time.monotonic() + 300
        while _indexed(hosts, articles) - sent_before < 2000:
            assert importing.poll() is None, (tmp_path / "index.err").read_text()
            assert time.monotonic() < deadline, "the import sent nothing in 300 s"
            time.sleep(0.05)
        assert importing.poll() is None
        HARNESS.kill_node(CLUSTER_DIR, victim)
        code = importing.wait(timeout=600)
        for stream in output:
            stream.close()
        out = (tmp_path / "index.out").read_text()
        err = (tmp_path / "index.err").read_text()
        assert "Traceback" not in err, err
        if code == 0:
            assert "1 files imported" in out and " 3148 articles," in out, out
        else:
            errors = [line for line in err.splitlines() if "Error" in line]
            assert code == 1 and len(errors) == 1, err
            assert errors[0].startswith("Error: ") and articles in errors[0], err
            assert "http://127.0.0.1:9200" in errors[0], err
        print(f"the import with node-{victim} killed: exit {code}: {(out + err).strip()[-400:]}")

        HARNESS.start_node(CLUSTER_DIR, victim)  # waits until the cluster is green
        again = _cli(hosts, prefix, tmp_path, "index", str(path))
        assert again.returncode == 0, again.stderr
        assert "Traceback" not in again.stderr
        print(f"the re-run: {again.stdout.strip()}")
    finally:
        if importing.poll() is None:  # the test failed with it running
            importing.kill()
            importing.wait()
        for stream in output:
            stream.close()
        _restore(hosts, victim)

    _assert_spread(hosts, articles, shards=3)
    _assert_spread(hosts, files, shards=1)
    # Every article exactly once: one parent document per id, the ids of the file.
    parents = _buckets(hosts, articles, "article", ["article_id"])
    assert [b["key"] for b in parents if b["doc_count"] > 1] == []
    assert len(parents) == _count(hosts, articles, {"term": {"join": "article"}}) == 3148
    assert {b["key"]["article_id"] for b in parents} == {r["id"] for r in records}
    # Every unit (title, paragraphs) exactly once, and nothing else in the index.
    units = _buckets(hosts, articles, "unit", ["article_id", "unit"])
    assert [b["key"] for b in units if b["doc_count"] > 1] == []
    paragraphs = sum(len(r["paragraphs"]) for r in records)
    titled = sum(1 for r in records if r["title"].strip())
    assert (paragraphs, titled) == (16687, 2797)
    assert sum(b["key"]["unit"] >= 0 for b in units) == paragraphs
    assert sum(b["key"]["unit"] == -1 for b in units) == titled
    assert _count(hosts, articles, {"match_all": {}}) == 3148 + paragraphs + titled
    # What users see: the same counts and answers as the embedded engine over the file.
    whoosh = Engine("whoosh")
    (tmp_path / "whoosh").mkdir()
    expected_reader = whoosh.reader(whoosh.build([path], tmp_path / "whoosh"))
    reader = backend.reader()
    mine, theirs = reader.stats(), expected_reader.stats()
    assert (mine.articles, mine.paragraphs, mine.files) == (3148, paragraphs, 1)
    assert (theirs.articles, theirs.paragraphs) == (mine.articles, mine.paragraphs)
    for query in QUERIES[:8]:
        key: Key = (query, "article")
        assert _answer(reader, key) == _answer(expected_reader, key), query
    reader.close()
    expected_reader.close()
