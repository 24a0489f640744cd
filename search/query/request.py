"""`SearchRequest`: one search, typed, validated and planned once, where it is built.

The CLI's flags and the API's parameters become a request in one place
(query/params.py); a request built in code (related coverage, trends, tests)
goes through the same checks, because they run when it is constructed
(`__post_init__`), and `dataclasses.replace` builds a new one, checked and
planned again. Engines therefore never validate or parse: they read
`request.plan`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal, get_args

from search.errors import BadParameter
from search.limits import DEEPEST_HIT, FILTER_CHARS, PAGE, PAGE_SIZE
from search.models import ENTITY_KINDS, EntityKind
from search.query.aliases import AliasTable, alias_table
from search.query.plan import Plan, plan

GroupBy = Literal["article", "paragraph"]
SortBy = Literal["relevance", "date", "oldest"]  # date: newest first; oldest: oldest first
GROUPS: tuple[str, ...] = get_args(GroupBy)
SORTS: tuple[str, ...] = get_args(SortBy)
FILTERS = ("section", "author", *ENTITY_KINDS)  # exact facet values: at most FILTER_CHARS


def shipped_aliases() -> AliasTable:
    return alias_table(None)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str
    group: GroupBy = "article"
    sort: SortBy = "relevance"
    page: int = 1
    size: int = 10
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    section: str | None = None  # exact section name (a facet value)
    author: str | None = None  # exact author name (a facet value)
    facets: bool = False
    imported_since: datetime.datetime | None = None  # only articles imported at or after (UTC)
    aliases: bool = True  # widen terms to their other names (query/aliases.py)
    person: str | None = None  # an exact person facet value: articles that mention them
    place: str | None = None
    org: str | None = None
    # The names a term widens to and entity facets merge by: the shipped table, or the
    # shipped and the user's (`aliases_file`) as the CLI and the API pass it.
    alias_table: AliasTable = field(default_factory=shipped_aliases, compare=False, repr=False)
    plan: Plan = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        """What every engine may assume of a request: limits, choices, a date range that
        does not end before it starts, and a query that parses (`QuerySyntaxError`)."""
        PAGE.check(self.page)
        PAGE_SIZE.check(self.size)
        if self.page * self.size > DEEPEST_HIT:
            raise BadParameter(
                f"page × size goes past the first {DEEPEST_HIT:,} hits; narrow the query"
            )
        choice(self.group, GROUPS, "group")
        choice(self.sort, SORTS, "sort")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadParameter("the date range ends before it starts")
        for name in FILTERS:
            filter_value(getattr(self, name), name)
        object.__setattr__(self, "plan", plan(self))

    def entities(self) -> tuple[tuple[EntityKind, str], ...]:
        """The entity facet filters asked for, as (kind, name)."""
        asked = ((kind, getattr(self, kind)) for kind in ENTITY_KINDS)
        return tuple((kind, name) for kind, name in asked if name and name.strip())


def choice(raw: str | None, allowed: tuple[str, ...], name: str) -> str:
    """One of `allowed` (the first when absent)."""
    if not raw:
        return allowed[0]
    if raw not in allowed:
        raise BadParameter(f"{name} must be {' or '.join(allowed)}, got {raw!r}")
    return raw


def filter_value(raw: str | None, name: str) -> str | None:
    """An exact facet value (section, author, person, paper…) as given, None when blank."""
    if raw and len(raw) > FILTER_CHARS:
        raise BadParameter(f"{name} is at most {FILTER_CHARS} characters")
    return raw or None
