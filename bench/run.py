"""Benchmark baoku against the naive Whoosh + jieba index on the shared corpus.

    python bench/run.py [--corpus ../shared/corpus] [--limit-articles N] [--out bench/out]
    python bench/run.py --make-queries     # rewrite the sampled part of bench/queries.txt

Why a script and not a test: the full corpus takes many minutes, and the
numbers are for people comparing designs, not pass/fail.

What is compared, and why it is measured this way:

* Indexing runs in a subprocess per engine, so both are timed and measured
  the same way: peak RSS comes from `os.wait4` (the largest single process,
  worker children included), and a sampler sums the RSS of the whole process
  tree, because baoku analyses in worker processes and the largest process
  alone would flatter it.
* The baseline is what one writes first: jieba's `ChineseAnalyzer` on a TEXT
  field, one Whoosh document per paragraph (and one for the title), the
  stock `QueryParser`, hits grouped by article id.
* Correctness is judged against a brute-force substring scan with baoku's own
  normalisation (`normalize`, `squeeze`): that is the contract baoku promises
  ("a query matches exactly where the normalised string occurs"), so the
  scan is the ground truth for both engines.
* Latency is in-process and warm: every query once, then `--repeats` timed
  runs of each; every timing is kept for the percentiles.
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.analysis import normalize, squeeze

BENCH = Path(__file__).resolve().parent
DEFAULT_CORPUS = BENCH.parents[1] / "shared" / "corpus"
DEFAULT_QUERIES = BENCH / "queries.txt"
DEFAULT_OUT = BENCH / "out"
SEED = 1998
REPEATS = 3
BASELINE_LIMIT_MB = 256
ID_PAGE_SIZE = 1000  # the largest page baoku serves; paging collects every matching id
RSS_SAMPLE_SECONDS = 0.2
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
    """Copies of `files` with only the first `limit` articles each, for quick runs."""
    dest.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in files:
        copy = dest / path.name
        with path.open(encoding="utf-8") as source, copy.open("w", encoding="utf-8") as out:
            lines = (line for line in source if line.strip())
            for _, line in zip(range(limit), lines, strict=False):
                out.write(line)
        copies.append(copy)
    return copies


# ---------------------------------------------------------------- ground truth


_QUERY_PART = re.compile(r'"([^"]+)"|([^\s"]+)')
_FORBIDDEN = re.compile(r'[()（）“”＂:：|]|^-|\s-|\b(?:AND|OR|NOT)\b')


def query_strings(query: str) -> list[str]:
    """The normalised strings a simple query asks for: each term, or a "phrase" as one."""
    parts = [phrase or word for phrase, word in _QUERY_PART.findall(query)]
    return [s for s in (squeeze(normalize(p)) for p in parts) if s]


def check_simple(query: str) -> None:
    """Only terms and "phrases", so the brute-force scan knows the exact answer."""
    if _FORBIDDEN.search(query) or query.count('"') % 2 or not query_strings(query):
        raise ValueError(f"not a simple query (terms and \"phrases\" only): {query!r}")


class Haystack:
    """Every article's searchable text in one string, for exact brute-force answers.

    Units (title, each paragraph, each author) are normalised and squeezed one
    by one, as baoku indexes them, and joined with newlines: a needle is
    squeezed, so it never holds a newline and never matches across two units.
    One big string lets `str.find` do the scanning at C speed; after a hit
    the scan jumps to the next article, so each query costs at most one
    `find` per matching article.
    """

    def __init__(self, records: Iterable[Record]) -> None:
        parts: list[str] = []
        self.starts: list[int] = []
        self.ids: list[str] = []
        offset = 0
        for record in records:
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
        sets = [self.articles_with(s) for s in query_strings(query)]
        return set.intersection(*sets) if sets else set()


# --------------------------------------------------------------------- queries


def load_queries(path: Path) -> list[str]:
    queries = []
    for line in path.read_text("utf-8").splitlines():
        query = line.strip()
        if query and not query.startswith("#"):
            check_simple(query)
            queries.append(query)
    return list(dict.fromkeys(queries))


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{6,}")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?[%％]?")
_PAIR_FLAGS = {"n", "nr", "ns", "nt", "nz", "vn"}


def _is_cjk(word: str, shortest: int, longest: int) -> bool:
    return shortest <= len(word) <= longest and _CJK.fullmatch(word) is not None


def _tagged(text: str) -> list[tuple[str, str]]:
    """jieba POS tags of `text`, words given in the archive's own characters.

    Tagging runs on the normalised (simplified) text, where jieba's dictionary
    works; `normalize` keeps lengths, so offsets map back to the original and a
    Traditional or full-width article yields a Traditional or full-width query.
    """
    import jieba.posseg

    words, offset = [], 0
    for pair in jieba.posseg.cut(normalize(text)):
        words.append((text[offset : offset + len(pair.word)], pair.flag))
        offset += len(pair.word)
    return words


def _tagged_word(flags: set[str], shortest: int, longest: int) -> Callable[..., str | None]:
    def pick(rng: random.Random, record: Record, text: str) -> str | None:
        words = [w for w, f in _tagged(text) if f in flags and _is_cjk(w, shortest, longest)]
        return rng.choice(words) if words else None

    return pick


def _phrase(rng: random.Random, record: Record, text: str) -> str | None:
    """A window that starts anywhere, so it usually cuts through words."""
    runs = _CJK_RUN.findall(text)
    if not runs:
        return None
    run = rng.choice(runs)
    size = rng.randint(3, 6)
    start = rng.randrange(len(run) - size + 1)
    return f'"{run[start : start + size]}"'


def _number(rng: random.Random, record: Record, text: str) -> str | None:
    numbers = [n for n in _NUMBER.findall(text) if len(n) >= 2]
    return rng.choice(numbers) if numbers else None


def _pair(rng: random.Random, record: Record, text: str) -> str | None:
    """Two words of one article, usually from different paragraphs."""
    other = rng.choice([record["title"], *record["paragraphs"]])
    words = [
        sorted({w for w, f in _tagged(t) if f in _PAIR_FLAGS and _is_cjk(w, 2, 4)})
        for t in (text, other)
    ]
    if not words[0] or not words[1]:
        return None
    first, second = rng.choice(words[0]), rng.choice(words[1])
    if first in second or second in first:
        return None
    return f"{first} {second}"


SAMPLERS: dict[str, tuple[int, Callable[..., str | None]]] = {
    "person names (jieba nr)": (20, _tagged_word({"nr"}, 2, 4)),
    "places (jieba ns)": (15, _tagged_word({"ns"}, 2, 6)),
    "organisations (jieba nt)": (10, _tagged_word({"nt"}, 2, 10)),
    "words (jieba n/vn/v/a/nz, 2-4 characters)": (20, _tagged_word({"n", "vn", "v", "a", "nz"}, 2, 4)),
    "phrases cut anywhere in the text (3-6 characters)": (15, _phrase),
    "numbers as printed": (10, _number),
    "two terms from one article": (10, _pair),
}


def sample_queries(records: Sequence[Record], seen: set[str]) -> dict[str, list[str]]:
    """Queries drawn from the text with a fixed seed, sources taken in turn.

    Sources in turn, not articles uniformly: the CCTV file is 96% of the
    articles and would otherwise crowd out the 1998 and Traditional ones.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    rng = random.Random(SEED)
    by_source: dict[str, list[Record]] = {}
    for record in records:
        by_source.setdefault(record["source"], []).append(record)
    sources = sorted(by_source)
    sampled: dict[str, list[str]] = {}
    for category, (wanted, pick) in SAMPLERS.items():
        found: list[str] = []
        for attempt in range(wanted * 200):
            if len(found) == wanted:
                break
            record = rng.choice(by_source[sources[attempt % len(sources)]])
            text = rng.choice([record["title"], *record["paragraphs"]])
            query = pick(rng, record, text)
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
    seen = set(load_queries_text(hand))
    lines = [SAMPLED_MARKER + f" (seed {SEED}); do not edit below this line"]
    count = 0
    for category, queries in sample_queries(records, seen).items():
        lines += ["", f"# {category}", *queries]
        count += len(queries)
    path.write_text(hand + "\n".join(lines) + "\n", "utf-8")
    return count


