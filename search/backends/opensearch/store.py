"""What the import pipeline (search/ingest/pipeline.py) keeps between imports, in the files index.

Documents of `{prefix}-files`, by `kind`:

    file    one per imported file (id `file:<sha1 of the path>`): path, sha256,
            articles, and `parts` when its JSONL line table is saved
    lines   a JSONL file's line table (digest -> article id) in parts of
            LINES_PER_PART lines (a 74,000-line export is 5 MB of table; one
            document per file would grow past what a request should carry),
            tagged with the file version (sha256) they describe
    lock    the import lock (`lock`)
    state   when an import last committed (`state`)

As in the Whoosh engine, line tables are written before the file documents
that make them valid, and a table is used only when it is complete and
describes the version the manifest records: after a crash between the two, a
file is simply re-imported whole.

The lock is a document created with op_type=create, so exactly one import
holds it. Unlike an flock it survives its process: a lock whose process on
this host is gone (pid dead, or reused by another process) is taken over; one
held from another host must be deleted by hand, and the message says how.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from opensearchpy.exceptions import ConflictError, NotFoundError, RequestError
from opensearchpy.helpers import bulk, scan

from search.backends.base import MANIFEST_KEYS, LineTable, Manifest
from search.backends.opensearch.batch import OpenSearchBatch
from search.backends.opensearch.client import Cluster
from search.backends.opensearch.mapping import articles_index, files_index
from search.config import Settings
from search.errors import BaokuError, IndexBusy, IndexUnavailable

LINES_PER_PART = 20_000
LOCK_ID, STATE_ID = "lock", "state"


def _file_id(key: str) -> str:
    return "file:" + hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()


def _part_id(key: str, sha256: str, part: int) -> str:
    return f"lines:{_file_id(key)[5:]}:{sha256[:16]}:{part}"


def _now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


class OpenSearchStore:
    """`backends.base.Store` over the files index, plus what remove and stats need of it."""

    def __init__(self, cluster: Cluster, settings: Settings, shards: int) -> None:
        self.cluster = cluster
        self.settings = settings
        self.shards = shards
        self._imported: Manifest = {}  # the manifest as this import found it

    @property
    def _client(self) -> Any:
        return self.cluster.client

    def ensure(self) -> None:
        """Create both indices if they are missing (the first import)."""
        bodies = {
            self.cluster.articles: articles_index(self.shards),
            self.cluster.files: files_index(),
        }
        with self.cluster.errors():
            for index, body in bodies.items():
                if self._client.indices.exists(index=index):
                    continue
                try:
                    self._client.indices.create(index=index, body=body, wait_for_active_shards=1)
                except RequestError as exc:  # created meanwhile by another process
                    if exc.error != "resource_already_exists_exception":
                        raise

    def check_format(self) -> None:
        """`IndexUnavailable` for an articles index an older baoku created: its strict
        mapping lacks fields this version writes and reads (`paper_key`, `imported`)."""
        with self.cluster.errors():
            found = self._client.indices.get_mapping(index=self.cluster.articles)
        mapping = next(iter(found.values()))["mappings"].get("properties", {})
        missing = set(articles_index(self.shards)["mappings"]["properties"]) - set(mapping)
        if missing:
            raise IndexUnavailable(
                f"the {self.cluster.where} was built by an older baoku (it has no "
                f"{', '.join(sorted(missing))}); delete its indices and run `baoku index` "
                "to rebuild it"
            )

    # -- lock -------------------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        self.ensure()
        self.check_format()
        held = self._acquire()
        try:
            yield
        finally:
            # A cluster gone now must not hide why the import stopped; a lock
            # left behind by this (exiting) process is taken over next time.
            with suppress(BaokuError), self.cluster.errors():
                with suppress(ConflictError, NotFoundError):
                    self._client.delete(
                        index=self.cluster.files,
                        id=LOCK_ID,
                        if_seq_no=held[0],
                        if_primary_term=held[1],
                        refresh="true",
                    )

    def _acquire(self) -> tuple[int, int]:
        """Create the lock document; (seq_no, primary_term) to delete exactly it later."""
        pid = os.getpid()
        mine = {
            "kind": "lock",
            "host": socket.gethostname(),
            "pid": pid,
            "started": _process_start(pid),
            "since": _now(),
        }
        with self.cluster.errors():
            for _ in range(3):
                try:
                    created = self._client.index(
                        index=self.cluster.files, id=LOCK_ID, body=mine, op_type="create"
                    )
                    return created["_seq_no"], created["_primary_term"]
                except ConflictError:
                    pass
                try:
                    holder = self._client.get(index=self.cluster.files, id=LOCK_ID)
                except NotFoundError:
                    continue  # released meanwhile
                if not _abandoned(holder["_source"]):
                    raise IndexBusy(self._busy(holder["_source"]))
                with suppress(ConflictError, NotFoundError):  # another import took it over first
                    self._client.delete(
                        index=self.cluster.files,
                        id=LOCK_ID,
                        if_seq_no=holder["_seq_no"],
                        if_primary_term=holder["_primary_term"],
                    )
        raise IndexBusy(f"another import keeps taking the lock of the {self.cluster.where}")

    def _busy(self, holder: dict[str, Any]) -> str:
        message = (
            f"another `baoku index` (pid {holder.get('pid')} on {holder.get('host')}, since "
            f"{holder.get('since')}) is writing the {self.cluster.where}; try again later"
        )
        if holder.get("host") != socket.gethostname():
            message += (
                f" (if that import was killed, delete its lock: "
                f"DELETE {self.cluster.hosts[0]}/{self.cluster.files}/_doc/{LOCK_ID})"
            )
        return message

    # -- manifest and line tables ---------------------------------------------------------

    def manifest(self) -> Manifest:
        with self.cluster.errors():
            found = scan(
                self._client,
                index=self.cluster.files,
                query={"query": {"term": {"kind": "file"}}},
                _source=["path", *MANIFEST_KEYS],
            )
            manifest = {
                doc["_source"]["path"]: {
                    key: doc["_source"][key] for key in MANIFEST_KEYS if key in doc["_source"]
                }
                for doc in found
            }
        self._imported = {key: dict(entry) for key, entry in manifest.items()}
        return manifest

    def known_lines(self, key: str, sha256: str | None) -> LineTable | None:
        if sha256 is None:
            return None
        with self.cluster.errors():
            try:
                file = self._client.get(index=self.cluster.files, id=_file_id(key))["_source"]
            except NotFoundError:
                return None
            if file.get("sha256") != sha256 or file.get("path") != key or "parts" not in file:
                return None
            ids = [_part_id(key, sha256, n) for n in range(file["parts"])]
            docs = []
            if ids:
                docs = self._client.mget(index=self.cluster.files, body={"ids": ids})["docs"]
        if not all(d.get("found") and d["_source"].get("sha256") == sha256 for d in docs):
            return None
        return {digest: i for d in docs for digest, i in d["_source"]["lines"].items()}

    def save(self, manifest: Manifest, tables: dict[str, LineTable]) -> None:
        """Line tables, then the file documents that changed; the gone files' documents go."""
        actions: list[dict[str, Any]] = []
        parts: dict[str, int] = {}
        for key, lines in tables.items():
            sha256 = manifest[key]["sha256"]
            items = list(lines.items())
            chunks = [items[i : i + LINES_PER_PART] for i in range(0, len(items), LINES_PER_PART)]
            parts[key] = len(chunks)
            for n, chunk in enumerate(chunks):
                source = {
                    "kind": "lines",
                    "file": _file_id(key),
                    "sha256": sha256,
                    "part": n,
                    "lines": dict(chunk),
                }
                actions.append(self._doc(_part_id(key, sha256, n), source))
        for key, entry in manifest.items():
            if key in parts or self._imported.get(key) != entry:
                source = {"kind": "file", "file": _file_id(key), "path": key, **entry}
                if key in parts:
                    source["parts"] = parts[key]
                actions.append(self._doc(_file_id(key), source))
        with self.cluster.errors():
            bulk(self._client, actions, refresh="true")
        self._delete_outdated_lines(manifest, parts)
        self.forget([key for key in self._imported if key not in manifest])
        self._imported = {key: dict(entry) for key, entry in manifest.items()}

    def _doc(self, doc_id: str, source: dict[str, Any]) -> dict[str, Any]:
        return {"_index": self.cluster.files, "_id": doc_id, "_source": source}

    def _delete_outdated_lines(self, manifest: Manifest, parts: dict[str, int]) -> None:
        """Line tables of earlier versions of the files just saved."""
        if not parts:
            return
        current = [
            {
                "bool": {
                    "filter": [
                        {"term": {"file": _file_id(key)}},
                        {"term": {"sha256": manifest[key]["sha256"]}},
                        {"range": {"part": {"lt": count}}},
                    ]
                }
            }
            for key, count in parts.items()
        ]
        query = {
            "bool": {
                "filter": [
                    {"term": {"kind": "lines"}},
                    {"terms": {"file": [_file_id(key) for key in parts]}},
                ],
                "must_not": current,
            }
        }
        self._delete(query)

    def forget(self, keys: list[str]) -> None:
        """Drop the file documents and line tables of files no longer imported."""
        if keys:
            self._delete({"terms": {"file": [_file_id(key) for key in keys]}})

    def _delete(self, query: dict[str, Any]) -> None:
        self.cluster.delete_where(self.cluster.files, query, refresh=True)

    # -- state ------------------------------------------------------------------------------

    def touch(self) -> None:
        """Record a commit: what `stats` reports as the last update."""
        with self.cluster.errors():
            self._client.index(
                index=self.cluster.files,
                id=STATE_ID,
                body={"kind": "state", "updated": _now()},
                refresh="true",
            )

    def summary(self) -> tuple[int, datetime.datetime | None]:
        """(files imported, when an import last committed)."""
        with self.cluster.errors():
            files = self._client.count(
                index=self.cluster.files, body={"query": {"term": {"kind": "file"}}}
            )["count"]
        return files, self.updated()

    def updated(self) -> datetime.datetime | None:
        """When an import last committed (what `touch` recorded), one GET."""
        with self.cluster.errors():
            try:
                state = self._client.get(index=self.cluster.files, id=STATE_ID)["_source"]
            except NotFoundError:
                return None
        return datetime.datetime.fromisoformat(state["updated"])

    def batch(self) -> OpenSearchBatch:
        return OpenSearchBatch(self.cluster, self.settings, on_commit=self.touch)


def _process_start(pid: int) -> str | None:
    """When `pid` started (clock ticks since boot), telling it from a later process
    that reuses the number; None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _abandoned(holder: dict[str, Any]) -> bool:
    """Whether a lock was left by a process of this host that no longer runs."""
    if holder.get("host") != socket.gethostname():
        return False
    pid = holder.get("pid")
    if not isinstance(pid, int):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's
    started = holder.get("started")
    return started is not None and _process_start(pid) != started
