"""In-process query latency over an existing index: the realistic set and the worst cases.

    python bench/latency.py --index DIR [--repeats 3] [--no-cache]

Opens one `WhooshReader` (as a server worker does), runs every query of
bench/queries.txt once to warm up, then `--repeats` timed runs each, as the
search page asks them (top 10 with snippets, exact total, facets on). Then
the worst cases the scale issue names, each timed the same way: single very
common characters and words, an OR of common terms, date-sorted, paragraph
grouping. `--no-cache` empties the decoded-postings cache before every query,
so the figures show the cost of reading postings from disk too (the page
cache still holds the files).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from search.backends.whoosh import postings
from search.backends.whoosh.reader import WhooshReader
from search.config import Settings
from search.query.params import search_request
from search.query.request import SearchRequest

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from load import load_queries, percentile  # noqa: E402

WORST: list[tuple[str, dict[str, str]]] = [
    ("的", {}),
    ("中", {}),
    ("中国", {}),
    ("发展", {}),
    ("习近平", {}),
    ("中国 发展", {}),
    ("中国 OR 发展 OR 经济 OR 人民", {}),
    ('"中华人民共和国"', {}),
    ("中国", {"sort": "date"}),
    ("的", {"sort": "date"}),
    ("发展", {"group": "paragraph"}),
    ("中国 -发展", {}),
]


@dataclass(frozen=True)
class Figures:
    open_ms: float
    queries: int
    p50: float
    p95: float
    p99: float
    max: float
    slowest: list[tuple[float, str]]  # (median ms, query), slowest last
    worst: list[tuple[str, float, int]]  # (label, median ms, total)


def timed(archive: WhooshReader, request: SearchRequest, cold: bool) -> tuple[float, int]:
    if cold:
        postings.clear_cache()
    started = time.perf_counter()
    result = archive.search(request)
    return (time.perf_counter() - started) * 1000, result.total


def measure(index_dir: Path, queries: list[str], repeats: int, cold: bool) -> Figures:
    started = time.perf_counter()
    archive = WhooshReader(Settings(index_dir=index_dir))
    open_ms = (time.perf_counter() - started) * 1000
    requests = [SearchRequest(q, facets=True) for q in queries]
    for request in requests:
        archive.search(request)
    timings: list[float] = []
    slowest: list[tuple[float, str]] = []
    for request in requests:
        runs = [timed(archive, request, cold)[0] for _ in range(repeats)]
        timings += runs
        slowest.append((statistics.median(runs), request.query))
    worst = []
    for query, options in WORST:
        request = search_request({"q": query, **options}, facets=True)
        archive.search(request)
        measured = [timed(archive, request, cold) for _ in range(repeats)]
        label = " ".join([query, *(f"{k}={v}" for k, v in options.items())])
        worst.append((label, statistics.median(t for t, _ in measured), measured[0][1]))
    archive.close()
    return Figures(
        open_ms=open_ms,
        queries=len(queries),
        p50=percentile(timings, 50),
        p95=percentile(timings, 95),
        p99=percentile(timings, 99),
        max=max(timings),
        slowest=sorted(slowest)[-8:],
        worst=worst,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=BENCH / "queries.txt")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-cache", action="store_true", help="empty the postings cache first")
    args = parser.parse_args()
    figures = measure(args.index, load_queries(args.queries), args.repeats, args.no_cache)
    print(f"open + snapshot: {figures.open_ms:.0f} ms")
    print(
        f"{figures.queries} queries x {args.repeats}: p50 {figures.p50:.1f} ms, "
        f"p95 {figures.p95:.1f} ms, p99 {figures.p99:.1f} ms, max {figures.max:.1f} ms"
    )
    print("slowest (median ms):", ", ".join(f"{q} {t:.0f}" for t, q in figures.slowest))
    print("\nworst cases (facets on; median of repeats, ms; total):")
    for label, ms, total in figures.worst:
        print(f"  {label:40} {ms:8.1f}  {total}")


if __name__ == "__main__":
    main()
