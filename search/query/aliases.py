"""简称与全称: a query term matches the names a journalist does not type.

The archive writes 中国国际进口博览会 where a journalist types 进博会. A shipped
table (`search/query/data/aliases.txt`) and an optional user file (`aliases_file`)
group such names; a query term equal to any name of a group becomes an `Alias`
node (an entity filter such as `org:北大` takes every name), which every engine
matches as any of the names (each still an exact substring) and ranks as the
typed term: the title tier and the togetherness bonus count a group as one
term. "Quoted" terms, fields other than title:, and `aliases=false` /
`--no-aliases` keep the text literal.

The user file is read again when it changes (its mtime), so a newsroom adds a
name without re-indexing: matching never depended on it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from search.errors import BadParameter
from search.query import language as ql
from search.text.analysis import normalize, squeeze


@dataclass(frozen=True)
class AliasTable:
    """Each known name (normalised) -> every name of its group, the full name first."""

    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def names(self, text: str) -> tuple[str, ...]:
        return self.groups.get(text, ())

    @cached_property
    def families(self) -> dict[str, tuple[str, ...]]:
        """Each group by its first (full) name: what a facet counts as one entry."""
        return {group[0]: group for group in self.groups.values()}

    @cached_property
    def canonical(self) -> dict[str, str]:
        """Each name with aliases -> its group's first (full) name: what an entity facet
        counts it under, so 北大 and 北京大学 are one entry."""
        return {name: group[0] for name, group in self.groups.items()}


def _read(text: str, groups: dict[str, tuple[str, ...]]) -> None:
    for line in text.splitlines():
        names = [squeeze(normalize(n)) for n in line.split("#", 1)[0].split()]
        names = list(dict.fromkeys(n for n in names if n))
        if len(names) > 1:
            merged = tuple(dict.fromkeys([*names, *(m for n in names for m in groups.get(n, ()))]))
            for name in merged:
                groups[name] = merged


@lru_cache(maxsize=8)
def _table(user_file: str | None, stamp: float) -> AliasTable:
    groups: dict[str, tuple[str, ...]] = {}
    _read(resources.files("search.query").joinpath("data/aliases.txt").read_text("utf-8"), groups)
    if user_file:
        try:
            _read(Path(user_file).read_text("utf-8"), groups)
        except (OSError, UnicodeDecodeError) as exc:
            raise BadParameter(f"aliases file {user_file}: cannot read it ({exc})") from exc
    return AliasTable(groups)


def alias_table(user_file: Path | None) -> AliasTable:
    """The shipped table plus `user_file`, read again whenever the file changes."""
    if user_file is None:
        return _table(None, 0.0)
    try:
        stamp = os.stat(user_file).st_mtime
    except OSError as exc:
        raise BadParameter(f"aliases file {user_file}: {exc.strerror}") from exc
    return _table(str(user_file), stamp)


def expand(node: ql.Node, table: AliasTable) -> ql.Node:
    """`node` with every unquoted term (or title: term) that has aliases as an `Alias`,
    and every unquoted entity filter holding all its names."""
    if isinstance(node, ql.Text):
        names = table.names(node.text) if not node.literal and node.field in (None, "title") else ()
        if not names:
            return node
        others = tuple(n for n in names if n != node.text)
        return ql.Alias(node.text, others, node.field)
    if isinstance(node, ql.Entity):
        if node.literal:
            return node
        return ql.Entity(node.kind, tuple(dict.fromkeys([*node.names, *table.names(node.typed)])))
    if isinstance(node, ql.And):
        return ql.And(tuple(expand(i, table) for i in node.items))
    if isinstance(node, ql.Or):
        return ql.Or(tuple(expand(i, table) for i in node.items))
    if isinstance(node, ql.Not):
        return ql.Not(expand(node.item, table))
    return node
