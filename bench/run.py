"""Benchmark baoku on Whoosh and on OpenSearch against a naive Whoosh + jieba index.

    python bench/run.py [--corpus ../shared/corpus] [--limit-articles N] [--out bench/out]
                        [--engines baoku,baoku-opensearch,baseline]
                        [--opensearch-hosts URL,URL,...] [--opensearch-index baoku-bench]
                        [--keep DIR]
    python bench/run.py --make-queries     # rewrite the sampled part of bench/queries.txt

A script, not a test: the full corpus takes many minutes and the numbers are
for people comparing designs, not a pass/fail gate.

Engines: `baoku` (the Whoosh engine, an index directory), `baoku-opensearch`
(the same import and query code on the OpenSearch cluster at
`--opensearch-hosts`, archive `--opensearch-index`, deleted before and after
the run) and `baseline`. `--engines baoku,baseline` runs without a cluster.

How it measures, and why:

* Each index is built in its own subprocess, so every engine is timed and
  measured the same way. Peak RSS comes from `os.wait4` (the largest single
  process, reaped worker children included); a sampler also sums the memory
  of the whole process tree, because baoku works in several processes and the
  largest one alone would flatter it. The sum is of PSS, not RSS: forked
  workers share pages with their parent, and RSS would count those twice.
* A cluster does much of an import's work in its JVMs, which are no children
  of the import: when its nodes run on this machine their memory is summed
  too, steady before the import (what the cluster costs idle), sampled at
  its peak during it, and steady after it; likewise their CPU time. Index
  size is the cluster's `_stats`: one copy (comparable with a Whoosh
  directory) and with replicas (what the disks hold).
* The baseline is what one writes first: jieba's `ChineseAnalyzer` on a TEXT
  field, one Whoosh document per paragraph and one for the title, the stock
  `QueryParser`, matching paragraphs grouped by article id.
* The truth is a brute-force substring scan with baoku's own normalisation
  (`normalize`, `squeeze`): that is baoku's contract ("a query matches exactly
  where the normalised string occurs"), and what a journalist expects of a
  search box, so every engine is judged against it.
* Latency is in-process and warm: every query once, then `--repeats` timed
  runs of each query; every timing is kept for the percentiles. For the
  cluster that includes the HTTP round trip to a node, as a server worker
  would see it. CPU time per query (this process, and the JVMs) gives the
  queries a core can answer, which latency on a shared machine does not.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import logging
import math
import os
import platform
import random
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import jieba
import whoosh
from opensearchpy.exceptions import TransportError
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from search.backends import backend_for
from search.config import Settings
from search.ingest.pipeline import import_paths
from search.models import SearchResult
from search.query.request import SearchRequest, SortBy
from search.text import analysis
from search.text.analysis import normalize, squeeze

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from cluster_probe import DEFAULT_HOSTS, DEFAULT_PREFIX, Probe  # noqa: E402
from memory import (  # noqa: E402
    PeakSampler,
    cpu_seconds,
    process_tree,
    pss,
    rss,
    steady,
    summed,
)

DEFAULT_CORPUS = BENCH.parents[1] / "shared" / "corpus"
DEFAULT_QUERIES = BENCH / "queries.txt"
DEFAULT_OUT = BENCH / "out"
SEED = 1998
REPEATS = 3
BASELINE_LIMIT_MB = 256
ENGINES = ("baoku", "baoku-opensearch", "baseline")
SAMPLED_MARKER = "# ---- sampled from the corpus by `bench/run.py --make-queries`"

Record = dict[str, Any]


# --------------------------------------------------------------------- corpus


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The corpus JSONL files only: the folder also holds README.md and converters."""
    files = sorted(corpus_dir.glob("*.jsonl"))
    if not files:
        sys.exit(f"no *.jsonl files in {corpus_dir}")
    return files


def iter_records(files: Iterable[Path]) -> Iterator[Record]:
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def limit_corpus(files: Sequence[Path], limit: int, dest: Path) -> list[Path]:
    """Copies of `files` with only the first `limit` articles of each, for quick runs."""
    dest.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in files:
        copy = dest / path.name
        with path.open(encoding="utf-8") as source, copy.open("w", encoding="utf-8") as out:
            out.writelines(itertools.islice((ln for ln in source if ln.strip()), limit))
        copies.append(copy)
    return copies


# ---------------------------------------------------------------- ground truth


