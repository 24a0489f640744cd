"""Benchmark baoku against a naive Whoosh + jieba index on the shared corpus.

    python bench/run.py [--corpus ../shared/corpus] [--limit-articles N] [--out bench/out]
    python bench/run.py --make-queries     # rewrite the sampled part of bench/queries.txt

A script, not a test: the full corpus takes many minutes and the numbers are
for people comparing designs, not a pass/fail gate.

How it measures, and why:

* Each index is built in its own subprocess, so both engines are timed and
  measured the same way. Peak RSS comes from `os.wait4` (the largest single
  process, reaped worker children included); a sampler also sums the memory
  of the whole process tree, because baoku works in several processes and the
  largest one alone would flatter it. The sum is of PSS, not RSS: forked
  workers share pages with their parent, and RSS would count those twice.
* The baseline is what one writes first: jieba's `ChineseAnalyzer` on a TEXT
  field, one Whoosh document per paragraph and one for the title, the stock
  `QueryParser`, matching paragraphs grouped by article id.
* The truth is a brute-force substring scan with baoku's own normalisation
  (`normalize`, `squeeze`): that is baoku's contract ("a query matches exactly
  where the normalised string occurs"), and what a journalist expects of a
  search box, so both engines are judged against it.
* Latency is in-process and warm: every query once, then `--repeats` timed
  runs of each query; every timing is kept for the percentiles.
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
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import jieba
import whoosh
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from search import analysis
from search.analysis import normalize, squeeze
from search.backends import backend_for
from search.config import Settings
from search.models import SearchRequest, SearchResult, SortBy

BENCH = Path(__file__).resolve().parent
DEFAULT_CORPUS = BENCH.parents[1] / "shared" / "corpus"
DEFAULT_QUERIES = BENCH / "queries.txt"
DEFAULT_OUT = BENCH / "out"
SEED = 1998
REPEATS = 3
BASELINE_LIMIT_MB = 256
SAMPLE_SECONDS = 0.2
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


def build_baoku(inputs: Sequence[Path], index_dir: Path) -> None:
    settings = Settings(index_dir=index_dir)
    analysis.configure(settings.cache_dir, None)
    report = backend_for(settings).writer().import_paths(inputs)
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


def build_baseline(inputs: Sequence[Path], index_dir: Path) -> None:
    jieba.setLogLevel(logging.WARNING)
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


BUILDERS: dict[str, Callable[[Sequence[Path], Path], None]] = {
    "baoku": build_baoku,
    "baseline": build_baseline,
}


def build_child(engine: str, index_dir: Path, inputs: Sequence[Path]) -> None:
    """The subprocess side: build, then print the wall time as JSON for the parent."""
    started = time.perf_counter()
    BUILDERS[engine](inputs, index_dir)
    print(json.dumps({"seconds": time.perf_counter() - started}))


@dataclass(frozen=True)
class BuildStats:
    seconds: float
    peak_rss_mb: float  # largest single process (os.wait4), reaped workers included
    tree_pss_mb: float  # PSS of the process tree summed, sampled every SAMPLE_SECONDS
    size_mb: float
    documents: int  # Whoosh documents in the index


def _process_tree_pss(root: int) -> int:
    """Bytes of memory `root` and all its descendants use right now (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, frontier = [root], [root]
    while frontier:
        found = children.get(frontier.pop(), [])
        tree += found
        frontier += found
    return sum(_pss(pid) for pid in tree)


def _pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages split among the processes sharing them."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0  # gone meanwhile
    match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(match[1]) * 1024 if match else 0


class TreePssSampler(threading.Thread):
    """Polls the summed PSS of a process tree until stopped and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        if not Path("/proc/self/smaps_rollup").exists():
            return  # not Linux (or older than 4.14): the row shows 0
        while not self.stopped.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, _process_tree_pss(self.pid))


def measure_build(engine: str, inputs: Sequence[Path], index_dir: Path) -> BuildStats:
    command = [sys.executable, str(Path(__file__).resolve()), "--build-engine", engine]
    command += ["--build-index", str(index_dir), *(str(p) for p in inputs)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    sampler = TreePssSampler(child.pid)
    sampler.start()
    assert child.stdout is not None
    output = child.stdout.read()
    # wait4, not communicate(): it hands back the child's rusage, its reaped workers included.
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    sampler.stopped.set()
    sampler.join()
    child.stdout.close()
    if child.returncode != 0:
        sys.exit(f"{engine}: index build failed (exit {child.returncode})")
    return BuildStats(
        seconds=json.loads(output.strip().splitlines()[-1])["seconds"],
        peak_rss_mb=usage.ru_maxrss / 1024,
        tree_pss_mb=sampler.peak / 2**20,
        size_mb=sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 2**20,
        documents=whoosh_index.open_dir(str(index_dir)).doc_count(),
    )


# --------------------------------------------------------------------- engines


@dataclass(frozen=True)
class Answer:
    total: int  # what the engine says matched
    ids: frozenset[str]  # the article ids it actually listed


class Engine(Protocol):
    def search(self, query: str) -> object: ...

    def answer(self, query: str) -> Answer: ...


class Baoku:
    """baoku through its public query API, as the CLI and the web app call it."""

    def __init__(self, index_dir: Path) -> None:
        self.archive = backend_for(Settings(index_dir=index_dir)).reader()

    def search(self, query: str, sort: SortBy = "relevance") -> SearchResult:
        return self.archive.search(SearchRequest(query=query, size=10, sort=sort))

    def answer(self, query: str) -> Answer:
        """The total baoku reports and every matching article id (ids only, no snippets)."""
        total = self.archive.search(SearchRequest(query=query, size=1)).total
        return Answer(total, frozenset(self.archive.article_ids(SearchRequest(query=query))))


class Baseline:
    """The naive index: stock QueryParser, every matching paragraph, grouped by article."""

    def __init__(self, index_dir: Path) -> None:
        ix = whoosh_index.open_dir(str(index_dir))
        self.searcher = ix.searcher()
        self.parser = QueryParser("content", ix.schema)

    def search(self, query: str) -> frozenset[str]:
        results = self.searcher.search(self.parser.parse(query), limit=None)
        return frozenset(hit["article_id"] for hit in results)

    def answer(self, query: str) -> Answer:
        ids = self.search(query)
        return Answer(len(ids), ids)


# --------------------------------------------------------------------- timing


def time_queries(run: Callable[[str], object], queries: Sequence[str], repeats: int) -> list[float]:
    """Milliseconds per call: one warm-up pass, then `repeats` passes, every timing kept.

    Timings are in pass order: query i of pass r is at r * len(queries) + i.
    """
    for query in queries:
        run(query)
    timings = []
    for _ in range(repeats):
        for query in queries:
            started = time.perf_counter()
            run(query)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: always a measured value, never an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class EngineResult:
    build: BuildStats
    answers: list[Answer]
    timings: list[float]
    date_timings: list[float] = field(default_factory=list)

    def correct(self, truths: Sequence[set[str]]) -> list[bool]:
        return [a.total == len(t) and a.ids == t for a, t in zip(self.answers, truths, strict=True)]


def measure_engine(
    name: str,
    files: Sequence[Path],
    index_dir: Path,
    queries: Sequence[str],
    repeats: int,
    say: Callable[[str], None],
) -> EngineResult:
    say(f"{name}: indexing")
    build = measure_build(name, files, index_dir)
    say(f"{name}: indexed in {build.seconds:.1f}s; collecting every answer")
    engine: Engine = Baoku(index_dir) if name == "baoku" else Baseline(index_dir)
    answers = [engine.answer(q) for q in queries]
    say(f"{name}: timing {len(queries)} queries x {repeats}")
    result = EngineResult(build, answers, time_queries(engine.search, queries, repeats))
    if isinstance(engine, Baoku):
        say(f"{name}: timing sort=date")
        result.date_timings = time_queries(partial(engine.search, sort="date"), queries, repeats)
    return result


# --------------------------------------------------------------------- report


def _timing_cell(result: EngineResult, p: float) -> str:
    return _ms(result.timings, p)


def _ms(values: Sequence[float], p: float) -> str:
    return f"{percentile(values, p):.1f}" if values else "–"


def render_table(results: dict[str, EngineResult], truths: Sequence[set[str]]) -> str:
    def row(label: str, cell: Callable[[EngineResult], str]) -> str:
        return f"| {label} | " + " | ".join(cell(r) for r in results.values()) + " |"

    lines = [
        "| | " + " | ".join(results) + " |",
        "| --- |" + " ---: |" * len(results),
        row("index time (s)", lambda r: f"{r.build.seconds:.1f}"),
        row("peak RSS, largest process (MB)", lambda r: f"{r.build.peak_rss_mb:.0f}"),
        row("peak PSS, all processes summed (MB)", lambda r: f"{r.build.tree_pss_mb:.0f}"),
        row("index size (MB)", lambda r: f"{r.build.size_mb:.1f}"),
        row("Whoosh documents", lambda r: f"{r.build.documents:,}"),
    ]
    for p, label in ((50, "p50"), (95, "p95"), (99, "p99"), (100, "max")):
        lines.append(row(f"query {label} (ms)", partial(_timing_cell, p=p)))
    lines += [
        row("query p50, sort=date (ms)", lambda r: _ms(r.date_timings, 50)),
        row("query p95, sort=date (ms)", lambda r: _ms(r.date_timings, 95)),
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


def describe_run(
    files: Sequence[Path],
    haystack: Haystack,
    queries: Sequence[str],
    repeats: int,
    seconds: float,
) -> str:
    return "\n".join(
        [
            f"- corpus: {', '.join(p.name for p in files)}: {len(haystack.ids):,} articles, "
            f"{haystack.paragraphs:,} paragraphs",
            f"- queries: {len(queries)}, each run once to warm up, then timed {repeats} times",
            f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, Whoosh {whoosh.versionstring()}, "
            f"jieba {jieba.__version__}",
            "- baoku latency: top 10 articles with snippets, and the total; baseline latency: "
            "QueryParser, search(limit=None) and the set of article ids",
            f"- whole benchmark run: {seconds:.0f} s",
        ]
    )


# ------------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.jsonl")
    parser.add_argument("--limit-articles", type=int, metavar="N", help="first N articles per file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="for results.md, queries.tsv")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="one query a line")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed runs per query")
    parser.add_argument("--make-queries", action="store_true", help="rewrite the sampled queries")
    # The build subprocess: python bench/run.py --build-engine E --build-index DIR FILE...
    parser.add_argument("--build-engine", choices=sorted(BUILDERS), help=argparse.SUPPRESS)
    parser.add_argument("--build-index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("inputs", nargs="*", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.build_engine:
        build_child(args.build_engine, args.build_index, args.inputs)
        return
    command = shlex.join([sys.executable, *sys.argv])
    files = corpus_files(args.corpus.resolve())
    if args.make_queries:
        count = make_queries(list(iter_records(files)), args.queries)
        print(f"wrote {count} sampled queries to {args.queries}")
        return
    queries = load_queries(args.queries)
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="baoku-bench-") as scratch:
        work = Path(scratch)
        if args.limit_articles:
            files = limit_corpus(files, args.limit_articles, work / "corpus")
        say(f"{len(queries)} queries: brute-force truth")
        haystack = Haystack(iter_records(files))
        truths = [haystack.truth(q) for q in queries]
        results = {
            name: measure_engine(name, files, work / name, queries, args.repeats, say)
            for name in ("baoku", "baseline")
        }
    report = "\n\n".join(
        [
            f"`{command}`",
            describe_run(files, haystack, queries, args.repeats, time.perf_counter() - started),
            render_table(results, truths),
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
