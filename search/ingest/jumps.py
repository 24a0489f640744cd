"""Jumps between pages: `（下转第二版）` ends the first part, `（上接第一版）` opens the rest.

A reader of the archive wants the story, not two halves: when both parts of
one issue are imported they become ONE article (the first part's id, title and
byline; both parts' paragraphs; `continuation_at` says where page two begins: the
paragraph the page turn falls in). A sentence the jump cut (the first part ends
mid-sentence) is one paragraph again, as the halves of a column break are.
Parts are paired by issue (paper and date; undated pages only within one
folder), by the two pages, then by title (equal, or one containing the other),
then in page order.

The import pipeline records each page file's parts (`JumpPart`) in the
manifest, so a part arriving later finds its partner's file and both files
are imported again together: joined, never duplicated.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from search.ingest.furniture import PAGE_NUMBER, page_label
from search.ingest.markup import ends_sentence
from search.models import Article, Paragraph

_ONWARD = ("下转", "转")  # the story goes on at that page
_MARKER = r"(?P<way>下转|上接|紧接|转|接|续)\s*(?:第\s*)?(?P<page>" + PAGE_NUMBER + r")\s*版"
_IN_PARENS = re.compile(r"[（(]\s*" + _MARKER + r"\s*[）)]")
_ALONE = re.compile(r"^\s*[（(]?\s*" + _MARKER + r"\s*[）)]?\s*$")


@dataclass(frozen=True, slots=True)
class Jump:
    """One marker: `onward` (下转: continued on `page`) or not (上接: continued from `page`)."""

    onward: bool
    page: str


def _jump(match: re.Match[str]) -> Jump | None:
    page = page_label(match.group("page"))
    return Jump(match.group("way") in _ONWARD, page) if page else None


def jump_line(line: str) -> Jump | None:
    """The jump when the whole line is a marker (`（下转第二版）`, `上接1版`)."""
    match = _ALONE.match(line)
    return _jump(match) if match else None


def strip_jumps(text: str) -> tuple[str, list[Jump]]:
    """The text without its parenthesised markers, and the jumps they made."""
    jumps = [j for m in _IN_PARENS.finditer(text) if (j := _jump(m))]
    return (_IN_PARENS.sub("", text).strip(), jumps) if jumps else (text, [])


@dataclass(frozen=True, slots=True)
class JumpPart:
    """What the manifest keeps of a part, to find its partner in a later import."""

    article_id: str
    issue: str
    page: str
    onward: str | None  # continued on this page
    back: str | None  # continued from this page
    title: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "issue": self.issue,
            "page": self.page,
            "onward": self.onward,
            "back": self.back,
            "title": self.title,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> JumpPart:
        return cls(
            value["id"],
            value["issue"],
            value["page"],
            value["onward"],
            value["back"],
            value["title"],
        )

    def links(self) -> list[tuple[str, str, str]]:
        """(issue, from page, to page) of each jump this part makes."""
        out = []
        if self.onward:
            out.append((self.issue, self.page, self.onward))
        if self.back:
            out.append((self.issue, self.back, self.page))
        return out


def _issue(article: Article) -> str:
    place = article.date.isoformat() if article.date else os.path.dirname(article.origin)
    return f"{article.paper or ''}|{place}"


def jump_parts(articles: Iterable[Article]) -> list[JumpPart]:
    """The parts among one page's articles: those with a jump and a known page."""
    return [
        JumpPart(a.id, _issue(a), a.page, a.continued_on, a.continued_from, a.title)
        for a in articles
        if a.page and (a.continued_on or a.continued_from)
    ]


def linked_files(parts: Mapping[str, Sequence[JumpPart]], start: Iterable[str]) -> set[str]:
    """`start` and every file whose parts pair with theirs, transitively (A->B->C)."""
    by_link: dict[tuple[str, str, str], set[str]] = {}
    for key, file_parts in parts.items():
        for part in file_parts:
            for link in part.links():
                by_link.setdefault(link, set()).add(key)
    found = set(start)
    todo = list(found)
    while todo:
        for part in parts.get(todo.pop(), ()):
            for link in part.links():
                for other in by_link.get(link, set()) - found:
                    found.add(other)
                    todo.append(other)
    return found