_QUERY_PART = re.compile(r'"([^"]+)"|([^\s"]+)')
_SYNTAX = set("()（）“”＂:：|")  # what baoku's query language would read as operators
_OPERATORS = {"AND", "OR", "NOT"}


def query_strings(query: str) -> list[str]:
    """The normalised strings a simple query asks for: each term, or a "phrase" as one."""
    parts = [phrase or word for phrase, word in _QUERY_PART.findall(query)]
    return [s for s in (squeeze(normalize(p)) for p in parts) if s]


def check_simple(query: str) -> None:
    """Only terms and "phrases", so that the brute-force scan knows the exact answer."""
    words = query.replace('"', " ").split()
    if (
        _SYNTAX & set(query)
        or query.count('"') % 2
        or any(w in _OPERATORS or w.startswith("-") for w in words)
        or not query_strings(query)
    ):
        raise ValueError(f'not a simple query (terms and "phrases" only): {query!r}')


class Haystack:
    """Every article's searchable text in one string, for exact brute-force answers.

    Units (the title, each paragraph, each author) are normalised and squeezed
    one by one, as baoku indexes them, and joined with newlines: a needle is
    squeezed, so it holds no newline and never matches across two units. One
    big string lets `str.find` scan at C speed; after a hit the scan jumps to
    the next article, so a query costs at most one `find` per matching article.
    """

    def __init__(self, records: Iterable[Record]) -> None:
        parts: list[str] = []
        self.starts: list[int] = []
        self.ids: list[str] = []
        self.paragraphs = 0
        offset = 0
        for record in records:
            self.paragraphs += len(record["paragraphs"])
            units = [record["title"], *record["paragraphs"], *record["authors"]]
            text = "\n".join(squeeze(normalize(u)) for u in units) + "\n\n"
            self.starts.append(offset)
            self.ids.append(record["id"])
            parts.append(text)
            offset += len(text)
        self.text = "".join(parts)

    def articles_with(self, needle: str) -> set[str]:
        found: set[str] = set()
        position = self.text.find(needle)
        while position >= 0:
            article = bisect.bisect_right(self.starts, position) - 1
            found.add(self.ids[article])
            if article + 1 == len(self.starts):
                break
            position = self.text.find(needle, self.starts[article + 1])
        return found

    def truth(self, query: str) -> set[str]:
        """Articles holding every string of the query (AND), each anywhere in the article."""
        return set.intersection(*(self.articles_with(s) for s in query_strings(query)))


# --------------------------------------------------------------------- queries


def query_lines(text: str) -> list[str]:
    """Non-blank lines that are not `#` comments, stripped, first occurrence only."""
    lines = (line.strip() for line in text.splitlines())
    return list(dict.fromkeys(q for q in lines if q and not q.startswith("#")))


def load_queries(path: Path) -> list[str]:
    queries = query_lines(path.read_text("utf-8"))
    for query in queries:
        check_simple(query)
    return queries


Sampler = Callable[[random.Random, Record, str], str | None]

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{6,}")
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?[%％]?")
_PAIR_FLAGS = {"n", "nr", "ns", "nt", "nz", "vn"}


def _is_cjk(word: str, shortest: int, longest: int) -> bool:
    return shortest <= len(word) <= longest and _CJK.fullmatch(word) is not None


def _tagged(text: str) -> list[tuple[str, str]]:
    """jieba POS tags of `text`, the words given in the archive's own characters.

    Tagging runs on the normalised (simplified) text, where jieba's dictionary
    works; `normalize` keeps lengths, so offsets map back to the original and a
    Traditional or full-width article yields a Traditional or full-width query.
    """
    import jieba.posseg  # only --make-queries needs the tagger and its model

    words, offset = [], 0
    for pair in jieba.posseg.cut(normalize(text)):
        words.append((text[offset : offset + len(pair.word)], pair.flag))
        offset += len(pair.word)
    return words


def _tagged_word(flags: set[str], shortest: int, longest: int) -> Sampler:
    def pick(rng: random.Random, record: Record, text: str) -> str | None:
        words = [w for w, f in _tagged(text) if f in flags and _is_cjk(w, shortest, longest)]
        return rng.choice(words) if words else None

    return pick


def _phrase(rng: random.Random, record: Record, text: str) -> str | None:
    """A window starting anywhere in a run of Chinese, so it usually cuts through words."""
    runs = _CJK_RUN.findall(text)
    if not runs:
        return None
    run = rng.choice(runs)
    size = rng.randint(3, 6)
    start = rng.randrange(len(run) - size + 1)
    return f'"{run[start : start + size]}"'


