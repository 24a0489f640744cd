"""相关报道 latency on a full index: /api/articles/<id>/related, warm, in process.

    python bench/related.py --index DIR [--articles 100] [--repeats 3]

Articles drawn (seed 1998) from the whole archive. The baseline, in the same
run, is the article view without it (`/api/articles/<id>`), to show what the
related list adds to a page.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from search.backends.whoosh.reader import WhooshReader
from search.config import Settings
from search.web import create_app

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from load import timing_row  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(index_dir=args.index)
    client = create_app(settings).test_client()
    ids = WhooshReader(settings).snapshot().article_ids
    chosen = random.Random(1998).sample(ids, args.articles)
    groups = {
        "/api/articles/ID/related": [f"/api/articles/{i}/related" for i in chosen],
        "baseline: /api/articles/ID": [f"/api/articles/{i}" for i in chosen],
    }
    for urls in groups.values():
        for url in urls:
            assert client.get(url).status_code == 200, url
    print(f"{args.articles} articles drawn from {len(ids):,}, {args.repeats} rounds, warm")
    print("| request | n | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, urls in groups.items():
        print(timing_row(f"`{name}`", client.get, urls, args.repeats))


if __name__ == "__main__":
    main()
