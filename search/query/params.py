"""User-typed parameters -> a validated `SearchRequest`, the same for the CLI and the API.

Both faces read the same names (`q`, `page`, `size`, `from`, `to`, `sort`,
`group`, `section`, `author`, `person`, `place`, `org`, `imported_since`,
`aliases`), the same limits (`limits.py`) and the same date parser
(`querylang.parse_date`), so a request the CLI refuses is refused by the API
with the same message, and every engine receives a request that is already
valid.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import get_args

from search.errors import BadParameter
from search.limits import DEEPEST_HIT, FILTER_CHARS, PAGE, PAGE_SIZE, Limit
from search.models import GroupBy, SearchRequest, SortBy
from search.query.language import parse_date

GROUPS: tuple[str, ...] = get_args(GroupBy)
SORTS: tuple[str, ...] = get_args(SortBy)


def whole_number(raw: str | None, limit: Limit, name: str) -> int:
    """`raw` as an int inside `limit` (its default when absent or empty)."""
    if raw is None or raw == "":
        return limit.default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, got {raw!r}") from None
    return limit.check(value)


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


def choice(raw: str | None, allowed: tuple[str, ...], name: str) -> str:
    """One of `allowed` (the first when absent)."""
    if not raw:
        return allowed[0]
    if raw not in allowed:
        raise BadParameter(f"{name} must be {' or '.join(allowed)}, got {raw!r}")
    return raw


def filter_value(raw: str | None, name: str) -> str | None:
    if raw and len(raw) > FILTER_CHARS:
        raise BadParameter(f"{name} is at most {FILTER_CHARS} characters")
    return raw or None


def search_request(params: Mapping[str, str | None], facets: bool = False) -> SearchRequest:
    """The search that `params` (query-string names, strings as typed) asks for, validated."""
    request = SearchRequest(
        query=params.get("q") or "",
        group=choice(params.get("group"), GROUPS, "group"),  # type: ignore[arg-type]
        sort=choice(params.get("sort"), SORTS, "sort"),  # type: ignore[arg-type]
        page=whole_number(params.get("page"), PAGE, "page"),
        size=whole_number(params.get("size"), PAGE_SIZE, "size"),
        date_from=date_param(params.get("from"), "from"),
        date_to=date_param(params.get("to"), "to", end=True),
        section=filter_value(params.get("section"), "section"),
        author=filter_value(params.get("author"), "author"),
        facets=facets,
        imported_since=timestamp_param(params.get("imported_since"), "imported_since"),
        aliases=switch(params.get("aliases"), "aliases"),
        person=filter_value(params.get("person"), "person"),
        place=filter_value(params.get("place"), "place"),
        org=filter_value(params.get("org"), "org"),
    )
    validate(request)
    return request


def validate(request: SearchRequest) -> None:
    """What every engine may assume of a request (also one built in code, not from params)."""
    PAGE.check(request.page)
    PAGE_SIZE.check(request.size)
    if request.page * request.size > DEEPEST_HIT:
        raise BadParameter(
            f"page × size goes past the first {DEEPEST_HIT:,} hits; narrow the query"
        )
    choice(request.group, GROUPS, "group")
    choice(request.sort, SORTS, "sort")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise BadParameter("the date range ends before it starts")