def _number(rng: random.Random, record: Record, text: str) -> str | None:
    numbers = [n for n in _NUMBER.findall(text) if len(n) >= 3]  # "12" is not a search
    return rng.choice(numbers) if numbers else None


def _pair(rng: random.Random, record: Record, text: str) -> str | None:
    """Two words of one article, usually from different paragraphs."""
    other = rng.choice([record["title"], *record["paragraphs"]])
    first, second = (
        sorted({w for w, f in _tagged(t) if f in _PAIR_FLAGS and _is_cjk(w, 2, 4)})
        for t in (text, other)
    )
    if not first or not second:
        return None
    one, two = rng.choice(first), rng.choice(second)
    return None if one in two or two in one else f"{one} {two}"


SAMPLERS: dict[str, tuple[int, Sampler]] = {
    "person names (jieba nr)": (20, _tagged_word({"nr"}, 2, 4)),
    "places (jieba ns)": (15, _tagged_word({"ns"}, 2, 6)),
    "organisations (jieba nt)": (10, _tagged_word({"nt"}, 2, 10)),
    "words (jieba n/vn/v/a/nz, 2-4 characters)": (
        20,
        _tagged_word({"n", "vn", "v", "a", "nz"}, 2, 4),
    ),
    "phrases cut anywhere in the text (3-6 characters)": (15, _phrase),
    "numbers as printed": (10, _number),
    "two terms from one article": (10, _pair),
}


def sample_queries(records: Sequence[Record], seen: set[str]) -> dict[str, list[str]]:
    """Queries drawn from the text with a fixed seed, sources weighted by sqrt(size).

    Not articles uniformly: the CCTV file holds 96% of the articles and would
    crowd out the 1998 and the Traditional Chinese ones; nor sources in equal
    turns, which would give 199 Taiwanese articles a third of the queries.
    """
    jieba.setLogLevel(logging.WARNING)
    rng = random.Random(SEED)
    by_source: dict[str, list[Record]] = {}
    for record in records:
        by_source.setdefault(record["source"], []).append(record)
    sources = sorted(by_source)
    weights = [math.sqrt(len(by_source[s])) for s in sources]
    sampled: dict[str, list[str]] = {}
    for category, (wanted, pick) in SAMPLERS.items():
        found: list[str] = []
        for _ in range(wanted * 200):
            if len(found) == wanted:
                break
            record = rng.choice(by_source[rng.choices(sources, weights)[0]])
            query = pick(rng, record, rng.choice([record["title"], *record["paragraphs"]]))
            if query and query not in seen:
                check_simple(query)
                seen.add(query)
                found.append(query)
        sampled[category] = found
    return sampled


def make_queries(records: Sequence[Record], path: Path) -> int:
    """Keep the hand-written part of the query file; rewrite the sampled part below it."""
    text = path.read_text("utf-8") if path.exists() else ""
    hand = text.split(SAMPLED_MARKER)[0].rstrip() + "\n\n"
    lines = [f"{SAMPLED_MARKER} (seed {SEED}); edits below this line are overwritten"]
    count = 0
    for category, queries in sample_queries(records, set(query_lines(hand))).items():
        lines += ["", f"# {category}", *queries]
        count += len(queries)
    path.write_text(hand + "\n".join(lines) + "\n", "utf-8")
    return count


# ---------------------------------------------------------------- index builds


def engine_settings(engine: str, work: Path, hosts: str, prefix: str) -> Settings:
    """Where `engine` keeps its index: a directory under `work`, or (baoku-opensearch)
    the archive `prefix` on the cluster at `hosts`."""
    if engine == "baoku-opensearch":
        return Settings(
            index_dir=work / engine,
            backend="opensearch",
            opensearch_hosts=hosts,
            opensearch_index=prefix,
        )
    return Settings(index_dir=work / engine)


def build_baoku(inputs: Sequence[Path], settings: Settings) -> None:
    """What `baoku index` does, into whichever engine `settings.backend` names."""
    analysis.configure(settings.cache_dir, None)
    report = import_paths(backend_for(settings).writer(), inputs)
    for skipped in report.skipped:
        print(f"baoku skipped {skipped}", file=sys.stderr)


def baseline_schema() -> fields.Schema:
    # Imported here: jieba.analyse loads its TF-IDF tables (~130 MB) on import,
    # which must count against the baseline, not against baoku's build process.
    from jieba.analyse import ChineseAnalyzer

    return fields.Schema(
        id=fields.ID(stored=True),
        article_id=fields.ID(stored=True),
        content=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()),
    )


