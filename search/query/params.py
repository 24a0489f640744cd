"""User-typed parameters -> a validated `SearchRequest`, the same for the CLI and the API.

Both faces read the same names (`q`, `page`, `size`, `from`, `to`, `sort`,
`group`, `section`, `author`, `person`, `place`, `org`, `imported_since`,
`aliases`), the same limits (`limits.py`) and the same date parser
(`language.parse_date`), so a request the CLI refuses is refused by the API
with the same message; the request checks itself when built (query/request.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from search.errors import BadParameter
from search.limits import PAGE, PAGE_SIZE, Limit
from search.query.aliases import AliasTable
from search.query.language import parse_date
from search.query.request import (
    GROUPS,
    SORTS,
    SearchRequest,
    choice,
    filter_value,
    shipped_aliases,
)

__all__ = ["GROUPS", "SORTS", "choice", "filter_value", "search_request"]


def whole_number(raw: str | None, limit: Limit, name: str) -> int:
    """`raw` as an int (`limit`'s default when absent or empty); the request checks the
    limit itself."""
    if raw is None or raw == "":
        return limit.default
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, got {raw!r}") from None


def date_param(raw: str | None, name: str, end: bool = False) -> datetime.date | None:
    return parse_date(raw, end=end, name=name) if raw else None


def timestamp_param(raw: str | None, name: str) -> datetime.datetime | None:
    """`2026-11-27`, `2026-11-27T08:00` or with a zone (`…+08:00`, `…Z`); a time without a
    zone is this machine's local time, as a newsroom's cron script means it."""
    if not raw:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadParameter(
            f"{name}: bad time {raw!r}; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+08:00]"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def switch(raw: str | None, name: str) -> bool:
    """`true`/`false` (also 1/0, yes/no, on/off); on when absent."""
    if raw is None or raw == "":
        return True
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise BadParameter(f"{name} must be true or false, got {raw!r}")


def search_request(
    params: Mapping[str, str | None], facets: bool = False, aliases: AliasTable | None = None
) -> SearchRequest:
    """The search that `params` (query-string names, strings as typed) asks for, validated
    and planned; `aliases`: the shipped and the user's names (the shipped ones when None)."""
    return SearchRequest(
        query=params.get("q") or "",
        group=choice(params.get("group"), GROUPS, "group"),  # type: ignore[arg-type]
        sort=choice(params.get("sort"), SORTS, "sort"),  # type: ignore[arg-type]
        page=whole_number(params.get("page"), PAGE, "page"),
        size=whole_number(params.get("size"), PAGE_SIZE, "size"),
        date_from=date_param(params.get("from"), "from"),
        date_to=date_param(params.get("to"), "to", end=True),
        section=params.get("section") or None,
        author=params.get("author") or None,
        facets=facets,
        imported_since=timestamp_param(params.get("imported_since"), "imported_since"),
        aliases=switch(params.get("aliases"), "aliases"),
        person=params.get("person") or None,
        place=params.get("place") or None,
        org=params.get("org") or None,
        alias_table=aliases or shipped_aliases(),
    )
