"""User-typed parameters -> a validated `SearchRequest`, the same for the CLI and the API.

`SEARCH_PARAMS` is the one table of a search's parameters: their names, what
they mean, the limit or choices they are checked against and their defaults.
`search_request` reads a query string (or the CLI's flags under the same
names) through it, and web/openapi.py describes /api/search from it, so a new
parameter or a changed limit reaches the validation and the published
description at once. Both faces read the same limits (`limits.py`) and the
same date parser (`language.parse_date`), so a request the CLI refuses is
refused by the API with the same message; the request checks itself when
built (query/request.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from search.errors import BadParameter
from search.limits import DEEPEST_HIT, FILTER_CHARS, PAGE, PAGE_SIZE, QUERY_CHARS, Limit
from search.query.aliases import AliasTable
from search.query.language import parse_date
from search.query.request import (
    FILTERS,
    GROUPS,
    SORTS,
    SearchRequest,
    choice,
    filter_value,
    shipped_aliases,
)

__all__ = ["GROUPS", "SEARCH_PARAMS", "SORTS", "Param", "choice", "filter_value", "search_request"]

# What a parameter's string becomes; web/openapi.py gives each kind its schema.
#   query: the query language (the parser checks its length: a QuerySyntaxError)
#   text: a string as given; day: YYYY[-MM[-DD]]; time: ISO 8601; whole: an int
#   choice: one of `choices`; switch: true/false
ParamKind = Literal["query", "text", "day", "time", "whole", "choice", "switch"]
# `imported_since`: longer than any time a cron script writes (`2026-11-27T08:00:00+08:00`
# is 25), so a longer one is refused before it is parsed, as the description says.
TIME_CHARS = 40


@dataclass(frozen=True, slots=True)
class Param:
    """One query-string parameter: what reading it, checking it and describing it need."""

    name: str  # in the query string (and the request field it fills, unless `field`)
    description: str
    kind: ParamKind
    default: Any = None  # when absent or empty: a form submits its empty fields
    limit: Limit | None = None  # whole
    choices: tuple[str, ...] = ()  # choice
    max_chars: int | None = None  # text and time: refused past it; query: the parser's bound
    required: bool = False
    at_most: int = 1  # values: more than one, and it repeats (`q=a&q=b`, read with getlist)
    field: str | None = None  # the SearchRequest field, when it is not `name`
    last_day: bool = False  # day: a partial date means its last day (`to=2024-03`)

    def read(self, params: Mapping[str, str | None]) -> Any:
        """This parameter of `params`, typed; the default when absent or empty."""
        raw = params.get(self.name)
        if raw is None or raw == "":
            return self.default
        if self.kind != "query" and self.max_chars is not None and len(raw) > self.max_chars:
            raise BadParameter(f"{self.name} is at most {self.max_chars} characters")
        if self.kind == "whole":
            return _whole_number(raw, self.name)
        if self.kind == "day":
            return parse_date(raw, end=self.last_day, name=self.name)
        if self.kind == "time":
            return _timestamp(raw, self.name)
        if self.kind == "choice":
            return choice(raw, self.choices, self.name)
        if self.kind == "switch":
            return _switch(raw, self.name)
        return raw


def _whole_number(raw: str, name: str) -> int:
    """`raw` as an int; the request checks the limit itself."""
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, got {raw!r}") from None


def date_param(raw: str | None, name: str, end: bool = False) -> datetime.date | None:
    return parse_date(raw, end=end, name=name) if raw else None


def _timestamp(raw: str, name: str) -> datetime.datetime:
    """`2026-11-27`, `2026-11-27T08:00` or with a zone (`…+08:00`, `…Z`); a time without a
    zone is this machine's local time, as a newsroom's cron script means it."""
    try:
        moment = datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadParameter(
            f"{name}: bad time {raw!r}; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+08:00]"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def _switch(raw: str, name: str) -> bool:
    """`true`/`false` (also 1/0, yes/no, on/off)."""
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise BadParameter(f"{name} must be true or false, got {raw!r}")


def _whole(name: str, description: str, limit: Limit) -> Param:
    return Param(name, description, "whole", default=limit.default, limit=limit)


def choice_param(name: str, description: str, choices: tuple[str, ...]) -> Param:
    """One of `choices`, the first when absent."""
    return Param(name, description, "choice", default=choices[0], choices=choices)


_FILTER_DESCRIPTIONS = {  # one for each of FILTERS: a filter added there fails until described
    "section": "Exact section (a facet value)",
    "author": "Exact author (a facet value)",
    "person": "Articles mentioning this person (a facet value; aliases too)",
    "place": "Articles mentioning this place (a facet value; aliases too)",
    "org": "Articles mentioning this organisation (a facet value; aliases too)",
}
QUERY = Param(
    "q",
    'Query: terms (AND), "phrase", "a b"~N, OR, NOT/-x, ( ), title: author: section: '
    "date: person: place: org:",
    "query",
    default="",
    max_chars=QUERY_CHARS,
    required=True,
    field="query",
)
PAGING = (
    _whole("page", "Page number", PAGE),
    _whole("size", f"Hits per page (page × size ≤ {DEEPEST_HIT})", PAGE_SIZE),
)
# What narrows the articles searched (a trend takes these too).
FILTER_PARAMS = (
    Param("from", "Earliest date: YYYY, YYYY-MM or YYYY-MM-DD", "day", field="date_from"),
    Param(
        "to",
        "Latest date: YYYY, YYYY-MM (its last day) or YYYY-MM-DD",
        "day",
        field="date_to",
        last_day=True,
    ),
    *(Param(name, _FILTER_DESCRIPTIONS[name], "text", max_chars=FILTER_CHARS) for name in FILTERS),
    Param(
        "imported_since",
        "Only articles imported at or after this time (ISO 8601; local time without a zone)",
        "time",
        max_chars=TIME_CHARS,
    ),
    Param(
        "aliases",
        "Widen terms and entity filters to their other names (简称/全称); false: literal",
        "switch",
        default=True,
    ),
)
SEARCH_PARAMS = (
    QUERY,
    *PAGING,
    *FILTER_PARAMS,
    choice_param("sort", "Order", SORTS),
    choice_param("group", "One hit per article or per paragraph", GROUPS),
)


def search_request(
    params: Mapping[str, str | None], facets: bool = False, aliases: AliasTable | None = None
) -> SearchRequest:
    """The search that `params` (query-string names, strings as typed) asks for, validated
    and planned; `aliases`: the shipped and the user's names (the shipped ones when None)."""
    return SearchRequest(
        **{p.field or p.name: p.read(params) for p in SEARCH_PARAMS},
        facets=facets,
        alias_table=aliases or shipped_aliases(),
    )