def build_baseline(inputs: Sequence[Path], settings: Settings) -> None:
    jieba.setLogLevel(logging.WARNING)
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), baseline_schema())
    writer = ix.writer(limitmb=BASELINE_LIMIT_MB, procs=1)
    for record in iter_records(inputs):
        article_id = record["id"]
        units = [("title", record["title"]), *enumerate(record["paragraphs"])]
        for unit, text in units:
            if text.strip():
                writer.add_document(id=f"{article_id}#{unit}", article_id=article_id, content=text)
    writer.commit()


BUILDERS: dict[str, Callable[[Sequence[Path], Settings], None]] = {
    "baoku": build_baoku,
    "baoku-opensearch": build_baoku,
    "baseline": build_baseline,
}


def build_command(
    engine: str, args: argparse.Namespace, work: Path, inputs: Sequence[Path]
) -> list[str]:
    """This script again, as the build subprocess of `engine`."""
    command = [sys.executable, str(Path(__file__).resolve()), "--build-engine", engine]
    command += ["--build-work", str(work), "--opensearch-hosts", args.opensearch_hosts]
    return command + ["--opensearch-index", args.opensearch_index, *(str(p) for p in inputs)]


def build_child(args: argparse.Namespace) -> None:
    """The subprocess side: build, then print the wall time as JSON for the parent."""
    settings = engine_settings(
        args.build_engine, args.build_work, args.opensearch_hosts, args.opensearch_index
    )
    started = time.perf_counter()
    BUILDERS[args.build_engine](args.inputs, settings)
    print(json.dumps({"seconds": time.perf_counter() - started}))


@dataclass(frozen=True)
class ChildRun:
    seconds: float  # wall time of the build itself, as the child measured it
    cpu_s: float  # user + system time of the child and its reaped workers
    peak_rss_mb: float  # largest single process (os.wait4), reaped workers included
    tree_pss_mb: float  # PSS of the process tree summed, the peak sampled


def run_child(command: list[str], also: Sequence[PeakSampler] = ()) -> ChildRun:
    """Run a build subprocess to its end, sampling its tree's PSS (and `also`) meanwhile."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    tree = PeakSampler(lambda: summed(pss, process_tree(child.pid)))
    samplers = [tree, *also]
    for sampler in samplers:
        sampler.start()
    assert child.stdout is not None
    output = child.stdout.read()
    # wait4, not communicate(): it hands back the child's rusage, its reaped workers included.
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    for sampler in samplers:
        sampler.stop()
    child.stdout.close()
    if child.returncode != 0:
        sys.exit(f"{shlex.join(command[:4])}: index build failed (exit {child.returncode})")
    return ChildRun(
        seconds=json.loads(output.strip().splitlines()[-1])["seconds"],
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        tree_pss_mb=tree.peak / 2**20,
    )


@dataclass(frozen=True)
class JvmStats:
    """The cluster's JVMs, summed over its nodes (all on this machine)."""

    nodes: int
    heap_mb: float  # -Xmx summed
    before_mb: float  # PSS, steady, just before the import: the cluster's idle cost
    peak_mb: float  # PSS, the largest sum sampled during the import
    peak_rss_mb: float  # RSS, likewise
    after_mb: float  # PSS, steady, once the import has committed
    cpu_s: float  # CPU time the JVMs used during the import


@dataclass(frozen=True)
class BuildStats:
    run: ChildRun
    size_mb: float  # one copy: the index directory, or the cluster's primaries
    documents: int  # Whoosh or Lucene documents (articles and their units), one copy
    size_total_mb: float | None = None  # the cluster's replicas included
    jvm: JvmStats | None = None
    notes: tuple[str, ...] = ()  # what makes a figure doubtful


def measure_build(engine: str, settings: Settings, command: list[str]) -> BuildStats:
    if settings.backend == "opensearch":
        return measure_cluster_build(settings, command)
    run = run_child(command)
    return BuildStats(
        run=run,
        size_mb=sum(p.stat().st_size for p in settings.index_dir.rglob("*") if p.is_file()) / 2**20,
        documents=whoosh_index.open_dir(str(settings.index_dir)).doc_count(),
    )


