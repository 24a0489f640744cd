"""Settings: the one place configuration is read.

Precedence is defaults < config file < BAOKU_* environment < CLI flags, so a
one-off run never needs a shared file edited. Only this module reads
`os.environ`.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from search.errors import BadParameter


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "baoku"


_ALIASES = {"index_dir": "BAOKU_INDEX"}  # the short name users type


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("index")  # BAOKU_INDEX
    seeds_dir: Path = Path("seeds")  # what `baoku index` reads with no PATH
    user_dict: Path | None = None  # extra jieba words, one per line, on top of the shipped ones
    cache_dir: Path = dataclasses.field(default_factory=_default_cache_dir)  # jieba's cache
    index_workers: int = max(1, min(2, os.cpu_count() or 1))  # analysis processes
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2  # gunicorn workers for `baoku serve`
    cors_origins: str = "*"  # origins allowed to call /api (comma-separated); read-only API
    public_url: str = ""  # where readers reach the service; the CLI's citations link there
    aliases_file: Path | None = None  # more 简称/全称 groups, on top of the shipped ones
    backend: str = "whoosh"  # the engine: whoosh (index_dir) or opensearch (a cluster)
    opensearch_hosts: str = "http://127.0.0.1:9200"  # comma-separated node URLs
    opensearch_index: str = "baoku"  # name prefix of the cluster's indices
    opensearch_shards: int = 1  # primary shards of a new archive (see opensearch/mapping.py)

    @classmethod
    def load(
        cls,
        flags: Mapping[str, object] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Self:
        """Flags beat BAOKU_* beat the config file (BAOKU_CONFIG or ./baoku.toml)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        config_file = Path(environ.get("BAOKU_CONFIG", "baoku.toml"))
        if config_file.is_file():
            try:
                values.update(tomllib.loads(config_file.read_text("utf-8")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise BadParameter(f"{config_file}: not a valid TOML file ({exc})") from exc
        names = {f.name for f in dataclasses.fields(cls)}
        for name in names:
            env_value = environ.get(f"BAOKU_{name.upper()}") or environ.get(_ALIASES.get(name, ""))
            if env_value:
                values[name] = env_value
        values.update({k: v for k, v in (flags or {}).items() if v is not None})
        unknown = set(values) - names
        if unknown:
            raise BadParameter(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**{k: _coerce(cls, k, v) for k, v in values.items()})


def _coerce(cls: type[Settings], name: str, value: object) -> Any:
    default = next(f for f in dataclasses.fields(cls) if f.name == name)
    kind = default.type
    try:
        if "Path" in str(kind):
            return Path(str(value)).expanduser()
        if kind == "int":
            number = int(str(value))
            if number < 1:
                raise ValueError("must be at least 1")
            return number
    except ValueError as exc:
        raise BadParameter(f"setting {name}: {value!r} is not valid ({exc})") from exc
    return str(value)
