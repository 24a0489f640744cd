"""Browsing latency on a full index: /browse, a month, a day, a page, and their APIs.

    python bench/browse.py --index DIR [--days 50] [--repeats 5]

Requests go through the Flask app in process (the server's code path without
the network), warm: every URL is fetched once first, then `--repeats` timed
rounds. Days are drawn (seed 1998) from the days that have articles.

The baseline, in the same run, is what browsing would cost without the
engine's `calendar`: counting articles per day by reading every stored
article once, in index order (Whoosh only).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

from search.backends import backend_for
from search.backends.whoosh.reader import WhooshReader
from search.config import Settings
from search.web import create_app

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from load import timing_row  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--days", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    settings = Settings(index_dir=args.index)
    client = create_app(settings).test_client()
    reader = backend_for(settings).reader()
    calendar = reader.calendar()
    days = sorted({c.date for c in calendar})
    chosen = random.Random(1998).sample(days, min(args.days, len(days)))
    day_pages = {}
    for day in chosen:
        issue = client.get(f"/api/issues/{day}").get_json()
        paper = issue["papers"][0]
        day_pages[day] = f"/browse/{day}/{quote(paper['paper'])}/{quote(paper['pages'][0]['page'])}"
    groups = {
        "/browse": ["/browse"],
        "/browse/YYYY-MM": sorted({f"/browse/{d.isoformat()[:7]}" for d in chosen}),
        "/browse/YYYY-MM-DD": [f"/browse/{d}" for d in chosen],
        "/browse/DAY/PAPER/PAGE": list(day_pages.values()),
        "/api/dates?by=day": ["/api/dates?by=day"],
        "/api/issues/DAY": [f"/api/issues/{d}" for d in chosen],
    }
    for urls in groups.values():  # warm: caches filled, templates compiled
        for url in urls:
            assert client.get(url).status_code == 200, url
    print(f"{len(calendar):,} (day, paper) counts, {len(days):,} days; {len(chosen)} days drawn")
    print("| request | n | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, urls in groups.items():
        print(timing_row(f"`{name}`", client.get, urls, args.repeats))
    started = time.perf_counter()
    snap = WhooshReader(settings).snapshot()
    per_day: dict[str, int] = {}
    for docnum in snap.parents.tolist():  # every live article's stored JSON, in order
        stored = snap.view.stored(docnum)["article"]
        if stored["date"]:
            per_day[stored["date"]] = per_day.get(stored["date"], 0) + 1
    baseline = (time.perf_counter() - started) * 1000
    label = f"baseline: count per day by reading all {len(snap.parents):,} stored articles"
    print(f"| {label} | 1 | {baseline:.0f} | | |")


if __name__ == "__main__":
    main()
