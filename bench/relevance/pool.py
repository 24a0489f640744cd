"""Pool the top 20 of every system for every topic, for judges who must not know who ranked what.

    python bench/relevance/pool.py [--run NAME] [--depth 20] [--systems baoku,...]
                                   [--data /work/relevance-data] [--todo DIR]

1. Runs each topic of `topics.tsv` on each system and writes the ranking to
   `runs/<NAME>-<system>.tsv` (topic, rank, article id). `runs/` is not
   committed and a judge does not open it: it says which system found what.
   NAME defaults to the current commit, so a run after a ranking change adds
   new files beside the old ones.
2. Pools every run file in `runs/`, old and new: per topic, the union of the
   ids, in an order fixed by a hash of topic and id (neither rank nor system
   shows through), written to `pool/<topic>.jsonl` with what a judge reads:
   date, title, the lead paragraph and the paragraphs holding the query's
   terms (or their aliases), trimmed.
3. Prints per topic how many pooled articles `qrels.tsv` has not graded yet;
   `--todo DIR` also writes those alone to `DIR/<topic>.jsonl`, in pool order,
   so a later run is judged without going through the graded ones again.
   `--no-run` pools the existing runs only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from systems import (
    DEFAULT_CORPUS,
    RELEVANCE,
    Topic,
    add_system_options,
    corpus_files,
    iter_records,
    load_qrels,
    load_topics,
    rankings,
    system_names,
)

from search.query import aliases
from search.query import language as ql
from search.query.request import shipped_aliases
from search.text.analysis import normalize, squeeze

RUNS = RELEVANCE / "runs"
POOL = RELEVANCE / "pool"
DEPTH = 20
LEAD_CHARS = 160  # the lead paragraph, trimmed: enough to see what the article is about
MATCH_CHARS = 160  # each paragraph holding a term, a window around its first match
MATCHES_SHOWN = 3
SHORT_LEAD = 40  # characters: a lead shorter than this takes the next paragraph too


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
        cwd=RELEVANCE,
    ).stdout.strip()


def write_runs(name: str, ranked: Iterable[tuple[str, dict[str, list[str]]]]) -> None:
    RUNS.mkdir(exist_ok=True)
    for system, by_topic in ranked:
        lines = [
            f"{topic}\t{rank}\t{article}\n"
            for topic, ids in by_topic.items()
            for rank, article in enumerate(ids, 1)
        ]
        (RUNS / f"{name}-{system}.tsv").write_text("".join(lines), "utf-8")
        print(f"{system}: {len(lines)} ranked articles -> runs/{name}-{system}.tsv")


def pooled_ids() -> dict[str, set[str]]:
    """topic -> every article id any run in `runs/` ranked for it."""
    pools: dict[str, set[str]] = {}
    for path in sorted(RUNS.glob("*.tsv")):
        for line in path.read_text("utf-8").splitlines():
            topic, _, article = line.split("\t")
            pools.setdefault(topic, set()).add(article)
    return pools


def blind_order(topic: str, ids: Iterable[str]) -> list[str]:
    """A fixed shuffle: by a hash of topic and id, so no rank or system order survives."""
    return sorted(ids, key=lambda article: hashlib.sha1(f"{topic}\t{article}".encode()).digest())


def load_articles(ids: set[str], corpus: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in iter_records(corpus_files(corpus)) if r["id"] in ids}


def marked_texts(query: str) -> list[str]:
    """What the query asks for, aliases included (进博会 -> 中国国际进口博览会), normalised."""
    node = aliases.expand(ql.parse(query), shipped_aliases())
    return ql.positive_texts(node)


def window(text: str, at: int, size: int) -> str:
    start = max(0, min(at - size // 3, len(text) - size))
    cut = text[start : start + size]
    return ("…" if start else "") + cut + ("…" if start + size < len(text) else "")


def judge_view(record: dict[str, Any], texts: Sequence[str]) -> dict[str, Any]:
    """An article as the judge sees it: no score, no rank, no system."""
    paragraphs = record["paragraphs"]
    # A 1998 article often opens with a subtitle or a byline line: the lead is the
    # first paragraph, and the next ones while it is shorter than a sentence or two.
    lead_count = 0
    while lead_count < len(paragraphs) and sum(map(len, paragraphs[:lead_count])) < SHORT_LEAD:
        lead_count += 1
    lead = window(" / ".join(paragraphs[:lead_count]), 0, LEAD_CHARS)
    matching = []
    for number, paragraph in enumerate(paragraphs):
        plain = squeeze(normalize(paragraph))
        hits = [plain.find(t) for t in texts if t in plain]
        if hits:
            matching.append((number, paragraph, min(hits)))
    shown = [window(p, at, MATCH_CHARS) for n, p, at in matching if n >= lead_count]
    return {
        "id": record["id"],
        "date": record["date"],
        "title": record["title"],
        "paragraphs": len(paragraphs),
        "paragraphs_matching": len(matching),
        "lead": lead,
        "matches": shown[:MATCHES_SHOWN],
    }


def write_pool(
    topics: Sequence[Topic], pools: dict[str, set[str]], corpus: Path, todo: Path | None
) -> None:
    wanted = set().union(*pools.values()) if pools else set()
    articles = load_articles(wanted, corpus)
    qrels = load_qrels()
    POOL.mkdir(exist_ok=True)
    if todo:
        todo.mkdir(parents=True, exist_ok=True)
    pooled = unjudged = 0
    for topic in topics:
        texts = marked_texts(topic.query)
        order = blind_order(topic.id, pools.get(topic.id, ()))
        views = [json.dumps(judge_view(articles[a], texts), ensure_ascii=False) for a in order]
        (POOL / f"{topic.id}.jsonl").write_text("".join(v + "\n" for v in views), "utf-8")
        graded = qrels.get(topic.id, {})
        left = [v for a, v in zip(order, views, strict=True) if a not in graded]
        if todo and left:
            (todo / f"{topic.id}.jsonl").write_text("".join(v + "\n" for v in left), "utf-8")
        pooled, unjudged = pooled + len(order), unjudged + len(left)
        print(f"{topic.id}\t{topic.query}\tpooled {len(order)}\tnot judged {len(left)}")
    print(f"all topics: pooled {pooled}, not judged {unjudged}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_system_options(parser)
    parser.add_argument("--run", help="name of this run's files in runs/ (default: the commit)")
    parser.add_argument("--depth", type=int, default=DEPTH, help="articles pooled per system")
    parser.add_argument("--no-run", action="store_true", help="pool the runs already in runs/")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of *.jsonl")
    parser.add_argument("--todo", type=Path, help="also write the articles not judged yet here")
    args = parser.parse_args(argv)
    topics = load_topics()
    if not args.no_run:
        ranked = rankings(
            system_names(args.systems),
            topics,
            args.depth,
            args.data,
            args.opensearch_hosts,
            args.opensearch_index,
        )
        write_runs(args.run or commit(), ranked)
    write_pool(topics, pooled_ids(), args.corpus, args.todo)


if __name__ == "__main__":
    main()
