"""Stock Whoosh's own searcher agrees with baoku's array evaluation over an index baoku wrote.

baoku writes W3 segments itself and reads their posting blocks through
private names (backends/whoosh/*_adapter.py). If a whoosh-reloaded release
changed the format or those internals, baoku's own tests could still agree
with baoku: here Whoosh's public query objects (`Term`, `Phrase`) run through
its own matchers over the production codec (block size 1,024, inlining) and
must find exactly the documents baoku's evaluation finds.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from support import CORPUS_DIR, SEEDS_DIR, build_index
from whoosh import index as whoosh_index
from whoosh.query import Phrase, Term

from search.backends.whoosh.matching import Evaluator
from search.backends.whoosh.postings import IndexView
from search.backends.whoosh.schema import BLOCK_LIMIT
from search.backends.whoosh.snapshot import Snapshot
from search.backends.whoosh.store import open_index
from search.text.analysis import exact_grams, normalize, squeeze

# Common characters and words (many blocks of 1,024 postings), rare ones (inlined),
# strings across word boundaries, digits and Latin, and strings found nowhere.
STRINGS = [
    "的", "中", "国", "中国", "发展", "经济", "人民", "郑好融", "州公", "47.6亿元",
    "1998", "新华社", "北京", "改革开放", "稳中向好", "的发展", "国有企业", "a",
    "宝库不存在的词", "郑州市", "记者", "同志", "社会主义", "一九九八年",
]  # fmt: skip


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stock")
    with (CORPUS_DIR / "pd1998.jsonl").open(encoding="utf-8") as corpus:
        lines = list(itertools.islice(corpus, 1500))
    (folder / "pd.jsonl").write_text("".join(lines), "utf-8")
    build_index([SEEDS_DIR, folder / "pd.jsonl"], folder / "index")
    return folder / "index"


def test_stock_term_and_phrase_queries_find_what_baoku_finds(index_dir: Path) -> None:
    ix = whoosh_index.open_dir(str(index_dir))
    evaluator = Evaluator(Snapshot(IndexView.open(open_index(index_dir))), "paragraph")
    blocks_seen = False
    with ix.searcher() as searcher:
        for string in STRINGS:
            grams = exact_grams(squeeze(normalize(string)))
            query = Term("exact", grams[0]) if len(grams) == 1 else Phrase("exact", grams)
            stock = sorted(query.docs(searcher))
            ours, counts = evaluator.occurrences("exact", squeeze(normalize(string)))
            assert stock == ours.tolist(), string
            if len(grams) == 1:
                blocks_seen |= len(stock) > BLOCK_LIMIT
                # Term frequencies as stored: Whoosh's weights equal baoku's occurrence counts.
                weights = dict(query.matcher(searcher).items_as("weight"))
                assert [weights[d] for d in stock] == counts.tolist(), string
    assert blocks_seen, "no term spans several posting blocks: use a larger sample"


def test_stock_stored_fields_hold_the_articles(index_dir: Path) -> None:
    """The stored article of each parent document reads back through Whoosh's API."""
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        parents = list(Term("kind", "article").docs(searcher))
        stored = [searcher.stored_fields(d)["article"] for d in parents]
    assert len(stored) == 1500 + 7
    assert {a["id"] for a in stored} >= {"000_9abfc11f84c73b14-05"}
    with (CORPUS_DIR / "pd1998.jsonl").open(encoding="utf-8") as corpus:
        first = json.loads(corpus.readline())
    (mine,) = [a for a in stored if a["id"] == first["id"]]
    assert [p for p, _ in mine["paragraphs"]] == first["paragraphs"]
    assert np.all(np.diff(parents) > 0)
