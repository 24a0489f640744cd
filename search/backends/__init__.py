"""Engines behind one interface (base.py); `backend_for` is the only way callers get one."""

from __future__ import annotations

from search.backends.base import ArchiveReader, ArchiveWriter, Backend
from search.config import Settings
from search.errors import BadParameter

__all__ = ["ArchiveReader", "ArchiveWriter", "Backend", "backend_for"]
BACKENDS = ("whoosh", "opensearch")


def backend_for(settings: Settings) -> Backend:
    """The engine `settings.backend` names, for the archive the settings point at."""
    if settings.backend == "whoosh":
        from search.backends.whoosh import WhooshBackend

        return WhooshBackend(settings)
    if settings.backend == "opensearch":
        from search.backends.opensearch import OpenSearchBackend

        hosts = [host.strip() for host in settings.opensearch_hosts.split(",") if host.strip()]
        return OpenSearchBackend(
            hosts, settings.opensearch_index, settings, shards=settings.opensearch_shards
        )
    raise BadParameter(f"backend must be {' or '.join(BACKENDS)}, got {settings.backend!r}")