def measure_cluster_build(settings: Settings, command: list[str]) -> BuildStats:
    """An import into a fresh archive on the cluster, with the JVMs' memory and CPU."""
    probe = Probe(settings.opensearch_hosts, settings.opensearch_index)
    try:
        probe.wait_ready()
        probe.drop()
        nodes = probe.nodes()
        pids = probe.local_jvms()
        jvm_pss = partial(summed, pss, pids)
        before, cpu_before = steady(jvm_pss), summed_cpu(pids)
        peak_pss, peak_rss = PeakSampler(jvm_pss), PeakSampler(partial(summed, rss, pids))
        run = run_child(command, also=[peak_pss, peak_rss])
        jvm_cpu = summed_cpu(pids) - cpu_before
        store = probe.store()
        restarted = probe.nodes() != nodes
        jvm = JvmStats(
            nodes=len(pids),
            heap_mb=sum(node.heap_max for node in nodes) / 2**20,
            before_mb=before / 2**20,
            peak_mb=peak_pss.peak / 2**20,
            peak_rss_mb=peak_rss.peak / 2**20,
            after_mb=steady(jvm_pss) / 2**20,
            cpu_s=jvm_cpu,
        )
    finally:
        probe.close()
    notes = []
    if not pids:
        notes.append("JVM figures left out: the nodes do not all run on this machine")
    if restarted:
        notes.append("JVM figures left out: a node left, joined or restarted during the import")
    return BuildStats(
        run=run,
        size_mb=store.primaries / 2**20,
        documents=store.documents,
        size_total_mb=store.total / 2**20,
        jvm=jvm if pids and not restarted else None,
        notes=tuple(notes),
    )