def load_queries_text(text: str) -> list[str]:
    return [q.strip() for q in text.splitlines() if q.strip() and not q.strip().startswith("#")]


# ---------------------------------------------------------------- index builds


@dataclass(frozen=True)
class BuildStats:
    seconds: float
    peak_rss_mb: float  # largest single process (os.wait4), workers included
    tree_rss_mb: float  # sum over the process tree, sampled
    size_mb: float
    documents: int  # Whoosh documents written


def build_baoku(inputs: Sequence[Path], index_dir: Path) -> int:
    from search import analysis
    from search.config import Settings
    from search.index import import_paths

    settings = Settings(index_dir=index_dir)
    analysis.configure(settings.cache_dir, None)
    report = import_paths(inputs, settings)
    if report.skipped:
        print(f"baoku skipped {len(report.skipped)} input(s): {report.skipped[0]}", file=sys.stderr)
    # One parent, one title unit (if any) and one document per paragraph per article.
    return report.articles * 2 + report.paragraphs


def baseline_schema() -> Any:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields

    return fields.Schema(
        id=fields.ID(stored=True),
        article_id=fields.ID(stored=True),
        content=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()),
    )


def build_baseline(inputs: Sequence[Path], index_dir: Path) -> int:
    import jieba
    from whoosh import index

    jieba.setLogLevel(logging.WARNING)
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), baseline_schema())
    writer = ix.writer(limitmb=BASELINE_LIMIT_MB, procs=1)
    documents = 0
    for record in iter_records(inputs):
        units = {"title": record["title"], **{str(n): p for n, p in enumerate(record["paragraphs"])}}
        for unit, text in units.items():
            if text.strip():
                writer.add_document(id=f"{record['id']}#{unit}", article_id=record["id"], content=text)
                documents += 1
    writer.commit()
    return documents


