"""Score the three systems live against the judgements in `qrels.tsv`.

    python bench/relevance/evaluate.py [--systems baoku,...] [--data /work/relevance-data]
                                       [--worst 10]

Each topic of `topics.tsv` runs on each system (the settings of `pool.py`, to
depth 10). Per system, for the tuned topics and the held-out ones apart:

* nDCG@10: gains 0/1/2 as judged, discount log2(rank + 1), the ideal ranking
  made of every judged article of the topic (not only those a system found);
* P@10: articles graded 1 or 2 among the first 10, over 10;
* first hit highly relevant: the share of topics whose rank 1 is graded 2;
* unjudged: articles in the top 10 that no judge graded (counted as 0), the
  sign that the pool needs a new run (`pool.py`) and more judging.

Then, for the tuned topics only, those where baoku's nDCG@10 is lowest, with
the ranks of their grade-2 articles: what the ranking rules should fix. The
held-out topics' details are never printed, so nobody tunes on them.
"""

from __future__ import annotations

import argparse
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from systems import (
    Topic,
    add_system_options,
    load_qrels,
    load_topics,
    rankings,
    system_names,
)

DEPTH = 10
WORST = 10


@dataclass(frozen=True)
class TopicScore:
    ndcg: float
    precision: float
    first_highly: bool
    unjudged: int


def dcg(gains: Sequence[int]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, 1))


def score(ranked: Sequence[str], grades: dict[str, int]) -> TopicScore:
    top = list(ranked[:DEPTH])
    gains = [grades.get(article, 0) for article in top]
    ideal = dcg(sorted(grades.values(), reverse=True)[:DEPTH])
    return TopicScore(
        ndcg=dcg(gains) / ideal if ideal else 0.0,
        precision=sum(gain >= 1 for gain in gains) / DEPTH,
        first_highly=bool(gains) and gains[0] == 2,
        unjudged=sum(article not in grades for article in top),
    )


def table(scores: dict[str, dict[str, TopicScore]], groups: dict[str, list[Topic]]) -> list[str]:
    """Rows of metrics, a column per system and group (tuned, held out)."""
    columns = [(system, group) for group in groups for system in scores]
    lines = [
        "| | " + " | ".join(f"{s} ({g}, {len(groups[g])})" for s, g in columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]

    def row(label: str, figure: str) -> str:
        cells = []
        for system, group in columns:
            per_topic = [scores[system][topic.id] for topic in groups[group]]
            if figure == "unjudged":
                cells.append(str(sum(s.unjudged for s in per_topic)))
                continue
            values = [float(getattr(s, figure)) for s in per_topic]
            cells.append(f"{statistics.fmean(values):.3f}" if values else "–")
        return f"| {label} | " + " | ".join(cells) + " |"

    lines += [
        row("nDCG@10", "ndcg"),
        row("P@10", "precision"),
        row("first hit highly relevant", "first_highly"),
        row("unjudged in top 10 (counted as 0)", "unjudged"),
    ]
    return lines


def worst_tuned(
    tuned: Sequence[Topic],
    scores: dict[str, dict[str, TopicScore]],
    runs: dict[str, dict[str, list[str]]],
    qrels: dict[str, dict[str, int]],
    shown: int,
) -> list[str]:
    """The tuned topics where baoku ranks worst: query, nDCG@10 per engine, grade-2 ranks."""
    engines = [s for s in ("baoku", "baoku-opensearch") if s in scores]
    if not engines:
        return []
    lead = engines[0]
    ordered = sorted(tuned, key=lambda topic: (scores[lead][topic.id].ndcg, topic.id))
    lines = [
        f"Tuned topics where {lead}'s nDCG@10 is lowest (ranks of grade-2 articles in its top "
        f"{DEPTH}; `-` none; of N: grade-2 articles judged):",
        "",
        "| topic | query | " + " | ".join(f"{e} nDCG@10" for e in engines) + " | grade-2 ranks |",
        "| --- | --- |" + " ---: |" * len(engines) + " --- |",
    ]
    for topic in ordered[:shown]:
        grades = qrels.get(topic.id, {})
        ranks = [
            str(rank)
            for rank, article in enumerate(runs[lead][topic.id][:DEPTH], 1)
            if grades.get(article) == 2
        ]
        highly = sum(grade == 2 for grade in grades.values())
        cells = " | ".join(f"{scores[e][topic.id].ndcg:.3f}" for e in engines)
        lines.append(
            f"| {topic.id} | `{topic.query}` | {cells} | {', '.join(ranks) or '-'} (of {highly}) |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_system_options(parser)
    parser.add_argument("--worst", type=int, default=WORST, help="tuned topics listed")
    args = parser.parse_args(argv)
    topics, qrels = load_topics(), load_qrels()
    unjudged_topics = [t.id for t in topics if not qrels.get(t.id)]
    topics = [t for t in topics if qrels.get(t.id)]
    runs = dict(
        rankings(
            system_names(args.systems),
            topics,
            DEPTH,
            args.data,
            args.opensearch_hosts,
            args.opensearch_index,
        )
    )
    scores = {
        system: {t.id: score(by_topic[t.id], qrels[t.id]) for t in topics}
        for system, by_topic in runs.items()
    }
    groups = {
        "tuned": [t for t in topics if not t.held_out],
        "held out": [t for t in topics if t.held_out],
    }
    print("\n".join(table(scores, groups)))
    if unjudged_topics:
        print(f"\nleft out, no judgements yet: {', '.join(unjudged_topics)}")
    print()
    print("\n".join(worst_tuned(groups["tuned"], scores, runs, qrels, args.worst)))


if __name__ == "__main__":
    main()
