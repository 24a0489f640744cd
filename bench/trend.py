"""Trend latency on a full index: 3 queries by year (and by month), warm, in process.

    python bench/trend.py --index DIR [--repeats 5]

Each request is /api/trend with three queries drawn from bench/queries.txt
(seed 1998), as the trend page asks it. The baseline, in the same run, is
what a trend would cost without the month facet: one search per query and
period (a year each), its `total` read.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from search.backends import backend_for
from search.config import Settings
from search.query.params import date_param
from search.query.request import SearchRequest
from search.web import create_app

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from load import load_queries, percentile, timing_row  # noqa: E402

TRIPLES = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    settings = Settings(index_dir=args.index)
    client = create_app(settings).test_client()
    queries = load_queries(BENCH / "queries.txt")
    rng = random.Random(1998)
    triples = [rng.sample(queries, 3) for _ in range(TRIPLES)]
    print(f"{TRIPLES} triples of queries from bench/queries.txt, {args.repeats} rounds, warm")
    print("| request | n | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for by in ("year", "month"):
        urls = [f"/api/trend?{urlencode({'q': t, 'by': by}, doseq=True)}" for t in triples]
        for url in urls:
            assert client.get(url).status_code == 200, url
        print(timing_row(f"3 queries by {by}", client.get, urls, args.repeats))
    reader = backend_for(settings).reader()
    years = sorted({c.date.year for c in reader.calendar()})
    times = []
    for triple in triples:
        started = time.perf_counter()
        for query in triple:
            for year in years:
                low, high = date_param(str(year), "from"), date_param(str(year), "to", end=True)
                reader.search(SearchRequest(query, size=1, date_from=low, date_to=high))
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"| baseline: a search per query and year ({len(years)} years) | {len(times)} | "
        f"{statistics.median(times):.1f} | {percentile(times, 95):.1f} | {max(times):.1f} |"
    )


if __name__ == "__main__":
    main()