_Key = tuple[str, str]  # (origin, id): ids repeat across folders until imported together


def _key(article: Article) -> _Key:
    return article.origin, article.id


def _pairs_title(first: Article, rest: Article) -> bool:
    a, b = first.title.strip(), rest.title.strip()
    return bool(a and b) and (a in b or b in a)


def _cut(first: Sequence[Paragraph], rest: Sequence[Paragraph]) -> int:
    """1 when the jump cut a sentence (`…走私违法活（下转第二版）`, `（上接第一版）动；…`):
    the first part's last body paragraph ends no sentence and the rest opens with body."""
    return int(
        bool(first and rest)
        and first[-1].kind == rest[0].kind == "body"
        and not ends_sentence(first[-1].text)
    )


def _mended(first: Sequence[Paragraph], rest: Sequence[Paragraph]) -> tuple[Paragraph, ...]:
    """Both parts' paragraphs, the halves of a cut sentence one paragraph again (so a
    phrase across the jump is found, as one across a column break is)."""
    if not _cut(first, rest):
        return (*first, *rest)
    return (*first[:-1], replace(first[-1], text=first[-1].text + rest[0].text), *rest[1:])


def join_jumps(pages: Mapping[str, Sequence[Article]]) -> dict[str, list[Article]]:
    """Each page's articles with every paired continuation folded into its first part.

    Keys are files in import order; a joined article stays with its first part's
    file, and its continuation leaves the continuation's file."""
    firsts: dict[tuple[str, str, str], list[Article]] = {}
    rests: dict[tuple[str, str, str], list[Article]] = {}
    for articles in pages.values():
        for article in articles:
            if not article.page:
                continue
            if article.continued_on:
                firsts.setdefault((_issue(article), article.page, article.continued_on), []).append(
                    article
                )
            if article.continued_from:
                rests.setdefault(
                    (_issue(article), article.continued_from, article.page), []
                ).append(article)
    partner: dict[_Key, Article] = {}  # first part -> its continuation
    for link, candidates in firsts.items():
        waiting = list(rests.get(link, []))
        unmatched = []
        for first in candidates:
            match = next((r for r in waiting if _pairs_title(first, r)), None)
            if match is None:
                unmatched.append(first)
            else:
                waiting.remove(match)
                partner[_key(first)] = match
        partner.update((_key(first), rest) for first, rest in zip(unmatched, waiting, strict=False))
    # Walked from the chains' heads, so parts pointing at each other in a circle
    # (a damaged page) stay standalone rather than vanish.
    absorbed: set[_Key] = set()
    for head in set(partner) - {_key(rest) for rest in partner.values()}:
        rest = partner.get(head)
        while rest is not None and _key(rest) not in absorbed and _key(rest) != head:
            absorbed.add(_key(rest))
            rest = partner.get(_key(rest))

    def whole(article: Article, seen: frozenset[_Key]) -> Article:
        rest = partner.get(_key(article))
        if rest is None or _key(rest) in seen or _key(rest) not in absorbed:
            return article
        rest = whole(rest, seen | {_key(rest)})
        return replace(
            article,
            paragraphs=_mended(article.paragraphs, rest.paragraphs),
            authors=tuple(dict.fromkeys(article.authors + rest.authors)),
            photographers=tuple(dict.fromkeys(article.photographers + rest.photographers)),
            continuation_at=len(article.paragraphs) - _cut(article.paragraphs, rest.paragraphs),
        )

    return {
        key: [whole(a, frozenset({_key(a)})) for a in articles if _key(a) not in absorbed]
        for key, articles in pages.items()
    }