BUILDERS: dict[str, Callable[[Sequence[Path], Path], int]] = {
    "baoku": build_baoku,
    "baseline": build_baseline,
}


def build_child(engine: str, index_dir: Path, inputs: Sequence[Path]) -> None:
    """Runs in the subprocess: build, then report wall time and documents as JSON."""
    started = time.perf_counter()
    documents = BUILDERS[engine](inputs, index_dir)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "documents": documents}))


def _process_tree_rss(root: int) -> int:
    """Bytes resident in `root` and all its descendants right now (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier += children
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


class TreeRssSampler(threading.Thread):
    """Polls the process tree's summed RSS until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        if not Path("/proc/self/statm").exists():
            return
        while not self.stopped.wait(RSS_SAMPLE_SECONDS):
            self.peak = max(self.peak, _process_tree_rss(self.pid))


def measure_build(engine: str, inputs: Sequence[Path], index_dir: Path) -> BuildStats:
    command = [sys.executable, str(Path(__file__).resolve()), "--build-engine", engine]
    command += ["--build-index", str(index_dir), *(str(p) for p in inputs)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    sampler = TreeRssSampler(child.pid)
    sampler.start()
    assert child.stdout is not None
    output = child.stdout.read()
    # wait4, not communicate(): it returns the child's rusage (its reaped workers included).
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    sampler.stopped.set()
    sampler.join()
    if child.returncode != 0:
        sys.exit(f"{engine} index build failed (exit {child.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    return BuildStats(
        seconds=result["seconds"],
        peak_rss_mb=usage.ru_maxrss / 1024,
        tree_rss_mb=sampler.peak / 2**20,
        size_mb=sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 2**20,
        documents=result["documents"],
    )


# --------------------------------------------------------------------- engines


class Baoku:
    """baoku through its public query API, as the CLI and the web app call it."""

    name = "baoku"

    def __init__(self, index_dir: Path) -> None:
        from search.index import open_index
        from search.query import Archive

        self.archive = Archive(open_index(index_dir))

    def search(self, query: str, sort: str = "relevance") -> Any:
        from search.models import SearchRequest

        return self.archive.search(SearchRequest(query=query, size=10, sort=sort))  # type: ignore[arg-type]

    def article_ids(self, query: str) -> set[str]:
        """Every matching article id, paged 1000 at a time; `total` must agree."""
        from search.models import SearchRequest

        ids: set[str] = set()
        page, total = 1, 1
        while len(ids) < total:
            result = self.archive.search(SearchRequest(query=query, size=ID_PAGE_SIZE, page=page))
            total = result.total
            if not result.hits:
                break
            ids.update(hit.article_id for hit in result.hits)
            page += 1
        if len(ids) != total:
            ids.add(f"<total {total} but {len(ids)} distinct ids on the pages>")
        return ids


class Baseline:
    """The naive index: stock QueryParser, every matching paragraph, grouped by article."""

    name = "baseline"

    def __init__(self, index_dir: Path) -> None:
        from whoosh import index
        from whoosh.qparser import QueryParser

        ix = index.open_dir(str(index_dir))
        self.searcher = ix.searcher()
        self.parser = QueryParser("content", ix.schema)

    def search(self, query: str) -> set[str]:
        results = self.searcher.search(self.parser.parse(query), limit=None)
        return {hit["article_id"] for hit in results}

    def article_ids(self, query: str) -> set[str]:
        return self.search(query)


# --------------------------------------------------------------------- timing


def time_queries(run: Callable[[str], object], queries: Sequence[str], repeats: int) -> list[float]:
    """Milliseconds per call: one warm-up pass, then `repeats` passes, every timing kept."""
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
    timings: list[float]
    answers: list[set[str]]
    date_timings: list[float] = dataclasses.field(default_factory=list)


# --------------------------------------------------------------------- report


def _ms(values: Sequence[float], p: float) -> str:
    return f"{percentile(values, p):.1f}" if values else "–"


def render_table(results: dict[str, EngineResult], truths: Sequence[set[str]]) -> str:
    def row(label: str, cell: Callable[[EngineResult], str]) -> str:
        return f"| {label} | " + " | ".join(cell(r) for r in results.values()) + " |"

    def correct(result: EngineResult) -> str:
        right = sum(a == t for a, t in zip(result.answers, truths, strict=True))
        return f"{right} / {len(truths)}"

    lines = [
        "| | " + " | ".join(results) + " |",
        "| --- |" + " ---: |" * len(results),
        row("index time (s)", lambda r: f"{r.build.seconds:.1f}"),
        row("peak RSS, largest process (MB)", lambda r: f"{r.build.peak_rss_mb:.0f}"),
        row("peak RSS, all processes summed (MB)", lambda r: f"{r.build.tree_rss_mb:.0f}"),
        row("index size (MB)", lambda r: f"{r.build.size_mb:.1f}"),
        row("Whoosh documents", lambda r: f"{r.build.documents:,}"),
    ]
    for p in (50, 95, 99, 100):
        label = "max" if p == 100 else f"p{p}"
        lines.append(row(f"query {label} (ms)", lambda r, p=p: _ms(r.timings, p)))
    lines += [
        row("query p50, sort=date (ms)", lambda r: _ms(r.date_timings, 50)),
        row("query p95, sort=date (ms)", lambda r: _ms(r.date_timings, 95)),
        row("correct answers", correct),
    ]
    return "\n".join(lines)


def render_misses(
    results: dict[str, EngineResult], queries: Sequence[str], truths: Sequence[set[str]]
) -> str:
    lines = []
    for name, result in results.items():
        wrong = [
            f"{q} (truth {len(t)}, missing {len(t - a)}, extra {len(a - t)})"
            for q, t, a in zip(queries, truths, result.answers, strict=True)
            if a != t
        ]
        shown = "; ".join(wrong[:12]) + (f"; … {len(wrong) - 12} more" if len(wrong) > 12 else "")
        lines.append(f"- {name} wrong on {len(wrong)}: {shown or 'none'}")
    return "\n".join(lines)


def write_details(
    path: Path, results: dict[str, EngineResult], queries: Sequence[str], truths: Sequence[set[str]]
) -> None:
    """Per-query answers and median latency, to see which queries an engine gets wrong."""
    header = ["query", "truth"]
    for name in results:
        header += [f"{name}_articles", f"{name}_correct", f"{name}_p50_ms"]
    lines = ["\t".join(header)]
    for i, (query, truth) in enumerate(zip(queries, truths, strict=True)):
        cells = [query, str(len(truth))]
        for result in results.values():
            mine = result.timings[i :: len(queries)]
            answer = result.answers[i]
            cells += [str(len(answer)), str(answer == truth), f"{percentile(mine, 50):.2f}"]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", "utf-8")


def environment(files: Sequence[Path], records: Sequence[Record], queries: Sequence[str]) -> str:
    import jieba
    import whoosh

    paragraphs = sum(len(r["paragraphs"]) for r in records)
    return "\n".join(
        [
            f"- corpus: {', '.join(p.name for p in files)}: {len(records):,} articles, "
            f"{paragraphs:,} paragraphs",
            f"- queries: {len(queries)} (bench/queries.txt), {REPEATS} timed runs each after "
            "one warm-up run",
            f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, Whoosh {'.'.join(map(str, whoosh.versionstring().split('.')))}, "
            f"jieba {jieba.__version__}",
            "- baoku latency: top 10 articles with snippets and the total; baseline latency: "
            "QueryParser + search(limit=None) + the set of article ids",
        ]
    )


# ------------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.jsonl")
    parser.add_argument("--limit-articles", type=int, metavar="N", help="first N articles per file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where results.md goes")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed runs per query")
    parser.add_argument("--make-queries", action="store_true", help="rewrite the sampled queries")
    parser.add_argument("--build-engine", choices=sorted(BUILDERS), help=argparse.SUPPRESS)
    parser.add_argument("--build-index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("inputs", nargs="*", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_engine(engine: Any, queries: Sequence[str], repeats: int) -> tuple[list[set[str]], list[float]]:
    answers = [engine.article_ids(q) for q in queries]
    return answers, time_queries(engine.search, queries, repeats)


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
    global REPEATS
    REPEATS = args.repeats
    queries = load_queries(args.queries)
    clock = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - clock:7.1f}s] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="baoku-bench-") as scratch:
        work = Path(scratch)
        if args.limit_articles:
            files = limit_corpus(files, args.limit_articles, work / "corpus")
        records = list(iter_records(files))
        say(f"{len(records):,} articles; {len(queries)} queries")
        say("brute-force truth")
        haystack = Haystack(records)
        truths = [haystack.truth(q) for q in queries]
        results: dict[str, EngineResult] = {}
        for name, engine_class in (("baoku", Baoku), ("baseline", Baseline)):
            say(f"{name}: indexing")
            build = measure_build(name, files, work / name)
            say(f"{name}: indexed in {build.seconds:.1f}s; answering and timing queries")
            engine = engine_class(work / name)
            answers, timings = run_engine(engine, queries, REPEATS)
            results[name] = EngineResult(build, timings, answers)
            if isinstance(engine, Baoku):
                say("baoku: timing sort=date")
                results[name].date_timings = time_queries(
                    lambda q, e=engine: e.search(q, sort="date"), queries, REPEATS
                )
    report = "\n\n".join(
        [
            f"`{command}`",
            environment(files, records, queries),
            render_table(results, truths),
            render_misses(results, queries, truths),
        ]
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(report + "\n", "utf-8")
    write_details(args.out / "queries.tsv", results, queries, truths)
    say(f"done; wrote {args.out / 'results.md'} and {args.out / 'queries.tsv'}")
    print(report)


if __name__ == "__main__":
    main()
