"""What entity extraction adds to a full-corpus import: the same import with and without it.

    python bench/import_cost.py [--corpus ../shared/corpus] [--rounds 1] [--keep DIR]

Each round imports the whole corpus into a fresh Whoosh index twice, in
alternating order: once as shipped, once with `entities.extract` replaced by
a function that finds nothing (the import as it was before extraction). The
workers are forked from this process, so they run the replacement too.
`--keep DIR` keeps the last index built with extraction there (for the facet
benchmarks).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from unittest import mock

from search.backends import backend_for
from search.config import Settings
from search.ingest.pipeline import import_paths
from search.models import IndexReport, Mention
from search.text import analysed

BENCH = Path(__file__).resolve().parent


def nothing(units: Sequence[Sequence[str]], authors: Sequence[str] = ()) -> tuple[Mention, ...]:
    return ()


def timed_import(
    corpus: Path, extract: Callable[..., tuple[Mention, ...]], keep: Path | None
) -> IndexReport:
    with tempfile.TemporaryDirectory(prefix="baoku-import-") as folder:
        index_dir = Path(folder) / "index"
        with mock.patch.object(analysed, "extract", extract):
            report = import_paths(backend_for(Settings(index_dir=index_dir)).writer(), [corpus])
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(index_dir, keep)
        return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=BENCH.parent.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the index built with extraction here")
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"with extraction": [], "baseline: without": []}
    articles = 0
    started = time.perf_counter()
    for round_number in range(args.rounds):
        order = list(runs) if round_number % 2 == 0 else list(reversed(runs))
        for name in order:
            extract = analysed.extract if name == "with extraction" else nothing
            shipped = name == "with extraction"
            report = timed_import(args.corpus, extract, args.keep if shipped else None)
            runs[name].append(report.seconds)
            articles = report.articles
            print(f"round {round_number + 1}, {name}: {report.seconds:.1f} s", flush=True)
    print(f"\n{articles:,} articles, {args.rounds} round(s), {time.perf_counter() - started:.0f} s")
    print("| import | seconds (best) | articles/s |")
    print("| --- | ---: | ---: |")
    for name, seconds in runs.items():
        print(f"| {name} | {min(seconds):.1f} | {articles / min(seconds):.0f} |")
    base, extracting = min(runs["baseline: without"]), min(runs["with extraction"])
    print(f"\nextraction adds {100 * (extracting - base) / base:.1f}% to the import")


if __name__ == "__main__":
    main()
