"""What 你是不是要找 costs: the reading table once per import, then each zero-hit query.

    python bench/hints.py --index DIR [--repeats 5]

Opens the archive at DIR (a Whoosh index of ../shared/corpus), times building the
reading table (`newsroom/hints.readings`: the whole term dictionary read as pinyin, paid
by the first query after an import), then, for misspelt queries as journalists type
them (homophones, folded readings, pinyin), the search alone (the baseline: what every
query costs anyway) and the hints on top of it, and prints what each suggests.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from search.backends import backend_for
from search.config import Settings
from search.newsroom.hints import hints, readings
from search.query.request import SearchRequest

MISSPELT = [
    "朱熔基", "江泽明", "zhurongji", "zhu rong ji", "xionganxinqu", "李朋", "胡锦滔",
    "温家保", "李克墙", "雄安新去", "一代一路", "粤港澳大湾去", "精准服贫", "脱贫功坚",
    "香港回龟", "进博汇", "新冠非炎", "beijingdongaohui", "shanghai", "朱熔基 金融",
]  # fmt: skip


TIMINGS = ("search alone, first", "hints, first", "search alone, again", "hints, again")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    reader = backend_for(Settings(index_dir=args.index)).reader()
    started = time.perf_counter()
    table = readings(reader)
    print(f"reading table: {time.perf_counter() - started:.1f} s, {len(table.exact):,} words")
    # A journalist's typo is new: its first run (postings of its variants not yet
    # decoded) is what a user waits for; the repeats show the cost once they are.
    timings: dict[str, list[float]] = {name: [] for name in TIMINGS}
    for query in MISSPELT:
        request = SearchRequest(query)
        for repeat in range(args.repeats):
            started = time.perf_counter()
            result = reader.search(request)
            middle = time.perf_counter()
            found = hints(reader, request, result)
            step = "first" if repeat == 0 else "again"
            timings[f"search alone, {step}"].append((middle - started) * 1000)
            timings[f"hints, {step}"].append((time.perf_counter() - middle) * 1000)
        offered = ", ".join(f"{s.query} ({s.articles})" for s in found.suggestions) or "-"
        print(f"{query}: {result.total} articles; {offered}")
    for name, values in timings.items():
        p50, p95 = statistics.median(values), percentile(values, 95)
        print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(values):.1f} ms")


if __name__ == "__main__":
    main()
