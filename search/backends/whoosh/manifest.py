"""The import's memory beside the Whoosh files: which files were imported, which JSONL lines.

`baoku-files.json` maps each imported file to its SHA-256 and article count;
`baoku-lines/<sha1 of the path>.json` keeps, per JSONL file, the digest of
every line indexed and its article id. Both are written whole or not at all
(a reader, or a killed import, never sees half a file), the line tables
before the manifest, which is what makes them valid.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from search.backends.base import LineTable, Manifest

MANIFEST = "baoku-files.json"
LINES_DIR = "baoku-lines"


def load_manifest(index_dir: Path) -> Manifest:
    try:
        return json.loads((index_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(target: Path, value: object) -> None:
    """Whole or not at all: a reader (or a killed import) never sees half a file."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    os.replace(tmp, target)


def save_manifest(index_dir: Path, manifest: Manifest) -> None:
    _write_json(index_dir / MANIFEST, manifest)


def _lines_file(index_dir: Path, key: str) -> Path:
    name = hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()
    return index_dir / LINES_DIR / f"{name}.json"


def known_lines(index_dir: Path, key: str, sha256: str | None) -> LineTable | None:
    """What the last import indexed from this JSONL file (line digest -> article id).

    None unless the table describes the file version the manifest records
    (`sha256`): after a crash between the two writes, after `baoku remove`,
    or for an index built before the tables existed, the whole file is
    replaced instead, as pages always are.
    """
    try:
        table = json.loads(_lines_file(index_dir, key).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(table, dict) or sha256 is None or table.get("sha256") != sha256:
        return None
    lines = table.get("lines")
    return lines if table.get("path") == key and isinstance(lines, dict) else None


def save_lines(index_dir: Path, manifest: Manifest, tables: dict[str, LineTable]) -> None:
    """Write the line tables of the JSONL files this run recorded in the manifest and
    drop those of files no longer in it; before the manifest, which makes them valid."""
    folder = index_dir / LINES_DIR
    folder.mkdir(exist_ok=True)
    for key, lines in tables.items():
        table = {"path": key, "sha256": manifest[key]["sha256"], "lines": lines}
        _write_json(_lines_file(index_dir, key), table)
    wanted = {_lines_file(index_dir, key).name for key in manifest}
    for stale in folder.iterdir():
        if stale.name not in wanted:
            stale.unlink(missing_ok=True)