def summed_cpu(pids: Sequence[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


# --------------------------------------------------------------------- engines


@dataclass(frozen=True)
class Answer:
    total: int  # what the engine says matched
    ids: frozenset[str]  # the article ids it actually listed


class Engine(Protocol):
    def search(self, query: str) -> object: ...

    def answer(self, query: str) -> Answer: ...

    def close(self) -> None: ...


class Baoku:
    """baoku through its public query API, as the CLI and the web app call it."""

    def __init__(self, settings: Settings) -> None:
        self.archive = backend_for(settings).reader()

    def search(self, query: str, sort: SortBy = "relevance") -> SearchResult:
        return self.archive.search(SearchRequest(query=query, size=10, sort=sort))

    def answer(self, query: str) -> Answer:
        """The total baoku reports and every matching article id (ids only, no snippets)."""
        total = self.archive.search(SearchRequest(query=query, size=1)).total
        return Answer(total, frozenset(self.archive.article_ids(SearchRequest(query=query))))

    def close(self) -> None:
        self.archive.close()


class Baseline:
    """The naive index: stock QueryParser, every matching paragraph, grouped by article."""

    def __init__(self, settings: Settings) -> None:
        ix = whoosh_index.open_dir(str(settings.index_dir))
        self.searcher = ix.searcher()
        self.parser = QueryParser("content", ix.schema)

    def search(self, query: str) -> frozenset[str]:
        results = self.searcher.search(self.parser.parse(query), limit=None)
        return frozenset(hit["article_id"] for hit in results)

    def answer(self, query: str) -> Answer:
        ids = self.search(query)
        return Answer(len(ids), ids)

    def close(self) -> None:
        self.searcher.close()


# --------------------------------------------------------------------- timing


def warm(run: Callable[[str], object], queries: Sequence[str]) -> None:
    """Every query once: caches, page cache and JIT in the state a busy server has."""
    for query in queries:
        run(query)


def time_queries(run: Callable[[str], object], queries: Sequence[str], repeats: int) -> list[float]:
    """Milliseconds per call, `repeats` passes, every timing kept (after `warm`).

    Timings are in pass order: query i of pass r is at r * len(queries) + i.
    """
    timings = []
    for _ in range(repeats):
        for query in queries:
            started = time.perf_counter()
            run(query)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


@dataclass(frozen=True)
class QueryCpu:
    """CPU milliseconds per query of a timed pass: what bounds queries per core."""

    own_ms: float  # this process: parsing, the client, building hits and snippets
    jvm_ms: float | None  # the cluster's JVMs (None: no cluster, or not on this machine)


def cpu_per_query(
    run: Callable[[str], object], queries: Sequence[str], repeats: int, jvms: Sequence[int]
) -> tuple[list[float], QueryCpu]:
    """`time_queries`, with the CPU time this process and the JVMs spent meanwhile."""
    own, cluster = time.process_time(), summed_cpu(jvms)
    timings = time_queries(run, queries, repeats)
    calls = len(timings)
    cpu = QueryCpu(
        own_ms=(time.process_time() - own) * 1000 / calls,
        jvm_ms=(summed_cpu(jvms) - cluster) * 1000 / calls if jvms else None,
    )
    return timings, cpu


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: always a measured value, never an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class EngineResult:
    build: BuildStats
    answers: list[Answer]
    timings: list[float]
    cpu: QueryCpu
    date_timings: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what makes a figure doubtful

    def correct(self, truths: Sequence[set[str]]) -> list[bool]:
        return [a.total == len(t) and a.ids == t for a, t in zip(self.answers, truths, strict=True)]


def open_engine(name: str, settings: Settings) -> Engine:
    return Baseline(settings) if name == "baseline" else Baoku(settings)


def measure_engine(
    name: str,
    settings: Settings,
    command: list[str],
    queries: Sequence[str],
    repeats: int,
    say: Callable[[str], None],
) -> EngineResult:
    say(f"{name}: indexing")
    build = measure_build(name, settings, command)
    for note in build.notes:
        say(f"{name}: {note}")
    say(f"{name}: indexed in {build.run.seconds:.1f}s; collecting every answer")
    jvms = local_jvms(settings)
    engine = open_engine(name, settings)
    try:
        answers = [engine.answer(q) for q in queries]
        say(f"{name}: timing {len(queries)} queries x {repeats}")
        warm(engine.search, queries)
        timings, cpu = cpu_per_query(engine.search, queries, repeats, jvms)
        result = EngineResult(build, answers, timings, cpu, notes=list(build.notes))
        if isinstance(engine, Baoku):
            say(f"{name}: timing sort=date")
            by_date = partial(engine.search, sort="date")
            warm(by_date, queries)
            result.date_timings = time_queries(by_date, queries, repeats)
    finally:
        engine.close()
    if local_jvms(settings) != jvms:
        result.notes.append("JVM CPU left out: a node left, joined or restarted meanwhile")
        result.cpu = QueryCpu(result.cpu.own_ms, None)
    return result


def local_jvms(settings: Settings) -> list[int]:
    """The cluster's JVM pids when `settings` name a cluster running on this machine."""
    if settings.backend != "opensearch":
        return []
    probe = Probe(settings.opensearch_hosts, settings.opensearch_index)
    try:
        return probe.local_jvms()
    except TransportError:  # gone meanwhile: the figures get a note, the run goes on
        return []
    finally:
        probe.close()


# --------------------------------------------------------------------- report


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _timing_cell(result: EngineResult, p: float) -> str:
    return _ms(result.timings, p)


def _ms(values: Sequence[float], p: float) -> str:
    return f"{percentile(values, p):.1f}" if values else "–"


def _jvm(result: EngineResult, figure: Callable[[JvmStats], float], digits: int = 0) -> str:
    jvm = result.build.jvm
    return _num(None if jvm is None else figure(jvm), digits)


def _import_cpu(result: EngineResult) -> float:
    """CPU seconds of the whole import: its processes, and the JVMs when measured."""
    jvm = result.build.jvm
    return result.build.run.cpu_s + (jvm.cpu_s if jvm else 0.0)


def _queries_per_cpu_second(result: EngineResult) -> float:
    return 1000 / (result.cpu.own_ms + (result.cpu.jvm_ms or 0.0))


def render_table(
    results: dict[str, EngineResult], truths: Sequence[set[str]], articles: int
) -> str:
    def row(label: str, cell: Callable[[EngineResult], str]) -> str:
        return f"| {label} | " + " | ".join(cell(r) for r in results.values()) + " |"

    lines = [
        "| | " + " | ".join(results) + " |",
        "| --- |" + " ---: |" * len(results),
        row("import time (s)", lambda r: f"{r.build.run.seconds:.1f}"),
        row("import articles/s", lambda r: f"{articles / r.build.run.seconds:,.0f}"),
        row("import CPU, import processes (s)", lambda r: f"{r.build.run.cpu_s:,.0f}"),
        row("import CPU, JVMs (s)", lambda r: _jvm(r, lambda j: j.cpu_s)),
        row(
            "import articles per CPU-second, all processes",
            lambda r: _num(articles / _import_cpu(r)),
        ),
        row("peak RSS, largest import process (MB)", lambda r: f"{r.build.run.peak_rss_mb:,.0f}"),
        row("peak PSS, import processes summed (MB)", lambda r: f"{r.build.run.tree_pss_mb:,.0f}"),
        row("JVM heap (-Xmx), summed (MB)", lambda r: _jvm(r, lambda j: j.heap_mb)),
        row("JVMs' PSS before the import (MB)", lambda r: _jvm(r, lambda j: j.before_mb)),
        row("JVMs' peak PSS during the import (MB)", lambda r: _jvm(r, lambda j: j.peak_mb)),
        row("JVMs' peak RSS during the import (MB)", lambda r: _jvm(r, lambda j: j.peak_rss_mb)),
        row("JVMs' PSS after the import (MB)", lambda r: _jvm(r, lambda j: j.after_mb)),
        row("index size, one copy (MB)", lambda r: f"{r.build.size_mb:,.1f}"),
        row("index size, replicas included (MB)", lambda r: _num(r.build.size_total_mb, 1)),
        row("documents, one copy (Whoosh / Lucene)", lambda r: f"{r.build.documents:,}"),
    ]
    for p, label in ((50, "p50"), (95, "p95"), (99, "p99"), (100, "max")):
        lines.append(row(f"query {label} (ms)", partial(_timing_cell, p=p)))
    lines += [
        row("query p50, sort=date (ms)", lambda r: _ms(r.date_timings, 50)),
        row("query p95, sort=date (ms)", lambda r: _ms(r.date_timings, 95)),
        row("CPU per query, this process (ms)", lambda r: f"{r.cpu.own_ms:.1f}"),
        row("CPU per query, JVMs (ms)", lambda r: _num(r.cpu.jvm_ms, 1)),
        row("queries per CPU-second, all processes", lambda r: _num(_queries_per_cpu_second(r))),
        row("correct answers", lambda r: f"{sum(r.correct(truths))} / {len(truths)}"),
    ]
    return "\n".join(lines)


def render_misses(
    results: dict[str, EngineResult],
    queries: Sequence[str],
    truths: Sequence[set[str]],
    shown: int = 12,
) -> str:
    """The queries each engine got wrong, so a regression in baoku is named, not just counted."""
    lines = []
    for name, result in results.items():
        wrong = [
            f"{q} (truth {len(t)}, total {a.total}, missing {len(t - a.ids)}, "
            f"extra {len(a.ids - t)})"
            for q, t, a, ok in zip(
                queries, truths, result.answers, result.correct(truths), strict=True
            )
            if not ok
        ]
        more = f"; … {len(wrong) - shown} more" if len(wrong) > shown else ""
        lines.append(f"- {name} wrong on {len(wrong)}: {'; '.join(wrong[:shown]) or '-'}{more}")
        lines += [f"- {name}: {note}" for note in result.notes]
    return "\n".join(lines)


def write_details(
    path: Path,
    results: dict[str, EngineResult],
    queries: Sequence[str],
    truths: Sequence[set[str]],
) -> None:
    """Per-query answers and median latency: where to look when a number moves."""
    header = ["query", "truth"]
    for name in results:
        header += [f"{name}_total", f"{name}_correct", f"{name}_p50_ms"]
    rows = ["\t".join(header)]
    correct = {name: r.correct(truths) for name, r in results.items()}
    for i, (query, truth) in enumerate(zip(queries, truths, strict=True)):
        cells = [query, str(len(truth))]
        for name, result in results.items():
            own = result.timings[i :: len(queries)]
            answer, ok = result.answers[i], correct[name][i]
            cells += [str(answer.total), str(ok), f"{percentile(own, 50):.2f}"]
        rows.append("\t".join(cells))
    path.write_text("\n".join(rows) + "\n", "utf-8")


def describe_cluster(hosts: str, prefix: str) -> str:
    """The cluster line of the report: version, nodes and their heap, where they run."""
    probe = Probe(hosts, prefix)
    try:
        nodes, version, local = probe.nodes(), probe.version(), bool(probe.local_jvms())
    finally:
        probe.close()
    heaps = sorted({f"{node.heap_max / 2**20:.0f} MB" for node in nodes})
    where = "all on this machine" if local else "not all on this machine (no JVM figures)"
    return (
        f"- baoku-opensearch: OpenSearch {version}, {len(nodes)} nodes ({where}), heap "
        f"{' / '.join(heaps)} each, archive `{prefix}` at {hosts}"
    )


def describe_run(
    files: Sequence[Path],
    haystack: Haystack,
    queries: Sequence[str],
    repeats: int,
    seconds: float,
    cluster: str | None,
) -> str:
    lines = [
        f"- corpus: {', '.join(p.name for p in files)}: {len(haystack.ids):,} articles, "
        f"{haystack.paragraphs:,} paragraphs",
        f"- queries: {len(queries)}, each run once to warm up, then timed {repeats} times",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Whoosh {whoosh.versionstring()}, "
        f"jieba {jieba.__version__}",
        "- baoku latency: top 10 articles with snippets, and the total; baseline latency: "
        "QueryParser, search(limit=None) and the set of article ids",
        *([cluster] if cluster else []),
        f"- whole benchmark run: {seconds:.0f} s",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------ main


def engine_list(text: str) -> list[str]:
    """`--engines`: comma-separated names from ENGINES, in the order given."""
    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"engines are {', '.join(ENGINES)}; got {text!r}")
    return names


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.jsonl")
    parser.add_argument("--limit-articles", type=int, metavar="N", help="first N articles per file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="for results.md, queries.tsv")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="one query a line")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed runs per query")
    parser.add_argument("--make-queries", action="store_true", help="rewrite the sampled queries")
    parser.add_argument(
        "--engines",
        type=engine_list,
        default=list(ENGINES),
        help=f"comma-separated, of {','.join(ENGINES)} (default: all)",
    )
    parser.add_argument(
        "--opensearch-hosts", default=DEFAULT_HOSTS, help="the cluster's node URLs, comma-separated"
    )
    parser.add_argument(
        "--opensearch-index",
        default=DEFAULT_PREFIX,
        help=f"name prefix of the benchmark's archive on the cluster, deleted before and after "
        f"the run (default {DEFAULT_PREFIX})",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="build the Whoosh indexes in DIR and keep them, and the cluster's archive, "
        "for bench/load.py (default: a temporary folder, everything deleted)",
    )
    # The build subprocess: python bench/run.py --build-engine E --build-work DIR ... FILE...
    parser.add_argument("--build-engine", choices=sorted(BUILDERS), help=argparse.SUPPRESS)
    parser.add_argument("--build-work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("inputs", nargs="*", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def check_cluster(args: argparse.Namespace) -> str | None:
    """The cluster's description, or exit before any work when it cannot be reached."""
    if "baoku-opensearch" not in args.engines:
        return None
    try:
        return describe_cluster(args.opensearch_hosts, args.opensearch_index)
    except Exception as exc:  # whatever the client raises: the run cannot start
        sys.exit(
            f"cannot reach the OpenSearch cluster at {args.opensearch_hosts} ({exc}); start it "
            "(make opensearch) or leave it out: --engines baoku,baseline"
        )


def drop_archive(args: argparse.Namespace) -> None:
    """Delete the benchmark's archive from the cluster (unless `--keep`)."""
    if "baoku-opensearch" in args.engines and not args.keep:
        probe = Probe(args.opensearch_hosts, args.opensearch_index)
        try:
            probe.drop()
        finally:
            probe.close()


def work_dir(args: argparse.Namespace, stack: ExitStack) -> Path:
    """`--keep DIR`, or a temporary folder that goes when `stack` closes."""
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return args.keep.resolve()
    return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="baoku-bench-")))


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.build_engine:
        build_child(args)
        return
    command = shlex.join([sys.executable, *sys.argv])
    files = corpus_files(args.corpus.resolve())
    if args.make_queries:
        count = make_queries(list(iter_records(files)), args.queries)
        print(f"wrote {count} sampled queries to {args.queries}")
        return
    queries = load_queries(args.queries)
    cluster = check_cluster(args)
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    with ExitStack() as stack:
        stack.callback(drop_archive, args)
        work = work_dir(args, stack)
        if args.limit_articles:
            files = limit_corpus(files, args.limit_articles, work / "corpus")
        say(f"{len(queries)} queries: brute-force truth")
        haystack = Haystack(iter_records(files))
        truths = [haystack.truth(q) for q in queries]
        results = {}
        for name in args.engines:
            settings = engine_settings(name, work, args.opensearch_hosts, args.opensearch_index)
            build = build_command(name, args, work, files)
            results[name] = measure_engine(name, settings, build, queries, args.repeats, say)
    report = "\n\n".join(
        [
            f"`{command}`",
            describe_run(
                files, haystack, queries, args.repeats, time.perf_counter() - started, cluster
            ),
            render_table(results, truths, len(haystack.ids)),
            render_misses(results, queries, truths),
        ]
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(report + "\n", "utf-8")
    write_details(args.out / "queries.tsv", results, queries, truths)
    say(f"done: {args.out / 'results.md'}, {args.out / 'queries.tsv'}")
    print(report)


if __name__ == "__main__":
    main()
