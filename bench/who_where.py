"""Entity filters and facets on a full index: what counting who and where adds to a search.

    python bench/who_where.py --index DIR [--repeats 5]
    python bench/who_where.py --backend opensearch --opensearch-index NAME \
        --opensearch-hosts URL,URL,URL

Warm, in process, on either engine. Each query is searched with every
facet (sections, authors, months, people, places, organisations: what the
search page and /api/search ask for) and, as the baseline in the same run,
without facets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from search.backends import backend_for
from search.query.request import SearchRequest

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from load import add_archive_arguments, archive_settings, percentile, server_env  # noqa: E402

QUERIES = ("person:江泽民", "place:香港", "org:国务院", "扶贫", "中国", "person:习近平 place:上海")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_archive_arguments(parser)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    reader = backend_for(archive_settings(server_env(args))).reader()
    print(f"{reader.stats().articles:,} articles, {args.repeats} rounds after a warm-up, ms")
    print("| query | hits | with all facets p50 | p95 | baseline: no facets p50 | p95 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for query in QUERIES:
        times: dict[bool, list[float]] = {True: [], False: []}
        for facets in (True, False):
            reader.search(SearchRequest(query, facets=facets))  # warm-up
            for _ in range(args.repeats):
                started = time.perf_counter()
                found = reader.search(SearchRequest(query, facets=facets))
                times[facets].append((time.perf_counter() - started) * 1000)
        cells = [
            f"{statistics.median(times[f]):.1f} | {percentile(times[f], 95):.1f}"
            for f in (True, False)
        ]
        print(f"| `{query}` | {found.total:,} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
