"""The embedded engine: a Whoosh index in one directory, searched through numpy arrays.

`WhooshBackend` is all that the rest of baoku sees of it (through
`backends.backend_for`): `reader()` searches (reader.py; its query path split
by job: snapshot.py, matching.py, scoring.py, collecting.py, over postings.py),
`writer()` imports through the shared pipeline (search/ingest/pipeline.py) into
`store.WhooshStore`, whose worker processes write segments themselves
(segments.py). Whoosh's private names are used only in read_adapter.py and
write_adapter.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from search.backends.whoosh import store
from search.backends.whoosh.read_adapter import map_compound_files
from search.backends.whoosh.reader import WhooshReader
from search.backends.whoosh.workers import SEGMENT_TOKENS
from search.config import Settings
from search.models import IndexStats


class WhooshWriter:
    def __init__(self, settings: Settings, segment_tokens: int) -> None:
        self.settings = settings
        self.segment_tokens = segment_tokens

    def store(self) -> store.WhooshStore:
        return store.WhooshStore(self.settings, self.segment_tokens)

    def remove(self, paths: Iterable[Path] = (), ids: Iterable[str] = ()) -> int:
        return store.remove(self.settings, paths, ids)

    def optimize(self) -> IndexStats:
        return store.optimize(self.settings)


class WhooshBackend:
    """One index directory (`settings.index_dir`)."""

    name = "whoosh"

    def __init__(self, settings: Settings, segment_tokens: int = SEGMENT_TOKENS) -> None:
        """`segment_tokens`: how many tokens an import worker holds before it writes a
        segment (memory per worker); tests pass a small one to see several segments."""
        self.settings = settings
        self.segment_tokens = segment_tokens
        self.location = str(settings.index_dir)
        map_compound_files()

    def exists(self) -> bool:
        return store.index_exists(self.settings.index_dir)

    def reader(self) -> WhooshReader:
        return WhooshReader(self.settings)

    def writer(self) -> WhooshWriter:
        return WhooshWriter(self.settings, self.segment_tokens)
