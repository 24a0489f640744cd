"""How import time, index size and query latency grow with the archive: 10%, 100%, 200%.

    python bench/scale.py [--work /tmp/baoku-scale] [--fractions 0.1 1 2] [--keep]

For each fraction of `../shared/corpus/*.jsonl` it writes the input (the first
part of every file for fractions below 1; for 2, every file plus a copy of
each article under a new id, so the same text is indexed twice as the issue
asks), imports it with `baoku index` in a fresh process (time and peak RSS
from its summary), then measures in-process latency with bench/latency.py
(warm, and with the postings cache emptied before every query). Prints a
Markdown table for bench/README.md. Indexes are deleted unless `--keep`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from latency import measure  # noqa: E402
from load import load_queries  # noqa: E402

CORPUS = BENCH.parents[1] / "shared" / "corpus"
SUMMARY = re.compile(r"(\d+) articles, (\d+) paragraphs .* peak memory (\d+) MB")


def write_input(fraction: float, dest: Path) -> list[Path]:
    """The corpus scaled by `fraction`, as JSONL files in `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(CORPUS.glob("*.jsonl")):
        lines = [line for line in source.read_text("utf-8").splitlines() if line.strip()]
        target = dest / source.name
        if fraction <= 1:
            target.write_text("\n".join(lines[: max(1, round(len(lines) * fraction))]) + "\n")
        else:
            copies = []
            for copy in range(1, round(fraction)):
                for line in lines:
                    record = json.loads(line)
                    record["id"] = f"copy{copy}-{record['id']}"
                    copies.append(json.dumps(record, ensure_ascii=False))
            target.write_text("\n".join(lines + copies) + "\n")
        written.append(target)
    return written


def import_into(index_dir: Path, files: list[Path]) -> tuple[float, int, int, int]:
    """(seconds, articles, paragraphs, peak RSS MB) of one `baoku index` run."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "search", "--index", str(index_dir), "index", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    found = SUMMARY.search(done.stdout)
    if found is None:
        sys.exit(f"no summary in: {done.stdout}\n{done.stderr}")
    return seconds, int(found[1]), int(found[2]), int(found[3])


def size_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.iterdir() if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/baoku-scale"))
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 1.0, 2.0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the indexes")
    args = parser.parse_args()
    queries = load_queries(BENCH / "queries.txt")
    rows = []
    for fraction in args.fractions:
        work = args.work / f"x{fraction:g}"
        shutil.rmtree(work, ignore_errors=True)
        files = write_input(fraction, work / "input")
        index_dir = work / "index"
        seconds, articles, paragraphs, rss = import_into(index_dir, files)
        warm = measure(index_dir, queries, args.repeats, cold=False)
        cold = measure(index_dir, queries, args.repeats, cold=True)
        rows.append(
            f"| {fraction:.0%} | {articles:,} | {paragraphs:,} | {seconds:.0f} | {rss} | "
            f"{size_mb(index_dir):.0f} | {warm.p50:.1f} | {warm.p95:.1f} | {warm.max:.0f} | "
            f"{cold.p50:.1f} | {cold.p95:.1f} | {cold.max:.0f} | "
            f"{max(ms for _, ms, _ in cold.worst):.0f} |"
        )
        print(rows[-1], flush=True)
        if not args.keep:
            shutil.rmtree(work)
    print(f"\n`python bench/scale.py {' '.join(sys.argv[1:])}`\n")
    print(
        "| corpus | articles | paragraphs | import s | peak RSS MB | index MB | "
        "warm p50 ms | warm p95 ms | warm max ms | cold p50 ms | cold p95 ms | cold max ms | "
        "worst case, cold, ms |"
    )
    print("| " + " | ".join(["---:"] * 13) + " |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
