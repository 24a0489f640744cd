"""The import's worker pool: processes that analyse articles and write segments of their own.

Analysis (jieba, in `text.document.build_document`) and writing postings
are both pure Python, so one process would leave the other core idle. Each
worker turns an article into its engine-neutral document and that into
Whoosh documents (`schema.article_documents`) itself, so only articles cross
the queue. It builds its segments with a `SegmentBuilder`, takes no lock
(the parent holds it) and hands back the segments it wrote; the parent
commits them all in one TOC. Articles are batched whole, so a parent
document and its units always land in the same segment, as groups must.
"""

from __future__ import annotations

import gc
import multiprocessing
from typing import Any

from whoosh import index as whoosh_index

from search.backends.whoosh.schema import article_documents, codec
from search.backends.whoosh.segments import SegmentBuilder
from search.config import Settings
from search.errors import IndexUnavailable
from search.models import Article
from search.text import analysis
from search.text.document import build_document

# A worker writes its segment when it holds this many tokens (~40 bytes each
# in memory): ~800 MB a worker, whatever the input size; 5 segments for the corpus.
SEGMENT_TOKENS = 24_000_000


class SegmentWorkers:
    """`settings.index_workers` processes writing segments of about `segment_tokens` tokens."""

    BATCH = 32

    def __init__(self, settings: Settings, segment_tokens: int = SEGMENT_TOKENS) -> None:
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(maxsize=4 * settings.index_workers)
        self.results = context.Queue()
        self.batch: list[Article] = []
        self.processes = [
            context.Process(
                target=_segment_worker,
                args=(settings, segment_tokens, self.jobs, self.results),
                daemon=True,
            )
            for _ in range(settings.index_workers)
        ]
        for process in self.processes:
            process.start()

    def add(self, article: Article) -> None:
        self.batch.append(article)
        if len(self.batch) >= self.BATCH:
            self.jobs.put(self.batch)
            self.batch = []

    def finish(self) -> list[Any]:
        """Every segment the workers wrote, once they have all finished."""
        if self.batch:
            self.jobs.put(self.batch)
        for _ in self.processes:
            self.jobs.put(None)
        segments = []
        for _ in self.processes:
            status, value = self.results.get()
            if status == "error":
                self.cancel()
                raise IndexUnavailable(f"indexing failed in a worker: {value}")
            segments += value
        for process in self.processes:
            process.join()
        return segments

    def cancel(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
                process.join()


def _segment_worker(settings: Settings, segment_tokens: int, jobs: Any, results: Any) -> None:
    """Analyse batches of articles into segments of about `segment_tokens` tokens each.

    The cyclic garbage collector is off: a worker allocates millions of small
    lists that live until the segment is written, none in a cycle, and the
    collections kept walking them again (14% of a worker's time).
    """
    gc.disable()
    try:
        analysis.configure(settings.cache_dir, settings.user_dict)
        analysis.segmenter()
        ix = whoosh_index.open_dir(str(settings.index_dir))
        written = []
        builder: SegmentBuilder | None = None
        while (batch := jobs.get()) is not None:
            builder = builder or SegmentBuilder(ix.storage, ix.schema, codec())
            for article in batch:
                for doc in article_documents(build_document(article)):
                    builder.add(doc)
            if builder.tokens >= segment_tokens:
                written.append(builder.finish())
                builder = None
        if builder is not None:
            written.append(builder.finish())
        results.put(("ok", written))
    except BaseException as exc:  # reported to the parent, which stops the import
        results.put(("error", f"{type(exc).__name__}: {exc}"))
