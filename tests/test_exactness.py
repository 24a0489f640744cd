"""Recall is exact: on People's Daily 1998, every query returns exactly the articles a
brute-force normalised substring scan finds, on both engines. Zero differences allowed."""

from __future__ import annotations

import json
import random
import re

import pytest
from support import CORPUS_DIR, Engine, traditional

from search.text.analysis import normalize, squeeze

PD1998 = CORPUS_DIR / "pd1998.jsonl"
# The query language's syntax, list separators (docs/query.md) and a star included.
_SYNTAX = re.compile(r'["“”＂()（）:：|｜*＊，、；;,\u3000]')
_HALF_TO_FULL = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    with PD1998.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module", params=["whoosh", "opensearch"])
def pd_search(request, tmp_path_factory):
    """All 3,148 articles in the engine under test."""
    if request.param == "whoosh":
        engine = Engine("whoosh")
    else:
        hosts = request.getfixturevalue("opensearch_hosts")
        engine = Engine("opensearch", hosts, request.getfixturevalue("cluster_prefixes"))
    return engine.search(engine.build([PD1998], tmp_path_factory.mktemp("pd1998")))


def _texts(record: dict) -> list[str]:
    return [
        squeeze(normalize(t)) for t in [record["title"], *record["paragraphs"], *record["authors"]]
    ]


def sample_queries(corpus: list[dict], count: int = 180) -> list[str]:
    """Words, single characters, cross-boundary fragments, numbers, variants, pairs."""
    rng = random.Random(1998)
    paragraphs = [p for r in corpus for p in r["paragraphs"] if len(p) > 20]
    queries: list[str] = []

    def fragment(low: int, high: int) -> str:
        """A substring of real text, without the query language's own syntax characters."""
        while True:
            text = rng.choice(paragraphs)
            size = rng.randint(low, high)
            start = rng.randrange(0, len(text) - size)
            piece = "".join(text[start : start + size].split())
            if (
                piece
                and not _SYNTAX.search(piece)
                and not piece.startswith(("-", "－"))
                and normalize(piece) not in ("or", "and", "not")
            ):
                return piece

    numbers = [m for p in paragraphs[:3000] for m in re.findall(r"[０-９0-9．.]{2,}", p)]
    while len(queries) < count:
        kind = len(queries) % 6
        if kind == 0:
            queries.append(fragment(1, 1))  # one character
        elif kind == 1:
            queries.append(fragment(2, 4))  # words and cross-boundary bigrams
        elif kind == 2:
            queries.append(f'"{fragment(5, 9)}"')  # phrase across word boundaries
        elif kind == 3:
            number = rng.choice(numbers)
            queries.append(number.translate({ord(c): None for c in "．."}) or number)
        elif kind == 4:
            variant = fragment(2, 4)
            queries.append(traditional(variant).translate(_HALF_TO_FULL))
        else:
            queries.append(f"{fragment(2, 3)} {fragment(2, 3)}")  # two terms, AND
    return queries


def brute_force(corpus: list[dict], query: str) -> set[str]:
    terms = (
        [squeeze(normalize(t)) for t in query.replace('"', " ").split()]
        if '"' not in query
        else [squeeze(normalize(query.strip('"')))]
    )
    return {
        r["id"] for r in corpus if all(any(term in text for text in _texts(r)) for term in terms)
    }


def every_hit(search, query: str) -> tuple[int, set[str]]:
    found: set[str] = set()
    page, total = 1, None
    while total is None or len(found) < total:
        result = search(query, size=1000, page=page)
        total = result.total
        found |= {h.article_id for h in result.hits}
        if not result.hits:
            break
        page += 1
    return total, found


def test_every_sampled_query_equals_a_brute_force_scan(corpus, pd_search):
    queries = sample_queries(corpus)
    assert len(queries) >= 150
    differences = []
    for query in queries:
        truth = brute_force(corpus, query)
        total, found = every_hit(pd_search, query)
        if found != truth or total != len(truth):
            differences.append((query, total, len(truth), sorted(found ^ truth)[:5]))
    assert differences == []
    # The sample is not trivial: most queries find something, some find a lot.
    sizes = [len(brute_force(corpus, q)) for q in queries[:60]]
    assert sum(1 for s in sizes if s) > 50 and max(sizes) > 1000
