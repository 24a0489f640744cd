"""Where an import's time goes: one process, stage by stage, on one JSONL file.

    .venv/bin/python bench/profile_index.py FILE [--limit N]

Reads the articles, then times in CPU seconds what a worker does with them:
normalisation, jieba and entity extraction (`text.document.build_document`),
the exact tokens, `SegmentBuilder.add` (inverting the tokens, stored fields,
columns) and `SegmentBuilder.finish` (writing the postings and the compound
file). The garbage collector is off, as in the
import workers. Figures: bench/README.md, "Indexing at scale".
"""

from __future__ import annotations

import argparse
import gc
import itertools
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from search.backends.whoosh import schema
from search.backends.whoosh.segments import SegmentBuilder
from search.config import Settings
from search.ingest.jsonl import read_jsonl
from search.models import Article
from search.text import analysed, analysis
from search.text.document import build_document

SECONDS: defaultdict[str, float] = defaultdict(float)


def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args)
        finally:
            SECONDS[stage] += time.process_time() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--limit", type=int, help="only the first N lines")
    args = parser.parse_args()
    settings = Settings.load()
    analysis.configure(settings.cache_dir, settings.user_dict)
    analysis.segmenter()
    gc.disable()

    started = time.process_time()
    lines = itertools.islice(read_jsonl(args.file), args.limit)
    articles = [item for line in lines if isinstance(item := getattr(line, "item", None), Article)]
    SECONDS["read + parse JSONL"] = time.process_time() - started
    analysed.normalize = timed("normalize", analysed.normalize)
    analysed.cut = timed("jieba words", analysed.cut)
    analysed.extract = timed("entities", analysed.extract)
    schema.exact_tokens = timed("exact tokens", schema.exact_tokens)

    with tempfile.TemporaryDirectory() as folder:
        storage = FileStorage(folder)
        ix = storage.create_index(schema.build_schema())
        builder = SegmentBuilder(storage, ix.schema, schema.codec())
        documents = 0
        for article in articles:
            docs = schema.article_documents(build_document(article))
            started = time.process_time()
            for doc in docs:
                builder.add(doc)
            SECONDS["SegmentBuilder.add"] += time.process_time() - started
            documents += len(docs)
        started = time.process_time()
        builder.finish()
        SECONDS["SegmentBuilder.finish"] = time.process_time() - started

    print(f"{args.file.name}: {len(articles)} articles, {documents} documents")
    for stage, seconds in SECONDS.items():
        print(f"  {stage:24s} {seconds:7.2f} s")
    print(f"  {'total':24s} {sum(SECONDS.values()):7.2f} s")


if __name__ == "__main__":
    main()
