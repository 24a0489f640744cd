"""The topics, the judgements and the three systems the relevance benchmark ranks with.

Shared by `pool.py` (which runs the systems to 20 and pools the results) and
`evaluate.py` (which runs them to 10 and scores them), so both rank with the
same settings: baoku on Whoosh and on OpenSearch through the public reader, as
the CLI calls it (aliases on, relevance order); the baseline as `bench/run.py`
builds it (stock Whoosh, jieba's `ChineseAnalyzer`, one document per
paragraph and one for the title) with the stock `QueryParser`, articles
ranked by their best paragraph's BM25F score.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from search.backends import backend_for
from search.config import Settings
from search.query.request import SearchRequest

RELEVANCE = Path(__file__).resolve().parent
sys.path.insert(0, str(RELEVANCE.parent))

from cluster_probe import DEFAULT_HOSTS  # noqa: E402
from run import DEFAULT_CORPUS as DEFAULT_CORPUS  # noqa: E402  (pool.py reads the corpus as run.py does)
from run import corpus_files as corpus_files  # noqa: E402
from run import engine_settings  # noqa: E402
from run import iter_records as iter_records  # noqa: E402

TOPICS = RELEVANCE / "topics.tsv"
QRELS = RELEVANCE / "qrels.tsv"
DEFAULT_DATA = Path("/work/relevance-data")  # the built indexes, outside the repository
DEFAULT_PREFIX = "baoku-relevance"  # the archive on the cluster
SYSTEMS = ("baoku", "baoku-opensearch", "baseline")


@dataclass(frozen=True)
class Topic:
    id: str
    query: str  # as a journalist types it
    held_out: bool  # never looked at while tuning ranking
    statement: str  # what a relevant article is: what the judge grades against


def load_topics(path: Path = TOPICS) -> list[Topic]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Topic(row["id"], row["query"], row["held_out"] == "true", row["statement"])
            for row in rows
        ]


def load_qrels(path: Path = QRELS) -> dict[str, dict[str, int]]:
    """topic id -> article id -> grade (0, 1, 2); empty when nothing is judged yet."""
    qrels: dict[str, dict[str, int]] = {}
    if not path.exists():
        return qrels
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("topic\t"):
                topic, article, grade = line.rstrip("\n").split("\t")
                qrels.setdefault(topic, {})[article] = int(grade)
    return qrels


class System(Protocol):
    def top(self, query: str, depth: int) -> list[str]:
        """The ids of the first `depth` articles for `query`, best first."""
        ...

    def close(self) -> None: ...


class Baoku:
    """baoku's reader (either engine), as `baoku search` asks it."""

    def __init__(self, settings: Settings) -> None:
        self.archive = backend_for(settings).reader()

    def top(self, query: str, depth: int) -> list[str]:
        result = self.archive.search(SearchRequest(query=query, size=depth))
        return [hit.article_id for hit in result.hits]

    def close(self) -> None:
        self.archive.close()


class Baseline:
    """Stock Whoosh BM25F over paragraphs; an article ranks by its best paragraph."""

    def __init__(self, index_dir: Path) -> None:
        ix = whoosh_index.open_dir(str(index_dir))
        self.searcher = ix.searcher()
        self.parser = QueryParser("content", ix.schema)

    def top(self, query: str, depth: int) -> list[str]:
        ranked: list[str] = []
        for hit in self.searcher.search(self.parser.parse(query), limit=None):
            if hit["article_id"] not in ranked:
                ranked.append(hit["article_id"])
                if len(ranked) == depth:
                    break
        return ranked

    def close(self) -> None:
        self.searcher.close()


def open_system(name: str, data: Path, hosts: str, prefix: str) -> System:
    """`name` of SYSTEMS, over the indexes built under `data` (and `prefix` on the cluster)."""
    if name == "baseline":
        return Baseline(data / "baseline")
    if name == "baoku-opensearch":
        return Baoku(engine_settings(name, data, hosts, prefix))
    return Baoku(Settings(index_dir=data / "baoku"))


def rankings(
    names: Sequence[str], topics: Sequence[Topic], depth: int, data: Path, hosts: str, prefix: str
) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """(system, topic id -> its top `depth` ids) for each system, one system open at a time."""
    for name in names:
        system = open_system(name, data, hosts, prefix)
        try:
            yield name, {topic.id: system.top(topic.query, depth) for topic in topics}
        finally:
            system.close()


def add_system_options(parser: argparse.ArgumentParser) -> None:
    """The options pool.py and evaluate.py share: where the indexes are, which systems."""
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the built indexes")
    parser.add_argument("--opensearch-hosts", default=DEFAULT_HOSTS, help="the cluster's URLs")
    parser.add_argument("--opensearch-index", default=DEFAULT_PREFIX, help="the archive's prefix")
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated, of {','.join(SYSTEMS)} (default: all)",
    )


def system_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SYSTEMS]
    if unknown or not names:
        sys.exit(f"systems are {', '.join(SYSTEMS)}; got {text!r}")
    return names
