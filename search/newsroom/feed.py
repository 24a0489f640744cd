"""A search as an Atom feed (RFC 4287): watch a topic in a feed reader, no account needed.

Entries are the newest articles first (publication date), each linking to
its permalink with its title, date, authors and the snippet (escaped HTML).
The feed's `updated` is the archive's last import, so a reader polling with
`If-None-Match`/`If-Modified-Since` gets 304 until an import may have added
something. A publication date is a day in Beijing time (+08:00): the
papers are Chinese and print no hour.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from xml.etree import ElementTree as ET

from search.models import Hit, SearchResult, imported_stamp
from search.text.snippets import to_html

ATOM = "http://www.w3.org/2005/Atom"
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
MEDIA_TYPE = "application/atom+xml; charset=utf-8"


def _published(day: datetime.date) -> str:
    return datetime.datetime.combine(day, datetime.time(), BEIJING).isoformat()


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """An Atom element: unqualified, in the namespace the root declares."""
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def etag(feed_url: str, updated: datetime.datetime | None) -> str:
    """Changes when the query or the archive changes (an import), not otherwise."""
    key = f"{feed_url}|{updated.isoformat() if updated else ''}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def atom(
    result: SearchResult,
    *,
    title: str,
    feed_url: str,
    page_url: str,
    updated: datetime.datetime,
    permalink: Callable[[str], str],
) -> bytes:
    """The feed document: `feed_url` is its id and rel=self, `page_url` the search page."""
    # The root declares Atom the default namespace itself: ET.register_namespace would
    # change how every ElementTree in the process writes that namespace.
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "subtitle", f"{result.total} 篇，最新的 {len(result.hits)} 篇")
    _add(feed, "updated", imported_stamp(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _add(feed, "author")
    _add(author, "name", "报库 baoku")  # entries without a byline fall back to this
    _add(feed, "generator", "baoku")
    for hit in result.hits:
        _entry(feed, hit, permalink(hit.article_id), updated)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(feed: ET.Element, hit: Hit, link: str, fallback: datetime.datetime) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", link)
    _add(entry, "title", hit.title or "（无题）", type="text")
    _add(entry, "link", rel="alternate", type="text/html", href=link)
    _add(entry, "updated", hit.imported or imported_stamp(fallback))
    if hit.date:
        _add(entry, "published", _published(hit.date))
    for name in hit.authors:
        _add(_add(entry, "author"), "name", name)
    if hit.section:
        _add(entry, "category", term=hit.section)
    _add(entry, "summary", to_html(hit.snippet), type="html")
